"""A logging sinkhole on loopback: a TCP server that records every connection made to it.

Used as the "other host" a page reaches for and as the proxy of ``HTTP(S)_PROXY``/``ALL_PROXY``:
assay must never connect to it. Each connection is recorded with the first line it sent (a
proxy request says ``CONNECT host:443`` or ``GET http://host/...``), then closed unanswered.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Sinkhole:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._socket = socket.create_server((host, 0))
        self._socket.settimeout(0.2)
        self.host = host
        self.port = int(self._socket.getsockname()[1])
        self._lock = threading.Lock()
        self._connections: list[str] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def connections(self) -> list[str]:
        """The first line of each connection received so far ("" when it sent nothing)."""
        with self._lock:
            return list(self._connections)

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with client:
                client.settimeout(1.0)
                try:
                    first = client.recv(2048).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    first = ""
            with self._lock:
                self._connections.append(first)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)
        self._socket.close()


@contextmanager
def sinkhole(host: str = "127.0.0.1") -> Iterator[Sinkhole]:
    hole = Sinkhole(host)
    try:
        yield hole
    finally:
        hole.stop()
