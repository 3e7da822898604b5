"""False positives a reviewer rejects in seconds, on real servers: each class gives no finding,
and the severe faults of the leaky app are rated critical by the rubric."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from tests.apps.trust_apps import USERS, build_correct_app, build_leaky_app, serving

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available, launch
from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.analysis.security.registry import default_families
from assay.agents.observation.web.crawler import CrawlConfig, crawl
from assay.agents.requirements.assemble import from_api
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Credentials, Target
from assay.oracles.ui import judge_pages
from assay.pages.feedback import read_after, visible
from assay.spec import build_api_model

pytestmark = pytest.mark.integration
LOGINS = [f"{name}:{password}" for name, password in USERS.items()]


@pytest.fixture(scope="module")
def correct_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, object], str]]:
    """One whole `assay run` (API) against the correct app, signed in as alice and bob."""
    out = tmp_path_factory.mktemp("correct")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    with serving(build_correct_app()) as url:
        logins = [arg for login in LOGINS for arg in ("--login", login)]
        cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(out), "--budget", "60", *logins]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert (out / "findings.json").is_file(), proc.stderr[-2000:]
    yield json.loads((out / "findings.json").read_text()), (out / "report.md").read_text()


def _keys(doc: dict[str, object]) -> set[tuple[str, str, str]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    return {(f["category"], f["method"], f["path"]) for f in findings}


def test_the_callers_own_phone_is_not_exposure(correct_run: tuple[dict[str, object], str]) -> None:
    found = _keys(correct_run[0])
    assert not {k for k in found if k[0] == "data_exposure"}, found


def test_a_redemption_refused_in_every_200_is_not_repeatable(
    correct_run: tuple[dict[str, object], str],
) -> None:
    assert ("business_flow", "POST", "/coupons/redeem") not in _keys(correct_run[0])


def test_a_400_for_a_made_up_username_is_not_drift(correct_run: tuple[dict[str, object], str]) -> None:
    found = _keys(correct_run[0])
    assert not {k for k in found if k[0] == "spec_drift"}, found


def test_no_security_finding_on_a_correct_app(correct_run: tuple[dict[str, object], str]) -> None:
    security = {"missing_authentication", "broken_authentication", "broken_object_authorization",
                "injection", "mass_assignment", "business_flow", "data_exposure"}  # fmt: skip
    found = _keys(correct_run[0])
    assert not {k for k in found if k[0] in security}, found
    report = correct_run[1]
    summary = report.split("## Executive Summary", 1)[1].split("\n---", 1)[0]
    assert "/catalog" not in summary  # the spec declares it public


# --------------------------------------------------------------------------- the leaky app


async def _families(url: str) -> list[FamilyReport]:
    api = build_api_model(build_leaky_app().openapi())
    target = Target(base_url=url, credentials=(Credentials("alice", USERS["alice"]),))
    recipes = {r.name: r for r in from_api(api).recipes}
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        assert auth.session.authenticated, auth.session.notes
        ctx = SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 120)
        return await run_families(ctx, default_families())


@pytest.fixture(scope="module")
def leaky() -> list[Finding]:
    with serving(build_leaky_app()) as url:
        reports = asyncio.run(_families(url))
    return [f for r in reports for f in r.findings]


def test_sql_injection_that_reads_passwords_is_critical(leaky: list[Finding]) -> None:
    [injection] = [f for f in leaky if f.category == "injection"]
    assert (injection.path, injection.severity) == ("/users/search", "critical")
    assert "Adm1n-Secret!" not in json.dumps(injection.evidence)


def test_anonymous_list_of_plaintext_passwords_is_critical(leaky: list[Finding]) -> None:
    exposed = {f.path: f for f in leaky if f.category == "data_exposure"}
    assert exposed["/admin/users"].severity == "critical"
    assert "plaintext password" in exposed["/admin/users"].title
    assert exposed["/admin/users"].evidence["anonymous"] is True
    assert not any(p in json.dumps(exposed["/admin/users"].evidence) for p in USERS.values())


# --------------------------------------------------------------------------- the browser


@pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium")
def test_a_wrong_password_page_that_says_invalid_credentials_is_not_silent(tmp_path: Path) -> None:
    config = CrawlConfig(depth=1, max_pages=2, probe_actions=True, screenshots=tmp_path)
    with serving(build_correct_app()) as url:
        result = asyncio.run(crawl(f"{url}/login", config, Chromium()))
    login = next(p for p in result.pages if p.path == "/login")
    assert [a.kind for a in login.actions] == ["wrong_password"]  # the probe really signed in wrongly
    findings = judge_pages(result.pages)
    assert not [f for f in findings if f.category == "ui_silent_failure"], findings


@pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium")
def test_feedback_that_appears_late_is_read() -> None:
    async def submit_wrong_password(url: str) -> str:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            page = await browser.new_page()
            await page.goto(f"{url}/late-login")
            before, messages_before = await visible(page)
            await page.fill("input[name=email]", "nobody@example.com")
            await page.fill("input[name=password]", "wrong-password")
            await page.click("button[type=submit]")
            after, _ = await read_after(page, before, messages_before, wait_ms=20_000)
            await browser.close()
        return after

    with serving(build_correct_app()) as url:
        after = asyncio.run(submit_wrong_password(url))
    assert "Invalid credentials" in after  # rendered after the request settled, still read
