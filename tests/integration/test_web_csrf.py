"""Cross-site request forgery against a real signed-in app (``tests/apps/csrf_apps.py``): a form
with no anti-forgery token and a session cookie with no SameSite, and writes done by GET under a
Lax cookie (pyLoad's GHSA-pgpj-v85q-h5fm), are findings; the twin that checks a token and takes
writes only by POST, or a Strict cookie, has none. The family is taken from the run's own list of
web families, so the test fails when it is missing from it.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from starlette.applications import Starlette
from tests.apps.csrf_apps import PASSWORD, USER, build_csrf_app

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.base import FamilyReport, SecurityContext
from assay.agents.analysis.security.web import WebContext, run_web_families, web_families
from assay.demo.server import serve_in_thread
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import as_list
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.target import Credentials, Target

pytestmark = pytest.mark.integration


async def _run(url: str) -> FamilyReport:
    creds = Credentials(USER, PASSWORD)
    target = Target(base_url=url, credentials=(creds,))
    api = ApiModel(title="notes", version="1", spec_version="3.0.3", base_path="", operations=())
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        security = SecurityContext(api, target, transport, {}, auth, deadline=time.monotonic() + 60)
        ctx = WebContext(security, Observation(url, "web"), ("/notes",), "/login", creds)
        [report] = await run_web_families(ctx, [f for f in web_families() if f.name == "web_csrf"])
        return report


def _report(app: Starlette) -> FamilyReport:
    with serve_in_thread(app) as server:
        return asyncio.run(_run(server.base_url))


def _found(report: FamilyReport) -> list[tuple[str, str]]:
    return sorted((f.method, f.path) for f in report.findings)


def test_a_tokenless_form_and_writes_by_get_with_no_samesite_are_csrf() -> None:
    app = build_csrf_app(samesite=None, tokens=False, get_writes=True)
    report = _report(app)
    # One finding for the writes under /api/, shown by the one that was sent.
    assert _found(report) == [("GET", "/api/add_reminder"), ("POST", "/notes")]
    for finding in report.findings:
        assert finding.category == "broken_authentication" and finding.severity == "medium"
        assert "CSRF" in finding.title and "SameSite" in finding.detail
    # The forged form made its note; the write that is no create was proven without being sent.
    assert len(app.state.notes) == 1 and app.state.reminders == ["hi"] and app.state.paused is False
    forged = next(
        e for e in report.exchanges if e.request.method == "POST" and e.request.url.endswith("/notes")
    )
    assert forged.request.headers["Origin"] == "https://assay-csrf.invalid"


def test_writes_by_get_under_a_lax_cookie_are_csrf_but_its_forms_are_not() -> None:
    app = build_csrf_app(samesite="Lax", tokens=False, get_writes=True)
    report = _report(app)
    assert _found(report) == [("GET", "/api/add_reminder")]
    [finding] = report.findings
    assert "SameSite=Lax" in finding.detail and "/api/pause_reminders" in finding.detail
    assert sorted(str(p) for p in as_list(finding.evidence["paths"])) == [
        "/api/add_reminder",
        "/api/pause_reminders",
    ]
    assert finding.occurrences == 2
    assert app.state.notes == []  # a Lax cookie rides on no cross-site POST: the form was not forged


def test_the_twin_with_a_checked_token_and_writes_by_post_only_has_none() -> None:
    app = build_csrf_app(samesite=None, tokens=True, get_writes=False)
    report = _report(app)
    assert report.findings == [], report.findings
    refused = [e for e in report.exchanges if e.request.method == "POST" and e.request.url.endswith("/notes")]
    assert refused and refused[0].status == 403 and app.state.notes == []


def test_a_strict_cookie_carries_no_forgery() -> None:
    report = _report(build_csrf_app(samesite="Strict", tokens=False, get_writes=True))
    assert report.findings == [], report.findings
    assert "SameSite=strict" in " ".join(report.notes)
