"""The crawl finds a URL in every place a page names one (tests/apps/url_sources_site.py), and its
traps hold: a write only a click attempts never arrives, a "delete" link is not followed, and a
guess that a catch-all folder answers is not counted as found."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from tests.apps.url_sources_site import EXPECTED, url_sources_site

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.agents.observation.web.crawler import CrawlConfig, CrawlResult, crawl
from assay.agents.observation.web.observe import summarise
from assay.demo.server import serve_in_thread
from assay.domain.pages import DiscoveredUrl

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]


@dataclass
class Crawled:
    result: CrawlResult
    served: Counter[str]

    def found(self) -> dict[str, DiscoveredUrl]:
        frontier = self.result.frontier
        assert frontier is not None
        return {d.url.split("?")[0]: d for d in frontier.facts()}


@pytest.fixture(scope="module")
def crawled() -> Iterator[Crawled]:
    app, served = url_sources_site()
    with serve_in_thread(app) as server:
        config = CrawlConfig(depth=3, max_pages=60, budget_seconds=120)
        yield Crawled(asyncio.run(crawl(server.base_url + "/", config, Chromium())), served)


def test_every_url_source_is_followed(crawled: Crawled) -> None:
    found = crawled.found()
    missing = [url for url in EXPECTED if url not in found]
    assert missing == []
    # Found means fetched: the server saw a GET of each.
    assert [url for url in EXPECTED if crawled.served[f"GET {url}"] == 0] == []


def test_each_url_says_where_it_came_from(crawled: Crawled) -> None:
    found = crawled.found()
    assert found["/found/anchor"].source == "anchor"
    assert found["/found/iframe"].source == "frame"
    assert found["/found/meta-refresh"].source == "meta-refresh"
    assert found["/found/link-header"].source == "header"
    assert found["/found/robots"].source == "robots"
    assert found["/found/sitemap"].source == "sitemap"
    assert found["/found/css"].source == "css"
    assert found["/found/external-script.json"].source == "script"
    assert found["/found/fetch"].source == "network"
    assert found["/found/click-listener"].source == "click"
    assert found["/found/window-open"].source == "window-open"
    assert found["/found/push-state"].source == "history"
    assert any(url.endswith("#/found/hash-route") for url in found)


def test_a_write_a_click_attempts_is_recorded_and_never_sent(crawled: Crawled) -> None:
    write = crawled.found()["/found/click-write"]
    assert write.method == "PUT" and "not sent" in write.skipped
    assert not any(key.split()[0] not in {"GET", "HEAD"} for key in crawled.served), crawled.served


def test_a_posting_form_and_a_path_named_only_in_code_are_listed_and_not_fetched(crawled: Crawled) -> None:
    found = crawled.found()
    post = found["/found/form-post"]
    assert post.source == "form" and post.method == "POST" and post.status == -1
    rpc = found["/api/run_job"]
    assert rpc.status == -1 and "not a file" in rpc.skipped
    assert crawled.served["GET /found/form-post"] == crawled.served["GET /api/run_job"] == 0


def test_a_delete_link_is_listed_with_its_reason_and_not_fetched(crawled: Crawled) -> None:
    delete = crawled.found()["/items/7/delete"]
    assert delete.status == -1 and "deleting" in delete.skipped
    assert crawled.served["GET /items/7/delete"] == 0


def test_a_guess_the_catch_all_answers_is_not_coverage(crawled: Crawled) -> None:
    found = crawled.found()
    assert "/app/bundle.js" in found
    assert not any(url.startswith(("/app/settings", "/app/profile", "/case/profile")) for url in found)


def test_the_observation_reports_coverage(crawled: Crawled) -> None:
    observation = summarise(crawled.result)
    crawl_facts = observation.crawl
    assert crawl_facts.routes >= len(EXPECTED) // 2 and crawl_facts.forms >= 2 and crawl_facts.clicks >= 3
    assert crawl_facts.depth_reached == 3
    assert any(note.startswith("crawl coverage:") for note in observation.notes)
