"""Identities are clean: a login that sets a cookie never leaks onto an anonymous request.

A real FastAPI app (tests/apps/cookie_app.py) records the credential headers of every request it
receives. assay runs against it end to end with a username and password; the cookie session
must work through the explicit Cookie header the Authenticator builds, and every request assay
sent as ``anonymous`` must arrive without Cookie or Authorization, whatever cookies the login set.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from tests.apps.cookie_app import SESSION_COOKIE, USERNAME, Received, create_app

from assay.cli.run import run_and_write
from assay.demo.server import serve_in_thread
from assay.domain.credentials import is_anonymous
from assay.domain.exchanges import Exchange
from assay.domain.findings import ANONYMOUS
from assay.domain.json import as_object
from assay.domain.run import RunResult
from assay.domain.target import Credentials, Target

pytestmark = pytest.mark.integration

PASSWORD = "Cookie-Pa55word-alice"


def _key(method: str, target: str, body: bytes) -> tuple[str, str, bytes]:
    return (method.upper(), target, body)


def _exchange_key(exchange: Exchange) -> tuple[str, str, bytes]:
    url = exchange.request.url.split("://", 1)[1]
    target = "/" + url.split("/", 1)[1] if "/" in url else "/"
    body = exchange.request.body
    raw = body.encode() if isinstance(body, str) else b""
    if not isinstance(body, str) and exchange.request.has_body:
        raw = json.dumps(body).encode()  # as the transport encodes it
    return _key(exchange.request.method, target, raw)


def _without_credentials(received: list[Received]) -> Counter[tuple[str, str, bytes]]:
    return Counter(_key(r.method, r.target, r.body) for r in received if not (r.cookie or r.authorization))


@dataclass(frozen=True)
class Run:
    result: RunResult
    received: list[Received]  # what the server saw
    rotated: frozenset[str]  # the session ids it rotated to
    out: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    app, recorder = create_app(PASSWORD)
    server = serve_in_thread(app, log_level="critical")
    out = tmp_path_factory.mktemp("cookie-run")
    target = Target(
        base_url=server.base_url,
        spec_location=server.base_url + "/openapi.json",
        credentials=(Credentials(USERNAME, PASSWORD),),
        budget_seconds=120,
    )
    try:
        console = Console(file=open(out / "console.log", "w"), force_terminal=False)  # noqa: SIM115
        result = asyncio.run(run_and_write(target, out, execute=True, console=console))
    finally:
        server.stop()
    return Run(result, recorder.snapshot(), frozenset(recorder.rotated), out)


def test_the_cookie_session_works_through_explicit_headers(
    run: Run,
) -> None:
    result, received = run.result, run.received
    signed_in = [e for e in result.exchanges if e.request.url.endswith("/api/me") and e.status == 200]
    assert signed_in, "the session cookie from the login was never accepted"
    assert all(f"{SESSION_COOKIE}=" in e.request.headers.get("Cookie", "") for e in signed_in)
    assert any(r.cookie and f"{SESSION_COOKIE}=" in r.cookie and r.target == "/api/me" for r in received)
    # The identity's own jar followed the rotated session id that /api/me handed out.
    assert any(r.cookie and any(t in r.cookie for t in run.rotated) for r in received), "rotation lost"


def test_anonymous_requests_arrive_without_any_credential(
    run: Run,
) -> None:
    result, received = run.result, run.received
    anonymous = [e for e in result.exchanges if e.identity == ANONYMOUS and e.intent != "replay"]
    assert len([e for e in anonymous if "/api/login" not in e.request.url]) >= 3
    assert all(is_anonymous(e.request) for e in anonymous)
    # What the server saw: at least as many credential-free copies of each request as assay sent
    # anonymously. The signed-in copies of the same requests carry the cookie, so a cookie jar
    # adding the session to "anonymous" requests would leave this count short.
    arrived = _without_credentials(received)
    wanted = Counter(_exchange_key(e) for e in anonymous)
    short = {key: count for key, count in wanted.items() if arrived[key] < count}
    assert not short, f"anonymous requests arrived with credentials: {short}"
    refused = [e for e in anonymous if e.request.url.endswith("/api/me")]
    assert refused and all(e.status == 401 for e in refused)


def test_findings_name_their_identity_and_anonymous_ones_carry_nothing(
    run: Run,
) -> None:
    result, out = run.result, run.out
    assert result.findings
    for finding in result.findings:
        assert finding.identity and finding.proof, finding
        if finding.identity == ANONYMOUS:
            headers = as_object(as_object(finding.evidence.get("request")).get("headers"))
            assert not {k.lower() for k in headers} & {"cookie", "authorization"}, finding
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".md", ".py", ".xml", ".feature", ".log"}:
            assert PASSWORD not in path.read_text(errors="replace"), path


def test_the_generated_suite_keeps_anonymous_tests_anonymous(run: Run) -> None:
    """The suite signs in once (session fixture) and its no-credential tests still go without."""
    out = run.out
    app, recorder = create_app(PASSWORD)
    server = serve_in_thread(app, log_level="critical")
    env = {**os.environ, "BASE_URL": server.base_url, "ASSAY_USERNAME": USERNAME, "ASSAY_PASSWORD": PASSWORD}
    junit = out / "suite-junit.xml"
    try:
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "tests"],
            cwd=out, capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip
    finally:
        server.stop()
    outcomes = {
        case.get("name", ""): "failed"
        if case.find("failure") is not None or case.find("error") is not None
        else "ok"
        for case in ET.parse(junit).iter("testcase")
    }
    anonymous = {n: s for n, s in outcomes.items() if "without_credentials" in n}
    signed_in = {n: s for n, s in outcomes.items() if n.startswith("test_sc_api_") and "me_succeeds" in n}
    assert anonymous and all(s == "ok" for s in anonymous.values()), anonymous
    assert signed_in and all(s == "ok" for s in signed_in.values()), signed_in
    received = recorder.snapshot()
    assert any(r.target == "/api/me" and r.cookie for r in received)
    assert any(r.target == "/api/me" and not (r.cookie or r.authorization) for r in received)
