"""Open redirects on web pages no spec lists: the sign-in page's ``next`` (asked even when the crawl
saw the page without one), which redirects only a signed-in visitor, and a link's ``return``.

``tests/apps/login_redirect_apps.py`` holds the app (Jupyter Server 2.7.1's ``next`` check,
GHSA-r726-vmfq-j9j3) and its fixed twin (2.7.2's). The observation is what a crawl of the home
page records: the page, its links, and the sign-in page it found.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import pytest
from tests.apps.login_redirect_apps import TOKEN, build_login_redirect_app

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.base import FamilyReport, SecurityContext
from assay.agents.analysis.security.web import WebContext, web_context, web_families
from assay.demo.server import serve_in_thread
from assay.domain.host_policy import SafetyPolicy
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.pages import LinkCheck, LoginFacts, PageFacts
from assay.domain.target import Credentials, Target
from assay.oracles.open_redirect import browser_host

pytestmark = pytest.mark.integration

CANARY = "assay-redirect.invalid"


def _observation(url: str) -> Observation:
    links = (
        LinkCheck("/", "/login", "Sign in", 200),
        LinkCheck("/", "/continue?return=%2Fhome", "Continue", 302),
        LinkCheck("/", "/logout?next=%2F", "Sign out", 302),
    )
    home = PageFacts("/", f"{url}/", 200, "Home", links=links)
    login = PageFacts("/login", f"{url}/login", 200, "Sign in")
    return Observation(url, "web", pages=(home, login), login=LoginFacts(True, "/login"))


def _bare_observation(url: str) -> Observation:
    """A crawl that found the home page alone: no link to the sign-in page, no sign-in."""
    return Observation(url, "web", pages=(PageFacts("/", f"{url}/", 200, "Home"),))


async def _run(url: str, observation: Observation, creds: Credentials) -> FamilyReport:
    target = Target(base_url=url, credentials=(creds,))
    api = ApiModel("", "", "", "", ())
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        ctx = SecurityContext(api, target, transport, {}, auth, deadline=time.monotonic() + 60)
        web = web_context(ctx, observation)
        assert isinstance(web, WebContext)
        # Taken from the run's own list of web families: the test fails when it is missing there.
        [family] = [f for f in web_families() if f.name == "web_open_redirect"]
        return await family.run(web)


TOKEN_HEADER = Credentials("", "", headers=(("Authorization", f"token {TOKEN}"),))
PASSWORD = Credentials("jupyter", TOKEN)  # typed into the sign-in form, as the browser does


def _report(fixed: bool, *, bare: bool = False, creds: Credentials = TOKEN_HEADER) -> FamilyReport:
    with serve_in_thread(build_login_redirect_app(fixed), log_level="critical") as server:
        url = server.base_url
        return asyncio.run(_run(url, _bare_observation(url) if bare else _observation(url), creds))


def test_a_sign_in_page_that_sends_the_signed_in_anywhere_is_an_open_redirect() -> None:
    report = _report(fixed=False)
    found = sorted((f.category, f.method, f.path, f.identity) for f in report.findings)
    assert found == [
        ("open_redirect", "GET", "/continue", "anonymous"),
        ("open_redirect", "GET", "/login", "user"),
    ], (found, report.notes)
    login = next(f for f in report.findings if f.path == "/login")
    assert CANARY in str(login.evidence["location"]) and login.evidence["fields"] == "query next"
    # Reproduced: the signed-in visitor was sent off site twice by the same payload.
    off_site = [
        e for e in report.exchanges if CANARY in ((e.response.header("location") or "") if e.response else "")
    ]
    assert (
        len([e for e in off_site if urlsplit(e.request.url).path == "/login" and e.identity == "user"]) == 2
    )
    assert TOKEN not in str(login.evidence) and TOKEN not in login.reproduce
    # The link that signs out was never followed, whatever its next says.
    assert not [e for e in report.exchanges if urlsplit(e.request.url).path == "/logout"]
    assert report.requests <= 40


def test_the_fixed_twin_has_none_and_was_asked_as_both_identities() -> None:
    report = _report(fixed=True)
    assert not report.findings, report.findings
    asked = [e for e in report.exchanges if urlsplit(e.request.url).path == "/login"]
    assert {e.identity for e in asked} == {"anonymous", "user"}
    signed_in = [e for e in asked if e.identity == "user"]
    assert len(signed_in) == 5 and all(e.status == 302 and e.response for e in signed_in)
    # Each answer sends the visitor somewhere on this site (home, or "/%5Cassay-redirect.invalid/").
    hosts = {
        browser_host(e.response.header("location") or "", e.request.url) for e in signed_in if e.response
    }
    assert hosts == {"127.0.0.1"}, [e.response.header("location") for e in signed_in if e.response]


def test_with_no_sign_in_page_crawled_the_usual_path_is_found_and_signed_in_by_its_form() -> None:
    report = _report(fixed=False, bare=True, creds=PASSWORD)
    found = [(f.method, f.path, f.identity) for f in report.findings]
    assert found == [("GET", "/login", "user")], (found, report.notes)
    assert "/login at the usual paths" in " ".join(report.notes)
    signed = [e for e in report.exchanges if e.request.method == "POST"]
    assert len(signed) == 1 and signed[0].status == 302  # one sign-in, through the form
    assert TOKEN not in str(report.findings[0].evidence)


def test_the_fixed_twin_signed_in_by_its_form_has_none() -> None:
    report = _report(fixed=True, bare=True, creds=PASSWORD)
    assert not report.findings, report.findings
    assert len([e for e in report.exchanges if e.identity == "user"]) == 5
