"""The web session and account checks against a real Flask shop (``tests/apps/account_apps.py``):
a session cookie signed with Flask's tutorial key and forged by assay, a cookie still accepted
after logout, forms that tell existing accounts from unknown ones, and a registration that takes
the password ``a`` are findings; the fixed twin of each gives none. The families are taken from the
run's own list of web families, so a test fails when its family is missing from it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from tests.apps.account_apps import PASSWORD, USER, AccountFlaws, build_account_app
from tests.apps.servers import WSGIServerThread

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.base import FamilyReport, SecurityContext
from assay.agents.analysis.security.web import WebContext, run_web_families, web_families
from assay.agents.evolution.api_suite.pytest_suite import build_suite
from assay.domain.host_policy import SafetyPolicy
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.scenarios import CoverageMetrics, RequirementsResult
from assay.domain.target import Credentials, Target

pytestmark = pytest.mark.integration
ALICE = Credentials(USER, PASSWORD)


@contextmanager
def _served(app: Flask) -> Iterator[str]:
    server = WSGIServerThread(app)
    try:
        yield server.base_url
    finally:
        server.stop()


async def _run(url: str, family: str, creds: Credentials | None) -> tuple[FamilyReport, Target]:
    target = Target(base_url=url, credentials=(creds,) if creds else ())
    api = ApiModel(title="shop", version="1", spec_version="3.0.3", base_path="", operations=())
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        security = SecurityContext(api, target, transport, {}, auth, deadline=time.monotonic() + 60)
        ctx = WebContext(security, Observation(url, "web"), ("/",), "/login", creds)
        [report] = await run_web_families(ctx, [f for f in web_families() if f.name == family])
        return report, target


def _report(
    flaws: AccountFlaws, family: str, creds: Credentials | None = ALICE
) -> tuple[FamilyReport, Target, Flask]:
    app = build_account_app(flaws)
    with _served(app) as url:
        report, target = asyncio.run(_run(url, family, creds))
    return report, target, app


def _categories(report: FamilyReport) -> list[tuple[str, str, str, str]]:
    return sorted((f.category, f.severity, f.method, f.path) for f in report.findings)


def test_a_session_signed_with_the_tutorial_key_is_forged_and_accepted() -> None:
    report, _, _ = _report(AccountFlaws(weak_secret=True), "web_session_secret")
    assert _categories(report) == [("weak_session_secret", "high", "GET", "/account")], report.notes
    [finding] = report.findings
    assert finding.evidence["framework"] == "flask" and finding.evidence["cookie"] == "session"
    text = f"{finding.title} {finding.detail} {finding.evidence} {finding.reproduce}"
    assert "'dev'" not in text and PASSWORD not in text  # the key and the password never shown


def test_a_random_key_is_not_cracked() -> None:
    report, _, _ = _report(AccountFlaws(), "web_session_secret")
    assert report.findings == [], report.findings
    assert any("no key in" in n for n in report.notes), report.notes


def test_a_cookie_still_accepted_after_logout_is_found() -> None:
    report, _, _ = _report(AccountFlaws(stateless_logout=True), "web_logout")
    assert _categories(report) == [("session_management", "medium", "GET", "/account")], report.notes
    assert report.findings[0].evidence["logout"] == "POST /logout"


def test_the_twin_that_ends_the_session_on_the_server_has_none() -> None:
    report, _, _ = _report(AccountFlaws(), "web_logout")
    assert report.findings == [], report.findings
    assert any("logged out through" in n for n in report.notes), report.notes


def test_without_credentials_an_account_is_registered_and_logged_out_of() -> None:
    report, target, app = _report(AccountFlaws(stateless_logout=True), "web_logout", None)
    assert [f.category for f in report.findings] == ["session_management"], report.notes
    [made] = target.ledger.keys("account")
    assert made in app.config["USERS"] and made.startswith("assay")


def test_login_and_reset_messages_that_tell_accounts_apart_are_found() -> None:
    report, _, _ = _report(AccountFlaws(leaks=frozenset({"login", "reset"})), "web_user_enumeration")
    # The credentials' user name is no address: the reset form is compared with a registered one.
    assert ("user_enumeration", "medium", "POST", "/login") in _categories(report), report.notes


def test_the_reset_form_is_compared_with_the_registered_account_address() -> None:
    report, _, _ = _report(AccountFlaws(leaks=frozenset({"reset"})), "web_user_enumeration", None)
    assert _categories(report) == [("user_enumeration", "medium", "POST", "/forgot")], report.notes


def test_a_taken_username_alone_is_low() -> None:
    report, _, _ = _report(AccountFlaws(leaks=frozenset({"register"})), "web_user_enumeration")
    assert _categories(report) == [("user_enumeration", "low", "POST", "/register")], report.notes


def test_generic_messages_give_no_enumeration() -> None:
    report, _, _ = _report(AccountFlaws(), "web_user_enumeration", None)
    assert report.findings == [], report.findings
    assert "compared: login, reset, register" in report.notes[-1], report.notes


def test_a_one_character_password_is_accepted_and_the_account_recorded() -> None:
    report, target, app = _report(AccountFlaws(min_password=1), "web_password_policy")
    assert _categories(report) == [("weak_password_policy", "medium", "POST", "/register")], report.notes
    [made] = target.ledger.keys("account")
    assert app.config["USERS"][made][0] == "a"


def test_the_twin_refuses_a_one_character_password() -> None:
    report, _, app = _report(AccountFlaws(), "web_password_policy")
    assert report.findings == [], report.findings
    assert list(app.config["USERS"]) == [USER]


def _suite_outcome(suite: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BASE_URL": base_url}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_security.py"]
    return subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=120)


def test_the_password_policy_test_fails_while_open_and_passes_once_fixed(tmp_path: Path) -> None:
    report, _, _ = _report(AccountFlaws(min_password=1), "web_password_policy")
    [finding] = report.findings
    requirements = RequirementsResult((), (), {}, CoverageMetrics(0, 0, {}, (), ()))
    built = build_suite(requirements, None, [replace(finding, id="F-0001")], "http://127.0.0.1")
    for name, text in built.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    source = (tmp_path / "test_security.py").read_text()
    assert "weak_password_policy" in source and "browse(" in source
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    for flaws, outcome in ((AccountFlaws(min_password=1), 1), (AccountFlaws(), 0)):
        app = build_account_app(flaws)
        with _served(app) as url:
            done = _suite_outcome(tmp_path, url)
        assert done.returncode == outcome, done.stdout + done.stderr
        if outcome:  # it registered a fresh name, not the one assay registered
            assert len(app.config["USERS"]) == 2


def test_the_session_findings_get_a_note_instead_of_a_test() -> None:
    reports = [
        _report(AccountFlaws(weak_secret=True), "web_session_secret")[0],
        _report(AccountFlaws(stateless_logout=True), "web_logout")[0],
    ]
    findings = [replace(f, id=f"F-000{n}") for n, f in enumerate((r.findings[0] for r in reports), 1)]
    requirements = RequirementsResult((), (), {}, CoverageMetrics(0, 0, {}, (), ()))
    built = build_suite(requirements, None, findings, "http://127.0.0.1")
    notes = " ".join(built.notes)
    assert "F-0001: no security test (the forged cookie is signed with the cracked key" in notes, notes
    assert "F-0002: no security test (the session comes from a sign-in" in notes, notes
