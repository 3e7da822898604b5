"""A single-page app answers every path with its index page (tests/apps/spa_fallback.py): probing
finds no invented API on it, a real JSON endpoint behind the same catch-all is still found, and a
nav link to a route the router lacks is a broken link, though the server answers it 200."""

from __future__ import annotations

import asyncio

import pytest
from tests.apps.spa_fallback import soft_404_api, spa_fallback

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.adapters.http import HttpxTransport
from assay.agents.observation.agent import observe
from assay.agents.requirements.assemble import build_requirements
from assay.demo.server import serve_in_thread
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.observation import Observation
from assay.domain.target import Target
from assay.oracles.ui import judge_pages

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]


def _observe(flawed: bool, *, api: bool = False, not_found_view: bool = True, depth: int = 1) -> Observation:
    with serve_in_thread(spa_fallback(flawed=flawed, api=api, not_found_view=not_found_view)) as server:
        target = Target(server.base_url + "/", depth=depth, budget_seconds=60)

        async def run() -> Observation:
            async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
                return await observe(target, transport, browser=Chromium())

        return asyncio.run(run())


@pytest.fixture(scope="module")
def flawed() -> Observation:
    return _observe(True)


@pytest.fixture(scope="module")
def twin() -> Observation:
    return _observe(False)


@pytest.fixture(scope="module")
def with_api() -> Observation:
    return _observe(False, api=True)


def _broken(observation: Observation) -> list[Finding]:
    return [f for f in judge_pages(observation.pages) if f.category == "ui_broken_link"]


def _probe_titles(observation: Observation) -> list[str]:
    return [s.title for s in build_requirements(observation).scenarios if "@probe" in s.tags]


def test_no_api_is_invented_on_a_single_page_app(flawed: Observation, twin: Observation) -> None:
    for observation in (flawed, twin):
        assert observation.kind == "web" and observation.probes == ()
        assert _probe_titles(observation) == []
        note = next(n for n in observation.notes if "answered like a path that cannot exist" in n)
        assert note.startswith("12 probed paths answered like a path that cannot exist")
        gaps = build_requirements(observation).coverage.not_covered
        assert any(g.item == "probed paths" and g.reason == note for g in gaps)
        assert any("(answered like /assay-absent-" in line for line in observation.discovery_log)


def test_a_real_json_endpoint_behind_the_catch_all_is_still_found(with_api: Observation) -> None:
    assert with_api.kind == "both"
    assert [(p.path, p.status, p.content_type) for p in with_api.probes] == [
        ("/api/items", 200, "application/json")
    ]
    assert _probe_titles(with_api) == ["GET /api/items answers 200 as when probed"]
    assert any(n.startswith("11 probed paths answered like") for n in with_api.notes)


def test_a_link_to_a_route_the_router_lacks_is_broken(flawed: Observation) -> None:
    found = _broken(flawed)
    assert [(f.path, f.evidence["page"]) for f in found] == [("/reports", "/")]
    evidence = found[0].evidence
    assert evidence["status"] == 200 and str(evidence["not_found_as"]).startswith("/assay-absent-")
    assert "rendered the app's not-found view (same as /assay-absent-" in found[0].detail
    assert any("1 render it" in n for n in flawed.notes)


def test_the_twin_whose_router_has_the_route_gives_none(twin: Observation) -> None:
    assert _broken(twin) == []
    links = [link for page in twin.pages for link in page.links]
    assert {link.href for link in links} >= {"/", "/about", "/reports"}
    assert not any(link.soft_404 for link in links)


def test_a_page_the_crawl_opened_is_judged_by_what_it_showed() -> None:
    # Depth 2: the crawl itself opens /reports, and its reading is reused, not rendered again.
    assert [f.path for f in _broken(_observe(True, depth=2))] == ["/reports"]


def test_unknown_routes_that_render_nothing_of_their_own_give_no_finding() -> None:
    observation = _observe(True, not_found_view=False)
    assert _broken(observation) == []
    assert not any("render it" in n for n in observation.notes)


def test_an_api_that_answers_200_for_anything_keeps_only_its_real_endpoint() -> None:
    with serve_in_thread(soft_404_api()) as server:
        target = Target(server.base_url)

        async def run() -> Observation:
            async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
                return await observe(target, transport)

        observation = asyncio.run(run())
    assert observation.kind == "api"
    assert [p.path for p in observation.probes] == ["/health"]
    assert _probe_titles(observation) == ["GET /health answers 200 as when probed"]
    assert any(n.startswith("11 probed paths answered like") for n in observation.notes)
