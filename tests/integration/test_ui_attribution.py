"""UI faults that are really the app's, in real Chromium against the site of ``tests/apps/ui_fault_pages``.

Errors the containment's blocking of other hosts caused (a CDN's script kept out, a call to an
analytics host) are a note against the host, never a console-error finding; the app's own
script throwing is one. A form that answers with a field error state (aria-invalid, the
browser's validation bubble) or an aria-live message is not a silent failure; one that shows
nothing is. The twin site, without the app's own faults, gives no UI finding at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from tests.apps.ui_fault_pages import ui_fault_site

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.agents.observation.web.crawler import CrawlConfig, CrawlResult, crawl
from assay.agents.observation.web.observe import summarise
from assay.demo.server import RunningServer, serve_in_thread
from assay.oracles.ui import judge_pages

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
CONFIG = CrawlConfig(depth=2, probe_actions=True, budget_seconds=90)


def _serve(flawed: bool) -> Iterator[RunningServer]:
    server = serve_in_thread(ui_fault_site(flawed), log_level="critical")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def flawed_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawlResult]:
    for server in _serve(flawed=True):
        yield _crawl(server, tmp_path_factory.mktemp("shots"))


@pytest.fixture(scope="module")
def twin_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawlResult]:
    for server in _serve(flawed=False):
        yield _crawl(server, tmp_path_factory.mktemp("shots"))


def _crawl(server: RunningServer, shots: Path) -> CrawlResult:
    # With screenshots, as a real run takes them: taking one must not pass for the page's answer.
    config = replace(CONFIG, screenshots=shots)
    return asyncio.run(crawl(server.base_url + "/", config, Chromium()))


def _found(result: CrawlResult) -> set[tuple[str, str]]:
    return {(f.category, f.path) for f in judge_pages(result.pages)}


def test_the_apps_own_faults_are_findings(flawed_crawl: CrawlResult) -> None:
    assert {p.path for p in flawed_crawl.pages} >= {"/widgets", "/dashboard", "/contact", "/signin"}
    assert _found(flawed_crawl) == {("ui_console_error", "/dashboard"), ("ui_silent_failure", "/contact")}
    dashboard = next(p for p in flawed_crawl.pages if p.path == "/dashboard")
    assert any("renderChart is not defined" in e for e in dashboard.console_errors)


def test_the_twin_gives_no_ui_finding(twin_crawl: CrawlResult) -> None:
    assert _found(twin_crawl) == set()


def test_errors_of_blocked_third_parties_are_a_note(twin_crawl: CrawlResult) -> None:
    widgets = next(p for p in twin_crawl.pages if p.path == "/widgets")
    assert widgets.console_errors == () and widgets.failed_requests == ()
    blocked = {b.host: b for b in twin_crawl.blocked}
    assert set(blocked) == {"cdn.example-assets.test", "api.example-metrics.test"}
    assert any("$ is not defined" in e for e in blocked["cdn.example-assets.test"].errors)
    assert any("Failed to fetch" in e for e in blocked["api.example-metrics.test"].errors)
    note = next(n for n in summarise(twin_crawl).notes if "not from the app" in n)
    assert "cdn.example-assets.test" in note and "not findings" in note


def test_field_error_states_and_messages_are_feedback(twin_crawl: CrawlResult) -> None:
    probes = {a.page: a for p in twin_crawl.pages for a in p.actions}
    assert "password (aria-invalid)" in probes["/signin"].field_errors  # no text, a refused field
    assert any("code:" in e for e in probes["/newsletter"].field_errors)  # the browser's bubble
    assert probes["/signup"].message == "Use your work address"  # an aria-live region
