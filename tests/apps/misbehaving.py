"""Raw-socket targets that misbehave the ways real servers do: hang, reset, serve HTML."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Responder = Callable[[str, str], bytes | None]  # (method, path) -> raw response, or None to reset


def http_response(status: int, body: str, content_type: str = "application/json") -> bytes:
    payload = body.encode()
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


@contextmanager
def raw_server(respond: Responder | None) -> Iterator[str]:
    """A threaded TCP server on 127.0.0.1; ``respond=None`` accepts and never answers (a hang)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            threading.Thread(target=_handle, args=(conn, respond, held), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        sock.close()


def _handle(conn: socket.socket, respond: Responder | None, held: list[socket.socket]) -> None:
    if respond is None:
        held.append(conn)  # keep it open and silent
        return
    try:
        conn.settimeout(5)
        data = conn.recv(65536).decode("latin-1")
        method, path = ([*data.split(" "), "", ""])[:2]
        answer = respond(method, path.split("?")[0])
        if answer is None:
            # SO_LINGER 0 turns close() into a TCP reset, as a crashing worker does.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        else:
            conn.sendall(answer)
    except OSError:
        pass
    finally:
        conn.close()


def spec_with(paths: dict[str, object]) -> str:
    return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
