"""A response body read within bounds: bytes on the wire and bytes after decompression.

httpx's own decoders inflate a whole chunk at once (a 64 KB gzip chunk can become 64 MB, and a
body encoded twice multiplies that again), so assay reads the raw bytes and inflates them itself,
each stage asked for no more than what is left under the cap.
"""

from __future__ import annotations

import zlib

from assay.domain.limits import MAX_BODY_BYTES


class _Inflater:
    """One ``Content-Encoding`` stage (gzip or deflate), never producing more than it is allowed."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in {"gzip", "x-gzip"}
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._started = False
        self.total = 0

    def feed(self, data: bytes, cap: int) -> tuple[bytes, bool]:
        """Inflate ``data``; the output and whether the stage had more than ``cap`` bytes in all."""
        room = cap - self.total
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error:
            if self._gzip or self._started:
                raise
            # Some servers send raw deflate without the zlib header (httpx accepts both too).
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room + 1)
        self._started = True
        over = len(out) > room
        out = out[:room]
        self.total += len(out)
        return out, over


_INFLATED = frozenset({"gzip", "x-gzip", "deflate"})


class BoundedBody:
    """Collects a body chunk by chunk; stops (``truncated``) once either count passes ``cap``."""

    def __init__(self, content_encoding: str, cap: int = MAX_BODY_BYTES) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        # The last coding applied is the first undone; unknown ones are kept as they are, like httpx.
        self._stages = [_Inflater(c) for c in reversed(codings) if c in _INFLATED]
        # Codings assay cannot undo within bounds (br, zstd…): the body stays as it came.
        self.undecoded = ", ".join(c for c in codings if c not in _INFLATED and c != "identity")
        self._cap = cap
        self._chunks: list[bytes] = []
        self._size = 0
        self.wire_bytes = 0
        self.truncated = False

    def feed(self, raw: bytes) -> bool:
        """Take one chunk off the wire; False once the body is cut and reading must stop."""
        self.wire_bytes += len(raw)
        if self.wire_bytes > self._cap:
            raw = raw[: max(0, len(raw) - (self.wire_bytes - self._cap))]
            self.truncated = True
        data = raw
        try:
            for stage in self._stages:
                data, over = stage.feed(data, self._cap)
                self.truncated |= over
        except zlib.error:
            self.truncated = True  # corrupt compressed data: keep what was decoded before it
            return False
        room = self._cap - self._size
        if len(data) > room:
            data, self.truncated = data[:room], True
        self._chunks.append(data)
        self._size += len(data)
        return not self.truncated

    @property
    def content(self) -> bytes:
        return b"".join(self._chunks)
