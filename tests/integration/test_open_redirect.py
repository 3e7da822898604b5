"""Open redirect against real servers: a ``next`` that sends the browser anywhere is a finding; a
healthy twin that keeps ``next`` on its own site, a documented redirect-to-any-URL operation
(httpbin's ``/redirect-to``) and a parameter merely *named* ``target`` are not.

``tests/apps/redirect_apps.py`` holds the app and its twin. The family is taken from the run's
own family list, so the test fails when it is missing from it.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.apps.redirect_apps import build_redirect_app
from tests.apps.servers import Target as ServedTarget
from tests.apps.trust_apps import serving

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.attacks import attack_families
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import JsonObject
from assay.domain.target import Target
from assay.spec import build_api_model

pytestmark = pytest.mark.integration


async def _run(url: str, spec: JsonObject) -> list[FamilyReport]:
    api = build_api_model(spec)
    target = Target(base_url=url)
    families = [f for f in attack_families() if f.name == "open_redirect"]
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        ctx = SecurityContext(api, target, transport, {}, auth, deadline=time.monotonic() + 120)
        return await run_families(ctx, families)


def _app_reports(healthy: bool) -> list[FamilyReport]:
    app = build_redirect_app(healthy)
    with serving(app) as url:
        return asyncio.run(_run(url, app.openapi()))


def test_a_next_that_goes_anywhere_is_one_open_redirect() -> None:
    reports = _app_reports(healthy=False)
    findings = [f for r in reports for f in r.findings]
    assert [(f.category, f.method, f.path) for f in findings] == [("open_redirect", "GET", "/go")], findings
    [finding] = findings
    assert finding.severity == "medium"
    assert "assay-redirect.invalid" in str(finding.evidence["location"])
    assert sum(r.requests for r in reports) <= 20
    notes = " ".join(n for r in reports for n in r.notes)
    assert "/redirect-to" in notes and "documented" in notes, notes


def test_the_twin_that_keeps_next_on_site_has_none() -> None:
    reports = _app_reports(healthy=True)
    assert reports and not [f for r in reports for f in r.findings], reports
    # It was asked: every payload went to /go and came back home.
    sent = [e for r in reports for e in r.exchanges if e.request.url.split("?")[0].endswith("/go")]
    assert len(sent) >= 4 and all(e.response and e.response.header("location") == "/" for e in sent)


def test_httpbin_redirect_to_is_documented_not_reported(httpbin_server: ServedTarget) -> None:
    spec = httpx.get(httpbin_server.spec_url).json()
    reports = asyncio.run(_run(httpbin_server.base_url, spec))
    assert reports and not [f for r in reports for f in r.findings], reports
    notes = " ".join(n for r in reports for n in r.notes)
    assert "GET /redirect-to" in notes and "documented" in notes, notes


def _suite_outcome(suite: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BASE_URL": base_url}
    for name in ("ASSAY_USERNAME", "ASSAY_PASSWORD", "ASSAY_LOGIN"):
        env.pop(name, None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_security.py"]
    return subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=120)


def test_a_whole_run_reports_it_and_its_test_passes_once_fixed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with serving(build_redirect_app(healthy=False)) as faulty:
        command = [sys.executable, "-m", "assay", "run", faulty, "--out", str(out), "--budget", "60"]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
        doc = json.loads((out / "findings.json").read_text())
        found = [(f["category"], f["method"], f["path"], f["proof"]) for f in doc["findings"]]
        assert [f for f in found if f[0] == "open_redirect"] == [
            ("open_redirect", "GET", "/go", "reproduced")
        ], (found, run.stdout[-2000:])
        while_open = _suite_outcome(out / "tests", faulty)
    assert while_open.returncode == 1 and "1 failed" in while_open.stdout, while_open.stdout
    with serving(build_redirect_app(healthy=True)) as fixed:
        after_fix = _suite_outcome(out / "tests", fixed)
    assert after_fix.returncode == 0 and "1 passed" in after_fix.stdout, after_fix.stdout
