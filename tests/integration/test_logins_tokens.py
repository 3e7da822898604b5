"""Logins that fail with 200, unlimited reset PINs, and forgeable JWTs, against real servers.

The targets are in ``tests/apps/login_apps.py``; each fault has a healthy twin that must yield no
finding of that category.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from tests.apps.login_apps import jwt_app, login_app

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.attacks import attack_families
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.requirements.assemble import from_api
from assay.demo.server import serve_in_thread
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target
from assay.spec import build_api_model

pytestmark = pytest.mark.integration

FAMILIES = {"user_enumeration", "rate_limiting", "broken_authentication"}


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` on a free loopback port (the project's own ``serve_in_thread``), its base URL."""
    with serve_in_thread(app, log_level="critical") as server:
        yield server.base_url


async def _run(base_url: str, app: FastAPI) -> list[FamilyReport]:
    api = build_api_model(app.openapi())
    target = Target(base_url=base_url)
    recipes = {r.name: r for r in from_api(api).recipes}
    families = [f for f in attack_families() if f.name in FAMILIES]
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        assert auth.session.authenticated, auth.session.notes
        ctx = SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 300)
        return await run_families(ctx, families)


def run(app: FastAPI) -> list[FamilyReport]:
    with serving(app) as base_url:
        reports = asyncio.run(_run(base_url, app))
    for report in reports:
        assert report.crash is None, (report.family, report.notes)
    return reports


def found(reports: list[FamilyReport], category: str) -> list[Finding]:
    return [f for r in reports for f in r.findings if f.category == category]


def routes(findings: list[Finding]) -> set[str]:
    return {f"{f.method} {f.path}" for f in findings}


def notes(reports: list[FamilyReport], family: str) -> str:
    return " | ".join(n for r in reports if r.family == family for n in r.notes)


# --------------------------------------------------------------------------- logins that fail with 200


def test_login_failing_with_200_tells_users_apart_and_has_no_limit() -> None:
    reports = run(login_app(faulty=True))
    enumeration = found(reports, "user_enumeration")
    assert routes(enumeration) == {"POST /auth/login"}
    assert enumeration[0].evidence["signal"] == "message"
    limits = {f"{f.method} {f.path}": f for f in found(reports, "rate_limiting")}
    assert set(limits) == {"POST /auth/login", "POST /auth/reset-pin/verify"}
    pin = limits["POST /auth/reset-pin/verify"]
    assert pin.severity == "high" and "4-digit" in pin.title  # the whole code space can be tried
    assert limits["POST /auth/login"].severity == "medium"


def test_healthy_login_twin_yields_nothing() -> None:
    reports = run(login_app(faulty=False))
    assert found(reports, "user_enumeration") == []
    assert found(reports, "rate_limiting") == []


# --------------------------------------------------------------------------- tokens


def _titles(reports: list[FamilyReport]) -> str:
    return " | ".join(f.title for f in found(reports, "broken_authentication"))


def test_dictionary_word_secret_is_cracked_and_expiry_is_not_checked() -> None:
    reports = run(jwt_app("weak"))
    titles = _titles(reports)
    assert "weak secret" in titles and "expired" in titles, (titles, notes(reports, "broken_authentication"))
    assert "alg none" not in titles and "old signature" not in titles
    assert "GET /profile" in notes(reports, "broken_authentication")  # not the admin-only /admin/stats
    for f in found(reports, "broken_authentication"):
        assert "eyJ" not in f.reproduce and "beaches1" not in str(f.evidence)


def test_alg_none_is_accepted() -> None:
    titles = _titles(run(jwt_app("none")))
    assert "alg none" in titles and "old signature" not in titles and "weak secret" not in titles


def test_unverified_signature_is_accepted() -> None:
    titles = _titles(run(jwt_app("unverified")))
    assert "old signature" in titles and "weak secret" not in titles


def test_key_confusion_with_the_published_jwks() -> None:
    reports = run(jwt_app("confusion"))
    titles = _titles(reports)
    assert "key confusion" in titles, (titles, notes(reports, "broken_authentication"))
    assert "alg none" not in titles and "old signature" not in titles


def test_healthy_token_twin_yields_nothing() -> None:
    reports = run(jwt_app("healthy"))
    assert found(reports, "broken_authentication") == [], _titles(reports)
    assert "GET /profile" in notes(reports, "broken_authentication")
