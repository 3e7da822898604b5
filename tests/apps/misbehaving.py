"""Raw-socket targets that misbehave the ways real servers do, or hostile ones would.

Hang, reset, serve HTML; and the bodies that knock a naive client over: endless, 1 GB (streamed,
never held in memory here), a gzip bomb, one byte every half second, a "billion laughs" YAML spec.
"""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

# (method, path) -> a raw response, the chunks of one (sent as they come), or None to reset.
Answer = bytes | Iterable[bytes] | None
Responder = Callable[[str, str], Answer]
CHUNK = 65536


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
        elif isinstance(answer, bytes):
            conn.sendall(answer)
        else:
            for chunk in answer:  # ends with OSError once the client hangs up
                conn.sendall(chunk)
    except OSError:
        pass
    finally:
        conn.close()


def spec_with(paths: Mapping[str, object]) -> str:
    return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})


def head(status: int, content_type: str, *extra: str) -> bytes:
    """A response head; without Content-Length the body runs until the connection closes."""
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", *extra, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def endless_body() -> Iterator[bytes]:
    """A JSON array that never ends, as fast as the client reads it."""
    yield head(200, "application/json") + b"["
    block = b'{"id": 1, "name": "again"},' * (CHUNK // 27)
    while True:
        yield block


def huge_body(size: int = 1_000_000_000) -> Iterator[bytes]:
    """A declared ``size``-byte body, generated chunk by chunk."""
    yield head(200, "application/json", f"Content-Length: {size}")
    block = b" " * CHUNK
    for _ in range(size // CHUNK):
        yield block


_BOMB_LOCK = threading.Lock()


def gzip_bomb_bytes(inflated: int = 1_000_000_000) -> bytes:
    """About 1 MB of gzip that inflates to ``inflated`` bytes; made once, however many ask at once."""
    with _BOMB_LOCK:
        return _make_bomb(inflated)


@functools.cache
def _make_bomb(inflated: int = 1_000_000_000) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [packer.compress(block) for _ in range(inflated // len(block))]
    return b"".join([*parts, packer.flush()])


def gzip_bomb() -> Iterator[bytes]:
    payload = gzip_bomb_bytes()
    yield head(200, "application/json", "Content-Encoding: gzip", f"Content-Length: {len(payload)}")
    for start in range(0, len(payload), CHUNK):
        yield payload[start : start + CHUNK]


def drip(interval: float = 0.5) -> Iterator[bytes]:
    """A prompt head, then a 1 MB body one byte every ``interval`` seconds."""
    yield head(200, "application/json", "Content-Length: 1000000")
    while True:
        yield b" "
        time.sleep(interval)


def billion_laughs_yaml(levels: int = 9) -> str:
    """A ~1 KB OpenAPI YAML whose aliases expand to 10**levels strings."""
    lines = ['openapi: "3.0.3"', "info: {title: lol, version: '1'}", "x-lol:", '  a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"  a{level}: &a{level} [{refs}]")
    lines += ["paths:", "  /lol:", "    get:", f"      x-laughs: *a{levels}", "      responses:"]
    lines += ["        '200': {description: ok}"]
    return "\n".join(lines) + "\n"


def keep_alive_then_close(body: str) -> bytes:
    """A response that invites keep-alive; raw_server still closes the socket right after it."""
    payload = body.encode()
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
