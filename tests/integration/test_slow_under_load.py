"""assay's own congestion is never the target's ``slow_response``; a truly slow route still is.

The target runs in its own process (a thread in ours would be starved with us and really be
slow). In the first test assay's event loop is deliberately starved: a blocking callback holds
the loop for 1.2 s while every request to ``/a`` is in flight, so those answers take over a
second on the wall clock although the target answered in 50 ms. Wall-clock judging would call
``/a`` slow (24 times the other routes, over the 1 s budget); the loop lag recorded per answer
(``agents/run_clock.py``) takes that out. In the second test ``/slow`` sleeps 2 s on the server
and is reported against the baseline of the other routes.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from assay.adapters.http import HttpxTransport
from assay.agents import run_clock
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.host_policy import SafetyPolicy
from assay.domain.ports import HttpTransport
from assay.domain.target import Target
from assay.oracles.base import OracleContext
from assay.oracles.slow_response import judge

pytestmark = pytest.mark.integration

BLOCK = 1.2  # how long assay's loop is held while a request to /a is in flight
FAST_ROUTES = ("/b", "/c", "/d")

# The target, run as its own process: sequential requests need no threads.
_SERVER = """
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

def app(environ, start_response):
    time.sleep(2.0 if environ["PATH_INFO"] == "/slow" else 0.05)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"[]"]

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    child = subprocess.Popen([sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(timeout=10)


async def _send(transport: HttpTransport, url: str, path: str) -> Exchange:
    request = RecordedRequest("GET", url + path)
    response = await transport.send(request, timeout=10)
    return Exchange(request, response, operation=f"GET {path}", path_template=path)


async def _exchanges(url: str, *, starve: str | None, paths: tuple[str, ...], samples: int) -> list[Exchange]:
    async with (
        HttpxTransport(SafetyPolicy.for_target(Target(url))) as inner,
        run_clock.measured(inner) as run,
    ):
        found: list[Exchange] = []
        for path in paths:
            for _ in range(samples):
                if path == starve:  # assay's own congestion: a callback that blocks the loop
                    asyncio.get_running_loop().call_later(0.01, time.sleep, BLOCK)
                found.append(await _send(run.transport, url, path))
        return found


def test_assay_starved_loop_is_not_the_target_slow_response(base_url: str) -> None:
    paths = ("/a", *FAST_ROUTES)
    exchanges = asyncio.run(_exchanges(base_url, starve="/a", paths=paths, samples=3))
    starved = [e.response for e in exchanges if e.path_template == "/a" and e.response is not None]
    assert len(starved) == 3
    # The starvation was real: on the wall clock each answer to /a took longer than the budget ...
    assert all(r.elapsed_seconds > 1.0 for r in starved)
    # ... and it was measured as assay's loop lag, so the target's own time is what is judged.
    assert all(r.loop_lag_seconds > 0.5 for r in starved)
    context = OracleContext(latency_budget_seconds=1.0)
    assert judge(exchanges, None, context) == []
    # Judged on the wall clock (the lag not taken out), the same answers would blame the target.
    wall = [
        replace(e, response=replace(e.response, loop_lag_seconds=0.0)) if e.response else e for e in exchanges
    ]
    assert [f.path for f in judge(wall, None, context)] == ["/a"]


def _unlagged(response: RecordedResponse | None) -> RecordedResponse | None:
    return replace(response, loop_lag_seconds=0.0) if response is not None else None


def test_a_truly_slow_endpoint_is_still_found(base_url: str) -> None:
    exchanges = asyncio.run(_exchanges(base_url, starve=None, paths=("/slow", *FAST_ROUTES), samples=3))
    [finding] = judge(exchanges, None, OracleContext(latency_budget_seconds=1.0))
    assert finding.category == "slow_response" and finding.path == "/slow"
    assert finding.evidence["samples"] == 3
    baseline = finding.evidence["baseline_seconds"]
    assert isinstance(baseline, float) and baseline < 0.5
