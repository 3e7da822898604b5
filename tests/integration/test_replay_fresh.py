"""Proof before report: a finding's request is replayed alone, over a connection of its own.

The server here fails only on a reused keep-alive connection (``/reused``), the way a server
with per-connection state, or a client keep-alive race, produces a 500 that is not the
operation's fault; ``/broken`` fails every time. Replaying over the run's pooled client would
hit the same connection and "reproduce" the first; a fresh client does not.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.replay import check_flaky
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target
from assay.oracles.base import Draft, OracleContext, build

pytestmark = pytest.mark.integration


class _PerConnection(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one handler instance serves a whole connection
    served = 0

    def do_GET(self) -> None:
        self.served += 1
        failing = self.path == "/broken" or (self.path == "/reused" and self.served > 1)
        body = b'{"error": "boom"}' if failing else b"[]"
        self.send_response(500 if failing else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PerConnection)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def _judged_twice(base_url: str, path: str) -> tuple[str, str, str]:
    """Send ``path`` twice on one pooled client, judge the second answer, replay it; the result."""
    target = Target(base_url)
    async with HttpxTransport(SafetyPolicy.for_target(target), max_connections=1) as pooled:
        request = RecordedRequest("GET", base_url + path)
        await pooled.send(request)
        second = Exchange(request, await pooled.send(request), path_template=path, scenario_id="SC-API-001")
        assert second.status == 500  # the pooled connection saw the fault
        draft = Draft("server_error", "high", f"GET {path} answers 500", "it failed")
        exchanges = [second]
        [checked] = await check_flaky([build(draft, second, OracleContext())], exchanges, target, pooled)
    assert exchanges[-1].intent == "replay"  # the replay is evidence too
    return checked.severity, checked.proof or "", str(checked.evidence.get("replay", ""))


def test_a_fault_of_a_reused_connection_is_flaky(base_url: str) -> None:
    severity, proof, why = asyncio.run(_judged_twice(base_url, "/reused"))
    assert (severity, proof) == ("low", "flaky") and "fresh connection" in why


def test_a_real_fault_reproduces_on_a_fresh_connection(base_url: str) -> None:
    assert asyncio.run(_judged_twice(base_url, "/broken")) == ("high", "reproduced", "")


def test_a_target_that_stopped_answering_gets_three_replays_then_none() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PerConnection)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    server.server_close()  # nothing listens there any more: every replay is refused
    target = Target(base_url)
    exchanges: list[Exchange] = []
    findings = []
    for number in range(5):
        path = f"/gone/{number}"
        sent = Exchange(RecordedRequest("GET", base_url + path), None, error="refused", path_template=path)
        exchanges.append(sent)
        findings.append(
            build(Draft("missing_endpoint", "medium", f"{path} is missing", "d"), sent, OracleContext())
        )

    async def replay() -> list[str]:
        async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
            checked = await check_flaky(findings, exchanges, target, transport)
        return [f.proof or "" for f in checked]

    assert asyncio.run(replay()) == ["flaky"] * 5
    assert sum(1 for e in exchanges if e.intent == "replay") == 3  # counted in replays, not seconds
