"""A read the scenarios sampled once and slow is sampled again before ``slow_response`` judges it.

Against a real server: ``/slow`` is slow on every request, ``/hiccup`` only on its first. One
sample each is what the scenarios left; the median of one sample is never judged (a hiccup is
not a finding), so without re-sampling neither is reported. Re-sampled, ``/slow`` is and
``/hiccup`` is not.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.resample import resample_slow
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target
from assay.oracles.base import OracleContext
from assay.oracles.slow_response import judge

pytestmark = pytest.mark.integration
SLOW = 1.6  # well over the 1 s budget, so a loaded machine cannot blur the line
BUDGET = 1.0


class _Handler(BaseHTTPRequestHandler):
    hiccups: ClassVar[set[str]] = set()

    def do_GET(self) -> None:
        first = self.path not in self.hiccups
        self.hiccups.add(self.path)
        if self.path == "/slow" or (self.path == "/hiccup" and first):
            time.sleep(SLOW)
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def _judged(base_url: str) -> tuple[list[Finding], list[Finding], int]:
    target = Target(base_url)
    async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
        exchanges: list[Exchange] = []
        for path in ("/slow", "/hiccup"):
            request = RecordedRequest("GET", base_url + path)
            exchanges.append(Exchange(request, await transport.send(request), path_template=path))
        context = OracleContext(latency_budget_seconds=BUDGET)
        once = judge(exchanges, None, context)
        more = await resample_slow(exchanges, transport, BUDGET)
        return once, judge([*exchanges, *more], None, context), len(more)


def test_a_slow_read_sampled_once_is_resampled_and_reported(base_url: str) -> None:
    once, resampled, sent = asyncio.run(_judged(base_url))
    assert once == []  # one sample each: never judged
    assert sent == 4  # both routes were slow once: two more samples each
    assert [f.path for f in resampled] == ["/slow"]  # the hiccup is outvoted
    assert resampled[0].evidence["samples"] == 3
