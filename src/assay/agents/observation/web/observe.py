"""Turn a crawl into the Observation's ``ui_elements``, ``page_structure`` and typed page facts."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from assay.agents.observation.web.crawler import CrawlConfig, CrawlResult, crawl
from assay.agents.observation.web.refusals import judged_structure, refusal_note
from assay.domain.action_safety import ActionPolicy
from assay.domain.json import Json, JsonObject, as_list
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import BlockedHost, CrawlFacts, LoginFacts, PageFacts, UnsettledPage
from assay.domain.target import Target
from assay.pages.browser import BrowserPort
from assay.pages.register import Registration, register_account
from assay.pages.url_sources import route_shape

SNAPSHOT_CHARS = 2000
PAGES_PER_SECOND = 4  # what one context opens and reads on a quick local app


@dataclass(frozen=True)
class WebObservation:
    ui_elements: tuple[UiElement, ...]
    page_structure: JsonObject
    pages: tuple[PageFacts, ...]
    login: LoginFacts
    crawl: CrawlFacts
    notes: tuple[str, ...]
    incomplete: tuple[str, ...] = ()  # pages that never settled
    blocked_hosts: tuple[BlockedHost, ...] = ()
    unsettled_pages: tuple[UnsettledPage, ...] = ()

    def onto(self, observation: Observation) -> Observation:
        """``observation`` with what the crawl saw (its notes and gaps added to the ones it had)."""
        return replace(
            observation,
            ui_elements=self.ui_elements,
            page_structure=self.page_structure,
            pages=self.pages,
            login=self.login,
            blocked_hosts=self.blocked_hosts,
            unsettled_pages=self.unsettled_pages,
            crawl=self.crawl,
            notes=(*observation.notes, *self.notes),
            incomplete=(*observation.incomplete, *self.incomplete),
        )


def config_for(
    target: Target, screenshots: Path | None = None, contexts: int = 0, pages_only: bool = False
) -> CrawlConfig:
    """The crawl a target asks for: its depth and budget; actions only on test systems. A target
    with no API (``pages_only``) gets a longer floor: the pages are all there is."""
    share = 0.5
    budget = max(
        30.0 if pages_only else 20.0, target.budget_seconds * share
    )  # pages, fetches, clicks, probes
    return CrawlConfig(
        depth=max(1, target.depth),
        budget_seconds=budget,
        max_pages=max(25, int(budget * PAGES_PER_SECOND)),  # no fixed cap: the budget decides
        contexts=contexts or default_contexts(),
        probe_actions=target.is_test_system,
        screenshots=screenshots,
        credentials=target.credentials[0] if target.credentials else None,
        destructive=target.destructive,
        ledger=target.ledger,
    )


def default_contexts() -> int:
    """Pages opened at once: one per two cores. Chromium renders on the same cores as assay (and,
    in tests, as the app): on two cores a second context made the crawl slower, not faster
    (Security Crawl Maze, 210 pages: 86 s with one, 115 s with two)."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


async def observe_web(
    target: Target,
    start_url: str,
    browser: BrowserPort,
    screenshots: Path | None = None,
    pages_only: bool = False,
) -> WebObservation:
    """Crawl ``start_url`` in Chromium. Raises NoBrowserFound when there is no browser.

    With no login given, on a test system, an account of assay's own is registered through the
    app's registration form first (see :mod:`assay.pages.register`) and the crawl signs in as it.
    """
    config = config_for(target, screenshots, pages_only=pages_only)
    registration = await _register(target, start_url, browser, config) if registers(target) else None
    if registration is not None and registration.credentials is not None:
        config = replace(config, credentials=registration.credentials)
    result = await crawl(start_url, config, browser)
    if registration is not None:
        result.notes.insert(0, registration.note)
    return summarise(result, config.policy(start_url))


def registers(target: Target) -> bool:
    """Whether the browser registers an account of its own: no login was given, and the target is
    a test system (the API side registers only where registration is public, as here)."""
    return not target.credentials and target.is_test_system


async def _register(
    target: Target, start_url: str, browser: BrowserPort, config: CrawlConfig
) -> Registration:
    # Its own browser session: the crawl opens its own, and signs in with what this one made.
    async with browser.open(start_url) as session:
        return await register_account(session, start_url, config.policy(start_url), target.ledger.password)


def summarise(result: CrawlResult, policy: ActionPolicy | None = None) -> WebObservation:
    """The observation of a crawl; each form carries the action policy's ``verdict`` (the UI
    scenarios submit only allowed ones) and one note says what was left alone and why."""
    policy = policy or ActionPolicy.for_url(result.start_url)
    elements: dict[tuple[str, str], UiElement] = {}
    for visit in result.visits:
        for element in visit.extract.elements:
            elements.setdefault((element.page, element.locator), element)
    structure: list[Json] = [
        {
            "path": v.facts.path,
            **judged_structure(v.facts.url, v.extract.structure, policy),
            "snapshot": v.extract.text[:SNAPSHOT_CHARS],
        }
        for v in result.visits
    ]
    pages = result.pages
    refused = refusal_note(result.visits, policy)
    crawl = crawl_facts(result)
    notes = (
        *result.notes,
        f"crawled {len(pages)} pages in {result.elapsed:.1f} s: {len(elements)} UI elements",
        *((coverage_note(crawl),) if crawl.discovered else ()),
        *((refused,) if refused else ()),
        *containment_notes(result),
    )
    pages_json: JsonObject = {"pages": structure}
    unsettled = tuple(
        f"page {p.url} never settled ({p.reason}): not observed in full" for p in result.unsettled
    )
    incomplete = (*result.incomplete, *_login_failure(result), *unsettled)
    login = result.login
    return WebObservation(
        ui_elements=tuple(elements.values()),
        page_structure=pages_json,
        pages=tuple(pages),
        login=LoginFacts(login.signed_in, login.login_path, login.second_factor) if login else LoginFacts(),
        crawl=crawl,
        notes=notes,
        incomplete=incomplete,
        blocked_hosts=tuple(result.blocked),
        unsettled_pages=tuple(result.unsettled),
    )


def crawl_facts(result: CrawlResult) -> CrawlFacts:
    """The crawl as a whole, with its coverage: every URL found, routes, forms, clicks, depth."""
    frontier = result.frontier
    return CrawlFacts(
        url=result.start_url,
        seconds=round(result.elapsed, 2),
        popups_closed=result.popups_closed,
        dialogs_dismissed=result.dialogs_dismissed,
        discovered=frontier.facts() if frontier is not None else (),
        routes=len({route_shape(v.facts.url) for v in result.visits}),
        forms=sum(len(as_list(v.extract.structure.get("forms"))) for v in result.visits),
        clicks=sum(v.reached.clicks for v in result.visits),
        depth_reached=max((v.facts.depth for v in result.visits), default=0),
    )


def coverage_note(crawl: CrawlFacts) -> str:
    """One line a reader checks first: how much of the site the crawl saw."""
    found = crawl.discovered
    opened = sum(1 for d in found if d.visited)
    skipped = sum(1 for d in found if d.skipped)
    sources = ", ".join(f"{s} {n}" for s, n in Counter(d.source for d in found).most_common())
    return (
        f"crawl coverage: {len(found)} URLs found ({sources}); {opened} pages opened in "
        f"{crawl.routes} routes, {crawl.forms} forms, {crawl.clicks} elements clicked, "
        f"depth {crawl.depth_reached}; {skipped} left alone (see crawl.discovered for why)"
    )


def _login_failure(result: CrawlResult) -> tuple[str, ...]:
    """Sign-in that assay itself could not carry out (a crash, a refused form): signed-in pages
    went untested. Credentials the app turned down are a plain note, not this."""
    login = result.login
    if login is None or login.signed_in or not login.failure:
        return ()
    return (f"browser sign-in not done ({login.failure}): signed-in pages were not observed",)


def containment_notes(result: CrawlResult) -> tuple[str, ...]:
    notes = []
    if result.blocked:
        hosts = ", ".join(f"{b.host} ({b.requests})" for b in result.blocked)
        total = sum(b.requests for b in result.blocked)
        notes.append(f"blocked {total} browser request(s) to other hosts than the target's: {hosts}")
        caused = [f"{b.host}: {' | '.join(b.errors[:2])}" for b in result.blocked if b.errors]
        if caused:
            errors = sum(len(b.errors) for b in result.blocked)
            notes.append(
                f"{errors} browser error(s) came from those blocked resources, not from the app "
                f"(noted, not findings): {'; '.join(caused)}"
            )
    if result.popups_closed:
        notes.append(f"closed {result.popups_closed} pop-up window(s) the pages opened")
    if result.dialogs_dismissed:
        notes.append(f"dismissed {result.dialogs_dismissed} JavaScript dialog(s) (confirm() answered cancel)")
    return tuple(notes)
