"""HttpxTransport against hostile raw-socket targets: bounded bodies, total deadlines, fresh retries."""

from __future__ import annotations

import asyncio
import itertools
import resource

import pytest
from tests.apps.misbehaving import (
    drip,
    endless_body,
    gzip_bomb,
    http_response,
    huge_body,
    raw_server,
)

from assay.adapters.http import HttpxTransport
from assay.domain.errors import ConnectionDropped, TargetTimeout
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.host_policy import SafetyPolicy
from assay.domain.limits import EVIDENCE_BYTES, MAX_BODY_BYTES, MAX_RETAINED_BYTES
from assay.domain.target import Target

pytestmark = pytest.mark.integration


def get(url: str, timeout: float = 30.0) -> tuple[RecordedResponse, int]:
    """One GET through a fresh transport: the answer and how many requests went out."""

    async def go() -> tuple[RecordedResponse, int]:
        policy = SafetyPolicy.for_target(Target(base_url=url))
        async with HttpxTransport(policy) as transport:
            response = await transport.send(RecordedRequest("GET", url + "/x"), timeout=timeout)
            return response, transport.requests_sent

    return asyncio.run(go())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("body", [endless_body, huge_body, gzip_bomb], ids=["endless", "1GB", "gzip-bomb"])
def test_body_is_cut_at_the_cap(body: object) -> None:
    with raw_server(lambda m, p: body()) as url:  # type: ignore[operator]
        response, _ = get(url)
    assert response.truncated
    assert 0 < len(response.text.encode()) <= EVIDENCE_BYTES  # a cut body is evidence, never parsed
    assert not response.is_json  # the beginning of a body is no JSON to judge
    assert peak_rss_mb() < 1024


def test_small_gzip_body_is_inflated_and_parsed() -> None:
    import gzip

    payload = gzip.compress(b'{"ok": true}')
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
        + payload
    )
    with raw_server(lambda m, p: raw) as url:
        response, _ = get(url)
    assert response.json == {"ok": True} and not response.truncated


def test_a_coding_assay_does_not_undo_is_named_not_judged() -> None:
    payload = bytes(range(256)) * 4  # stands for brotli output: bytes that are no text
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: br\r\n"
        + f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
        + payload
    )
    with raw_server(lambda m, p: raw) as url:
        response, _ = get(url)
    assert response.undecoded == "br" and not response.is_json and not response.truncated
    assert response.text == "<br-encoded body: not decoded>"


def test_one_byte_every_half_second_hits_the_total_deadline() -> None:
    with raw_server(lambda m, p: drip()) as url, pytest.raises(TargetTimeout, match="within 2s"):
        get(url, timeout=2.0)


def test_a_drop_is_retried_on_a_fresh_connection_first() -> None:
    calls = itertools.count()

    def respond(method: str, path: str) -> bytes | None:
        return None if next(calls) == 0 else http_response(200, '{"n": 1}')

    with raw_server(respond) as url:
        response, sent = get(url)
    assert response.status == 200 and sent == 2


def test_a_drop_on_the_fresh_connection_too_names_the_exception() -> None:
    with raw_server(lambda m, p: None) as url, pytest.raises(ConnectionDropped) as caught:
        get(url)
    message = str(caught.value)
    assert "also on a fresh connection" in message
    assert "()" not in message and "Error" in message  # e.g. "(ReadError)" or "(RemoteProtocolError: ...)"


def test_deeply_nested_json_is_not_judged_as_json() -> None:
    deep = "[" * 5000 + "]" * 5000
    with raw_server(lambda m, p: http_response(200, deep)) as url:
        response, _ = get(url)
    assert response.status == 200 and not response.is_json and response.json is None


def test_a_spec_sized_body_is_kept_whole_until_the_run_has_kept_enough() -> None:
    size = MAX_BODY_BYTES - 1000  # under the cap: a big spec must arrive whole
    big = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + f"Content-Length: {size}\r\n\r\n".encode()
    calls = MAX_RETAINED_BYTES // size + 2

    async def go(url: str) -> list[RecordedResponse]:
        async with HttpxTransport(SafetyPolicy.for_target(Target(base_url=url))) as transport:
            return [await transport.send(RecordedRequest("GET", url), timeout=30) for _ in range(calls)]

    with raw_server(lambda m, p: [big, b"x" * size]) as url:
        answers = asyncio.run(go(url))
    assert len(answers[0].text) == size and not answers[0].truncated
    assert answers[-1].truncated and len(answers[-1].text) == EVIDENCE_BYTES
