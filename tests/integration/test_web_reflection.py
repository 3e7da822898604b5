"""The web reflection families against a real site with one reflection flaw per kind and its twin.

The flawed site writes a search term unescaped, renders note titles through an unsandboxed
Jinja2 template, adds a raw diagnostic block under ``?_trace=1`` and echoes the path on its 404
page; the twin escapes, sandboxes and stays generic. Each family must find exactly its flaws on
the first and nothing on the second. A last test runs the whole ``assay run`` (crawl included) on
the flawed site, so the wiring from the crawl to the families and into findings.json is tested, and
runs the suite it generates: its security tests fail on the flawed site and pass on the twin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.apps.hardening_site import PASSWORD, USER, hardening_site
from tests.apps.reflecting_pages import reflecting_site

from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.base import FamilyReport, SecurityContext
from assay.agents.analysis.security.web import run_web_families, web_context, web_families
from assay.bootstrap import default_transport
from assay.demo.server import RunningServer, serve_in_thread
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.pages import LoginFacts, PageFacts
from assay.domain.target import Credentials, Target

PAGES = ("/", "/search?q=tea", "/notes", "/report")


@pytest.fixture
def flawed() -> Iterator[RunningServer]:
    server = serve_in_thread(reflecting_site(flawed=True), log_level="critical")
    yield server
    server.stop()


@pytest.fixture
def twin() -> Iterator[RunningServer]:
    server = serve_in_thread(reflecting_site(flawed=False), log_level="critical")
    yield server
    server.stop()


async def _families(
    url: str, pages: tuple[str, ...] = PAGES, login: str = "", creds: Credentials | None = None
) -> list[FamilyReport]:
    target = Target(base_url=url, credentials=(creds,) if creds else ())
    observation = Observation(
        target=url,
        kind="web",
        pages=tuple(PageFacts(p, url + p, 200) for p in pages),
        login=LoginFacts(path=login),
    )
    async with default_transport(target) as transport:
        api = ApiModel("web", "", "", "", ())
        auth = Authenticator(api, target, transport)
        await auth.login()
        security = SecurityContext(api, target, transport, {}, auth, time.monotonic() + 120)
        ctx = web_context(security, observation)
        assert ctx is not None
        return await run_web_families(ctx, web_families())


def _titles(reports: list[FamilyReport], hardening: bool = False) -> list[tuple[str, str, str, str]]:
    kept = {"security_headers", "cookie_flags"} if hardening else {"injection"}
    return sorted(
        (f.category, f.method, f.path, f.title) for r in reports for f in r.findings if f.category in kept
    )


@pytest.mark.parametrize("flawed_site", [True, False])
async def test_missing_headers_and_cookie_flags_are_found_only_where_missing(flawed_site: bool) -> None:
    server = serve_in_thread(hardening_site(flawed_site), log_level="critical")
    try:
        creds = Credentials(USER, PASSWORD)
        reports = await _families(server.base_url, ("/",), "/login", creds)
    finally:
        server.stop()
    assert all(r.crash is None for r in reports), [r.crash for r in reports]
    found = _titles(reports, hardening=True)
    if not flawed_site:
        assert found == []
        return
    categories = [c for c, *_ in found]
    assert categories == ["cookie_flags", "security_headers"], found
    cookie = next(f for r in reports for f in r.findings if f.category == "cookie_flags")
    assert "`sid`" in cookie.title and "HttpOnly" in cookie.title and cookie.severity == "low"
    assert cookie.evidence["at_sign_in"] is True  # the cookie the sign-in set, not a guess by name
    headers = next(f for r in reports for f in r.findings if f.category == "security_headers")
    assert "X-Frame-Options" in headers.title and headers.severity == "low"
    assert PASSWORD not in json.dumps(cookie.evidence)


async def test_each_reflection_flaw_is_found(flawed: RunningServer) -> None:
    reports = await _families(flawed.base_url)
    assert all(r.crash is None for r in reports), [r.crash for r in reports]
    found = _titles(reports)
    paths = {(method, path) for _, method, path, _ in found}
    assert ("GET", "/search") in paths, found  # the search term, reflected
    assert ("GET", "/report") in paths, found  # only with the debug switch
    assert ("POST", "/notes/add") in paths, found  # the stored, unsandboxed template
    by_path = {path: title for _, _, path, title in found}
    assert "cross-site scripting" in by_path["/search"]
    assert "cross-site scripting" in by_path["/report"]
    assert "template injection" in by_path["/notes/add"]
    echoes = [t for *_, t in found if t.startswith("Content injection")]
    assert len(echoes) == 1, found  # one finding for an error page that echoes everywhere
    report_finding = next(f for r in reports for f in r.findings if f.path == "/report")
    assert "_trace=1" in report_finding.detail
    severities = {f.title.split(":")[0]: f.severity for r in reports for f in r.findings}
    assert severities["Content injection"] == "low"


async def test_the_escaping_sandboxed_twin_gives_nothing(twin: RunningServer) -> None:
    reports = await _families(twin.base_url)
    assert all(r.crash is None for r in reports), [r.crash for r in reports]
    assert _titles(reports) == []
    assert sum(r.requests for r in reports) > 10  # it was probed, not skipped


def _suite_outcome(suite: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BASE_URL": base_url}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_security.py"]
    return subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=120)


def test_a_full_run_reports_them_and_its_tests_fail_until_fixed(
    flawed: RunningServer, twin: RunningServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "assay", "run", flawed.base_url, "--out", str(out), "--budget", "60"]
    cmd += ["--depth", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    findings = json.loads((out / "findings.json").read_text())["findings"]
    injected = {(f["method"], f["path"]) for f in findings if f["category"] == "injection"}
    assert ("GET", "/search") in injected, findings
    assert ("POST", "/notes/add") in injected, findings
    created = json.loads((out / "created.json").read_text())["created"]
    assert any("form on /notes" in str(entry) for entry in created), created  # the notes it added
    suite = out / "tests"
    source = (suite / "test_security.py").read_text()
    assert "browse(" in source and "def hidden_fields(" in source
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=suite, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    failing = _suite_outcome(suite, flawed.base_url)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "failed" in failing.stdout and "cross-site scripting" in source
    assert "x-frame-options" in source  # the missing headers' test too
    passing = _suite_outcome(suite, twin.base_url)
    assert passing.returncode == 0, passing.stdout + passing.stderr
