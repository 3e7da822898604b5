"""Crawl one origin in headless Chromium, level by level, pages in parallel browser contexts.

Depth counts navigations: 1 is the start page, 2 adds the pages it leads to, and so on, bounded
by ``max_pages`` and ``budget_seconds``. Each level has two halves. First every URL the frontier
holds is fetched over HTTP (:mod:`.fetching`: statuses, headers, scripts, stylesheets, robots.txt,
sitemaps); then the level's pages (HTML that answered, one per route shape) are opened in the
browser, read, and mined for more URLs: their markup as served and as rendered, the requests they
make, History API routes and ``window.open`` targets, and where clicking their elements with event
listeners leads (:mod:`.page_urls`). Links to "log out" are never followed, so a signed-in crawl
stays signed in. After the pages, on test systems only, each form is submitted and each
standalone button clicked once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urldefrag, urljoin

from playwright.async_api import (
    BrowserContext,
    Page,
)
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from assay.agents import run_clock
from assay.agents.observation.web.affordance_probe import read_affordances, seeded
from assay.agents.observation.web.fetching import fetch_all
from assay.agents.observation.web.frontier import Frontier
from assay.agents.observation.web.not_found import mark_not_found_links
from assay.agents.observation.web.page_log import PageLog, listen
from assay.agents.observation.web.page_urls import (
    INIT_SCRIPT,
    PageUrls,
    explore_clicks,
    recorded,
    watch_requests,
)
from assay.agents.observation.web.probes import probe_button, probe_form
from assay.domain.action_safety import ActionPolicy, judge_button, judge_form
from assay.domain.affordances import Affordance
from assay.domain.json import as_list, as_object, as_str
from assay.domain.ledger import Ledger
from assay.domain.pages import ActionProbe, BlockedHost, LinkCheck, PageFacts, UnsettledPage
from assay.domain.partial import OUT_OF_TIME
from assay.domain.ports import CodeMailbox
from assay.domain.target import Credentials
from assay.pages.browser import BrowserPort, BrowserSession
from assay.pages.containment import Containment
from assay.pages.extract import PageExtract, extract_page, path_of, purpose
from assay.pages.form_facts import button_control, form_from_json
from assay.pages.login import LoginOutcome, sign_in
from assay.pages.page_script import DOM_DIGEST
from assay.pages.url_sources import FoundUrl, urls_in_html

T = TypeVar("T")
R = TypeVar("R")
_HAS_SCRIPTS = "() => document.scripts.length > 0 || !!document.querySelector('[onload],[onclick]')"
VISIT_SECONDS = 40.0
SHOT_DEPTH = 2  # one page: load, read, screenshot; past it the page never settled


@dataclass(frozen=True)
class CrawlConfig:
    depth: int = 1
    max_pages: int = 25
    budget_seconds: float = 45.0
    contexts: int = 2
    probe_actions: bool = False  # submit forms and click buttons: only on test systems
    max_fetches: int = 2000  # GETs outside the page (statuses, scripts, stylesheets, known files)
    explore_clicks: bool = True  # click elements with event listeners to see where they lead
    clicks_per_page: int = 12
    max_probes: int = 30
    max_elements: int = 80
    screenshots: Path | None = None
    credentials: Credentials | None = None
    mailbox: CodeMailbox | None = None  # where a one-time code is read; None: the browser session's
    destructive: bool = False  # probes may change objects assay did not create (--destructive)
    ledger: Ledger = field(default_factory=Ledger)  # what this run created (probes add to it)

    def policy(self, start_url: str) -> ActionPolicy:
        return ActionPolicy.for_url(start_url, self.destructive, self.ledger)


@dataclass
class PageVisit:
    facts: PageFacts
    extract: PageExtract
    reached: PageUrls = field(default_factory=PageUrls)  # URLs beyond its anchors


@dataclass
class CrawlResult:
    start_url: str
    visits: list[PageVisit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # what the crawl planned but could not do
    login: LoginOutcome | None = None
    elapsed: float = 0.0
    blocked: tuple[BlockedHost, ...] = ()  # other hosts the pages tried to reach (all aborted)
    unsettled: tuple[UnsettledPage, ...] = ()  # pages that never settled
    popups_closed: int = 0
    dialogs_dismissed: int = 0
    frontier: Frontier | None = None  # every URL found, by source, and what was done with it
    fetches: int = 0

    @property
    def pages(self) -> list[PageFacts]:
        return [v.facts for v in self.visits]


async def crawl(start_url: str, config: CrawlConfig, browser: BrowserPort) -> CrawlResult:
    """Launch a browser through the port and crawl ``start_url``."""
    async with browser.open(start_url) as session:
        return await crawl_with(session, start_url, config)


async def crawl_with(session: BrowserSession, start_url: str, config: CrawlConfig) -> CrawlResult:
    """Crawl with an already launched browser."""
    started = time.monotonic()
    deadline = run_clock.charged() + config.budget_seconds  # charged: starvation is not spent
    result = CrawlResult(start_url)
    containment = Containment(start_url)
    if config.credentials is not None:
        result.login = await sign_in(session, start_url, config.credentials, containment, config.mailbox)
        result.notes.append(result.login.note)
    state = result.login.state if result.login else None
    contexts = [await session.context(containment, state) for _ in range(max(1, config.contexts))]
    for context in contexts:
        await context.add_init_script(INIT_SCRIPT)
    frontier = _frontier(start_url, config)
    result.frontier = frontier
    try:
        await _crawl_levels(contexts, frontier, config, deadline, result, containment)
        _link_checks(result, frontier)
        await mark_not_found_links(contexts[0], result, deadline)  # a SPA's 200 for a route it lacks
        if config.probe_actions and run_clock.charged() < deadline:
            await _probe_actions(contexts, result, config, deadline)
            _probed_urls(result, frontier)
    finally:
        for context in contexts:
            await context.close()
    result.elapsed = time.monotonic() - started
    return _contained(result, containment)


def _frontier(start_url: str, config: CrawlConfig) -> Frontier:
    """The start page, and the files that list URLs by convention (one navigation away)."""
    frontier = Frontier(start_url, config.policy(start_url))
    frontier.add(FoundUrl(urldefrag(start_url).url, "start"), 1, "")
    frontier.add(FoundUrl(urljoin(start_url, "/robots.txt"), "robots", speculative=True), 2, "")
    frontier.add(FoundUrl(urljoin(start_url, "/sitemap.xml"), "sitemap", speculative=True), 2, "")
    return frontier


def _contained(result: CrawlResult, containment: Containment) -> CrawlResult:
    result.blocked = containment.blocked_hosts()
    result.unsettled = tuple(containment.unsettled)
    result.popups_closed, result.dialogs_dismissed = containment.popups_closed, containment.dialogs_dismissed
    return result


async def _pool(
    contexts: Sequence[BrowserContext],
    items: Sequence[T],
    work: Callable[[BrowserContext, T], Awaitable[R]],
    deadline: float,
) -> list[R]:
    """Run ``work`` over ``items`` with one worker per context; stop taking items past the deadline."""
    queue: asyncio.Queue[T] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    results: list[R] = []

    async def worker(context: BrowserContext) -> None:
        while not queue.empty() and run_clock.charged() < deadline:
            results.append(await work(context, queue.get_nowait()))

    await asyncio.gather(*(worker(c) for c in contexts))
    return results


async def _crawl_levels(
    contexts: list[BrowserContext],
    frontier: Frontier,
    config: CrawlConfig,
    deadline: float,
    result: CrawlResult,
    containment: Containment,
) -> None:
    visited_paths: set[str] = set()
    clicks = config.explore_clicks
    for depth in range(1, max(1, config.depth) + 1):
        result.fetches += await fetch_all(
            contexts[0], frontier, config.depth, deadline, config.max_fetches - result.fetches
        )
        entries = frontier.pages_at(depth)
        if depth == 1:  # the start page is opened whatever its GET said (a SPA may 404 it)
            start = frontier.entries.get(urldefrag(result.start_url).url)
            if start is not None and start not in entries and not start.visited:
                entries.insert(0, start)
        room = max(0, config.max_pages - len(result.visits))
        if len(entries) > room:
            for entry in entries[room:]:
                entry.skipped = f"not opened: the page budget ({config.max_pages} pages) was spent"
            entries = entries[:room]
        for entry in entries:
            entry.visited = True

        async def visit(context: BrowserContext, url: str, depth: int = depth) -> PageVisit | None:
            try:
                return await _bounded_visit(context, url, depth, config, containment, deadline, clicks)
            except Exception as exc:  # one page's crash loses that page, never the crawl
                result.incomplete.append(f"page {path_of(url)} not observed: {_why(exc)}")
                return None

        for page_visit in await _pool(contexts, [e.url for e in entries], visit, deadline):
            if page_visit is None:
                continue
            for found, method in page_visit.reached.found:
                frontier.add(
                    found, depth + 1 if found.source != "network" else depth, page_visit.facts.path, method
                )
            twin = slash_twin(page_visit, result.visits)
            if twin is not None:
                # /dashboard/?x rendering what /dashboard?x rendered is one page, not two (its
                # scenarios and findings would all count twice).
                result.notes.append(f"{page_visit.facts.path} is the page {twin} (a trailing slash apart)")
            elif page_visit.facts.path not in visited_paths:
                visited_paths.add(page_visit.facts.path)
                result.visits.append(page_visit)
        if run_clock.charged() >= deadline:
            result.notes.append(f"crawl stopped at its time budget ({config.budget_seconds:.0f} s)")
            frontier.unopened(f"the crawl's {OUT_OF_TIME} was spent")  # domain.partial lists these
            break
        if len(result.visits) >= config.max_pages:
            break
    result.fetches += await fetch_all(
        contexts[0], frontier, config.depth, deadline, config.max_fetches - result.fetches
    )
    frontier.unopened(f"past the crawl's depth ({config.depth}), page budget or time")


def slash_twin(visit: PageVisit, kept: Sequence[PageVisit]) -> str | None:
    """The path of a kept page that ``visit`` only repeats: its path differs by a trailing slash
    (before any query) and it shows the same title and the same controls; None otherwise."""

    def bare(path: str) -> str:
        route, mark, query = path.partition("?")
        return (route.rstrip("/") or "/") + mark + query

    def shown(v: PageVisit) -> tuple[str, frozenset[str]]:
        return v.facts.title, frozenset(e.locator for e in v.extract.elements)

    path = visit.facts.path
    for other in kept:
        if other.facts.path != path and bare(other.facts.path) == bare(path) and shown(other) == shown(visit):
            return other.facts.path
    return None


def _probed_urls(result: CrawlResult, frontier: Frontier) -> None:
    """Where submitting a form or clicking a button led: coverage too (a search's results page)."""
    for visit in result.visits:
        for probe in visit.facts.actions:
            if probe.url_after and probe.url_after != probe.url_before:
                url = urljoin(result.start_url, probe.url_after)  # probes record paths
                found = FoundUrl(url, "click" if probe.kind == "click" else "form")
                entry = frontier.add(found, visit.facts.depth + 1, visit.facts.path)
                if entry is not None and not entry.skipped:
                    entry.status, entry.visited = probe.status or -1, probe.status > 0


def _link_checks(result: CrawlResult, frontier: Frontier) -> None:
    """Give every page its same-origin links with the status each answered to the frontier's GET."""
    for i, page_visit in enumerate(result.visits):
        checks = {
            path_of(urldefrag(href).url): LinkCheck(page_visit.facts.path, path_of(href), text, status)
            for href, text in page_visit.extract.links
            if (status := frontier.status_of(href)) >= 0
        }
        result.visits[i].facts = replace(page_visit.facts, links=tuple(checks.values()))


async def _bounded_visit(
    context: BrowserContext,
    url: str,
    depth: int,
    config: CrawlConfig,
    containment: Containment,
    deadline: float,
    clicks: bool,
) -> PageVisit | None:
    """:func:`_visit` within ``VISIT_SECONDS``: a page that never loads or never answers is
    recorded as never settled, and the crawl goes on."""
    work = _visit(context, url, depth, config, containment, deadline, clicks)
    try:
        return await asyncio.wait_for(work, VISIT_SECONDS)
    except TimeoutError:
        containment.never_settled(url, f"not read within {VISIT_SECONDS:.0f} s")
        return None


async def _visit(
    context: BrowserContext,
    url: str,
    depth: int,
    config: CrawlConfig,
    containment: Containment,
    deadline: float,
    clicks: bool,
) -> PageVisit | None:
    page = await context.new_page()
    log = PageLog(containment)
    listen(page, log)
    reached = PageUrls()
    watch_requests(page, reached, containment.allows)
    try:
        try:
            response = await page.goto(url, wait_until="load", timeout=15000)
        except PlaywrightTimeoutError:
            containment.never_settled(url, "its load event never fired (15 s)")
            raise
        await _rendered(page)
        path = path_of(page.url)
        extract = await extract_page(page, path, config.max_elements)
        title = await page.title()
        # Every page near the start, and any page that shows a problem a finding may cite; a deep
        # page with nothing to show costs a picture nobody looks at.
        problem = log.console or log.uncaught or log.failed or extract.unnamed or extract.images_without_alt
        wanted = config.screenshots if depth <= SHOT_DEPTH or problem else None
        shot = await _screenshot(page, wanted, f"page-{path}")
        affordances = await _affordances(page, path, extract, config.policy(url))
        if config.probe_actions:
            affordances = await _seeded(page, path, affordances, config)
        await _mine(page, response.url if response else url, reached)
        if clicks:
            # What the page logs while assay clicks around (and answers its writes with an empty
            # 204) is assay's doing, not the app's: the log is kept as it was before.
            console, failed, uncaught = list(log.console), list(log.failed), list(log.uncaught)
            await explore_clicks(page, config.policy(url), reached, config.clicks_per_page, deadline)
            log.console, log.failed, log.uncaught = console, failed, uncaught
    except Exception as exc:  # a page that cannot load is a link check's business
        log.failed.append(f"GET {path_of(url)} -> {str(exc).splitlines()[0][:120]}")
        return None
    finally:
        with contextlib.suppress(Exception):  # already closed by the watchdog
            await page.close()
    facts = PageFacts(
        path=path,
        url=url,
        status=response.status if response else 0,
        title=title,
        purpose=purpose(title, extract.text, extract.structure, path),
        depth=depth,
        console_errors=log.console_errors(),
        failed_requests=tuple(dict.fromkeys(log.failed)),
        unnamed_controls=tuple(extract.unnamed),
        images_without_alt=tuple(extract.images_without_alt),
        screenshot=shot,
        affordances=affordances,
    )
    return PageVisit(facts, extract, reached)


async def _rendered(page: Page, seconds: float = 2.0) -> None:
    """Let a single-page app render: its scripts and data arrive after the load event (a bundle
    transpiled in the browser, a list fetched), so wait for the network to go quiet, briefly,
    then for the markup to stop changing."""
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("networkidle", timeout=1500)
    deadline, last = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            now = str(await page.evaluate(DOM_DIGEST))
        except Exception:  # navigating: read it as it comes
            return
        if now == last:
            return
        last = now
        await asyncio.sleep(0.15)


async def _seeded(
    page: Page, path: str, found: tuple[Affordance, ...], config: CrawlConfig
) -> tuple[Affordance, ...]:
    """:func:`.affordance_probe.seeded`; a page the seeding breaks keeps what was read before it."""
    policy = config.policy(page.url)

    async def reread(page: Page) -> tuple[Affordance, ...]:
        return await _affordances(page, path, await extract_page(page, path, config.max_elements), policy)

    try:
        return await seeded(page, found, policy, reread)
    except Exception:  # the reading before the seeding stands
        return found


async def _affordances(
    page: Page, path: str, extract: PageExtract, policy: ActionPolicy
) -> tuple[Affordance, ...]:
    """What the page is for (see :mod:`.affordance_probe`); a page that defeats the reading has none."""
    try:
        forms = [as_object(f) for f in as_list(extract.structure.get("forms"))]
        return await read_affordances(page, path, extract.elements, extract.links, policy, forms)
    except Exception:  # the reading is an extra: the page's other facts stand without it
        return ()


async def _mine(page: Page, served_url: str, reached: PageUrls) -> None:
    """The URLs of the page's markup as rendered (what scripts built) and what its scripts recorded."""
    with contextlib.suppress(Exception):  # a page that navigates away keeps what was read
        # Without scripts the rendered markup is the served one, which the fetch already read.
        if await page.evaluate(_HAS_SCRIPTS):
            for found in urls_in_html(await page.content(), page.url):
                reached.found.append((found, "GET"))
    if urldefrag(page.url).url != urldefrag(served_url).url:
        reached.add(page.url, "redirect")
    await recorded(page, reached)


_Probe = Callable[[BrowserContext], Awaitable[ActionProbe | None]]
_Job = tuple[int, _Probe]


async def _probe_actions(
    contexts: list[BrowserContext], result: CrawlResult, config: CrawlConfig, deadline: float
) -> None:
    jobs: list[_Job] = []
    failures: list[str] = []
    for i, page_visit in enumerate(result.visits):
        for job in _jobs_for(page_visit, config, config.policy(result.start_url), failures):
            jobs.append((i, job))

    async def run(context: BrowserContext, job: _Job) -> tuple[int, ActionProbe | None]:
        return job[0], await job[1](context)

    for i, probe in await _pool(contexts, jobs[: config.max_probes], run, deadline):
        if probe is not None:
            facts = result.visits[i].facts
            result.visits[i].facts = replace(facts, actions=(*facts.actions, probe))
    if failures:
        result.notes.append(f"{len(failures)} action probes failed: {'; '.join(failures[:3])}")


def _jobs_for(
    page_visit: PageVisit, config: CrawlConfig, policy: ActionPolicy, failures: list[str]
) -> list[_Probe]:
    """A probe for each form and standalone button the action policy allows (see
    :mod:`assay.domain.action_safety`); what it refuses is summarised by the observer."""
    facts, jobs = page_visit.facts, []
    forms = [as_object(f) for f in as_list(page_visit.extract.structure.get("forms"))]
    allowed = [
        i for i, form in enumerate(forms) if judge_form(form_from_json(facts.url, form), policy).allowed
    ]
    for index in allowed[:4]:
        submit = as_str(forms[index].get("submit"))
        jobs.append(_guard(_bind_form(facts, index, submit, config, policy), failures))
    buttons = [
        e
        for e in page_visit.extract.elements
        if e.role == "button" and e.tag == "button" and not as_str(e.fingerprint.get("form"))
    ]
    buttons = [
        e for e in buttons if judge_button(button_control(e.name, e.fingerprint), facts.url, policy).allowed
    ]
    for element in buttons[:4]:
        jobs.append(_guard(_bind_button(facts, element.locator, element.name, config, policy), failures))
    return jobs


def _guard(probe: _Probe, failures: list[str]) -> _Probe:
    async def run(context: BrowserContext) -> ActionProbe | None:
        try:
            return await probe(context)
        except Exception as exc:  # one probe that breaks is a note, never the end of the crawl
            failures.append(_why(exc))
            return None

    return run


def _bind_form(
    facts: PageFacts, index: int, submit: str, config: CrawlConfig, policy: ActionPolicy
) -> _Probe:
    return lambda context: probe_form(context, facts, index, submit, config.screenshots, policy)


def _bind_button(
    facts: PageFacts, locator: str, name: str, config: CrawlConfig, policy: ActionPolicy
) -> _Probe:
    async def run(context: BrowserContext) -> ActionProbe | None:
        probe = await probe_button(context, facts, locator, name, config.screenshots, policy)
        return replace(probe, locator=locator) if probe else None

    return run


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}"


async def _screenshot(page: Page, shots: Path | None, label: str) -> str:
    if shots is None:
        return ""
    shots.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in label).strip("-")[:80] + ".png"
    await page.screenshot(path=str(shots / name))
    return str(shots / name)
