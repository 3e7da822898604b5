"""The loopback canary: records hits by token, refuses to listen elsewhere."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from assay.agents.analysis.security.canary import Canary, parse_request_head, token_of


async def test_canary_records_a_hit_for_its_token() -> None:
    async with Canary() as canary:
        token = canary.new_token()
        async with httpx.AsyncClient() as client:
            answer = await client.get(canary.url(token), headers={"User-Agent": "fetcher/1"})
        await canary.wait_for({token}, 1.0)
        assert answer.status_code == 200
        hits = canary.hits_for(token)
        assert len(hits) == 1 and hits[0].method == "GET" and hits[0].user_agent == "fetcher/1"
        assert canary.hits_for("other") == []


async def test_wait_for_gives_up_after_the_timeout() -> None:
    async with Canary() as canary:
        started = asyncio.get_running_loop().time()
        await canary.wait_for({"never"}, 0.2)
        assert asyncio.get_running_loop().time() - started < 1.0


def test_loopback_only_and_parsing() -> None:
    with pytest.raises(ValueError):
        Canary("0.0.0.0")
    method, path, headers = parse_request_head(b"POST /assay-canary/abc?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
    assert (method, path, headers["host"]) == ("POST", "/assay-canary/abc?x=1", "h")
    assert token_of(path) == "abc" and token_of("/other") is None
