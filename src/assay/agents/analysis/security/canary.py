"""An out-of-band HTTP listener on loopback: proof that the target fetched a URL assay handed it.

Each probe gets a unique path token (``/assay-canary/<token>``); any request that reaches the
listener with that token is a hit. The listener binds to 127.0.0.1 only, answers every request
with a tiny 200 and closes, and reads at most a few KiB of each request.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from types import TracebackType

from assay.oracles.ssrf import Hit

PREFIX = "/assay-canary/"
_READ_LIMIT = 8192
_READ_TIMEOUT = 2.0
_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


def parse_request_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    """(method, path, lower-cased headers) of a raw HTTP request head; empty strings if garbled."""
    lines = head.decode("latin-1", errors="replace").split("\r\n")
    parts = lines[0].split(" ") if lines else []
    method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return method, path, headers


def token_of(path: str) -> str | None:
    if not path.startswith(PREFIX):
        return None
    token = path[len(PREFIX) :].split("?")[0].split("/")[0]
    return token or None


class Canary:
    """``async with Canary() as canary: url = canary.url(token)``; hits land in ``canary.hits``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise ValueError("the canary listens on loopback only")
        self._host = host
        self._server: asyncio.Server | None = None
        self.port = 0
        self.hits: list[Hit] = []

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(8)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self._host, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}{token}"

    def hits_for(self, token: str) -> list[Hit]:
        return [h for h in self.hits if h.token == token]

    async def wait_for(self, tokens: set[str], timeout: float) -> None:
        """Wait until every token was hit or ``timeout`` passed (servers may call back late)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not tokens <= {h.token for h in self.hits}:
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None

    async def __aenter__(self) -> Canary:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _READ_TIMEOUT)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            head = b""
        method, path, headers = parse_request_head(head[:_READ_LIMIT])
        token = token_of(path)
        if token is not None:
            self.hits.append(Hit(token, method, path, headers.get("user-agent", ""), time.monotonic()))
        with contextlib.suppress(ConnectionError):
            writer.write(_ANSWER)
            await writer.drain()
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
