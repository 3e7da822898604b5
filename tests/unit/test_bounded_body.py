"""BoundedBody: inflation never produces more than the cap, whatever the encoding stack."""

from __future__ import annotations

import gzip
import zlib

from assay.adapters.http_body import BoundedBody

CAP = 1_000_000


def feed_all(body: BoundedBody, payload: bytes, chunk: int = 65536) -> bool:
    """Feed ``payload`` chunk by chunk, as the wire would; False when the body stopped reading."""
    return all(body.feed(payload[start : start + chunk]) for start in range(0, len(payload), chunk))


def test_plain_gzip_and_both_kinds_of_deflate_inflate_whole() -> None:
    text = b'{"items": [1, 2, 3]}' * 100
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    for encoding, payload in [
        ("", text),
        ("gzip", gzip.compress(text)),
        ("deflate", zlib.compress(text)),
        ("deflate", raw_deflate.compress(text) + raw_deflate.flush()),
    ]:
        body = BoundedBody(encoding, CAP)
        assert feed_all(body, payload)
        assert body.content == text and not body.truncated, encoding


def test_a_bomb_encoded_twice_stops_at_the_cap() -> None:
    inner = gzip.compress(b"\0" * (50 * CAP))  # ~50 KB, a thousand to one
    outer = gzip.compress(inner)
    body = BoundedBody("gzip, gzip", CAP)
    assert not feed_all(body, outer)
    assert body.truncated and len(body.content) == CAP


def test_the_wire_cap_applies_before_any_inflation() -> None:
    body = BoundedBody("identity", CAP)
    assert not feed_all(body, b"x" * (3 * CAP))
    assert body.truncated and body.wire_bytes <= CAP + 65536 and len(body.content) == CAP


def test_corrupt_compression_stops_reading_and_is_marked() -> None:
    body = BoundedBody("gzip", CAP)
    assert not body.feed(b"<html>not gzip at all</html>")
    assert body.truncated and body.content == b""


def test_unknown_encodings_are_kept_as_sent() -> None:
    body = BoundedBody("br", CAP)
    assert body.feed(b"\x8b\x02\x80")
    assert body.content == b"\x8b\x02\x80" and not body.truncated
