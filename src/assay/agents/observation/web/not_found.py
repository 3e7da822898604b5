"""The app's own not-found view, and the links whose target renders it.

A single-page app answers every path with its index page, so a link check's 200 says nothing:
its router decides in the browser, and shows its "page not found" view for a route it lacks.
That view is rendered once per crawl, from a route that cannot exist; a same-origin link whose
target renders the same view (the same visible text, or the same not-found heading) is as broken
as a 404. A target that answers an unknown path with an error status needs none of this (its
link statuses already tell), and one whose unknown routes render nothing of their own (the start
page, a redirect to a real page, only the start page's shell) has no view: no link is judged
against it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import unquote, urldefrag, urljoin

from playwright.async_api import BrowserContext

from assay.agents import run_clock
from assay.agents.observation.web.frontier import Frontier
from assay.domain.json import as_list, as_object, as_str
from assay.domain.pages import LinkCheck, PageFacts
from assay.pages.extract import PageExtract, path_of
from assay.spec.catch_all import ABSENT_MARK, NOT_FOUND_WORDS, normalised

MAX_RENDERS = 20  # link targets the crawl did not open, rendered here at most
_READ = """() => {
  const h = document.querySelector('h1') || document.querySelector('h2');
  return {text: (document.body ? document.body.innerText : '').slice(0, 20000),
          heading: h ? h.innerText : ''};
}"""


@dataclass(frozen=True)
class Rendered:
    """What one route showed in the browser."""

    path: str  # the path asked for
    final_path: str  # where the page ended (a router may redirect)
    text: str  # the body's visible text
    heading: str  # its first h1 (else h2)
    status: int = 200


@dataclass(frozen=True)
class NotFoundView:
    path: str  # the route that cannot exist it was rendered from
    text: str  # its visible text, normalised, that path taken out
    heading: str


def _lines(text: str, path: str) -> list[str]:
    return [line for raw in text.splitlines() if (line := normalised(raw, path))]


def view_of(absent: Rendered, start: Rendered | None) -> NotFoundView | None:
    """The not-found view ``absent`` shows, or None when it shows nothing of its own."""
    if not (200 <= absent.status < 300):
        return None  # an honest 404: the link statuses already say which links are broken
    text = normalised(absent.text, absent.path)
    if not text:
        return None
    redirected = absent.final_path.split("?")[0] != absent.path.split("?")[0]
    if redirected and not NOT_FOUND_WORDS.search(absent.text):
        return None  # sent to a real page (home, sign-in), which links may lead to rightly
    if start is not None:
        start_lines = set(_lines(start.text, start.path))
        if not [line for line in _lines(absent.text, absent.path) if line not in start_lines]:
            return None  # the start page again, or its shell with nothing in it
    return NotFoundView(absent.path, text, normalised(absent.heading, absent.path))


def renders(view: NotFoundView, page: Rendered) -> bool:
    """Does ``page`` show the app's not-found view?"""
    if normalised(page.text, page.path) == view.text:
        return True
    heading = normalised(page.heading, page.path)
    # The wording is read as shown: normalising turns "404" into a bare digit.
    worded = NOT_FOUND_WORDS.search(page.heading) is not None
    return bool(view.heading) and heading == view.heading and worded


def absent_route(start_url: str) -> str:
    name = ABSENT_MARK + hashlib.sha1(start_url.encode()).hexdigest()[:10]
    return urljoin(start_url, "/" + name)


async def render(context: BrowserContext, url: str) -> Rendered | None:
    """Open ``url`` and read what it shows once its requests settle; None when it cannot load."""
    page = await context.new_page()
    try:
        response = await page.goto(url, wait_until="load", timeout=15000)
        with contextlib.suppress(Exception):  # a page that keeps polling is read as it is
            await page.wait_for_load_state("networkidle", timeout=3000)
        read = as_object(await page.evaluate(_READ))
        status = response.status if response else 0
        text, heading = as_str(read.get("text")), as_str(read.get("heading"))
        return Rendered(path_of(url), path_of(page.url), text, heading, status)
    except Exception:  # no view to compare with, or no target to judge: nothing is claimed
        return None
    finally:
        with contextlib.suppress(Exception):
            await page.close()


class _Visit(Protocol):
    facts: PageFacts
    extract: PageExtract


class _Crawl(Protocol):
    start_url: str
    notes: list[str]
    frontier: Frontier | None

    @property
    def visits(self) -> Sequence[_Visit]: ...


def _heading(extract: PageExtract) -> str:
    headings = [as_object(h) for h in as_list(extract.structure.get("headings"))]
    for level in (1, 2):
        found = next((as_str(h.get("text")) for h in headings if h.get("level") == level), "")
        if found:
            return found
    return ""


def _seen(crawl: _Crawl) -> dict[str, Rendered]:
    """The pages the crawl opened, by the path asked for."""
    out: dict[str, Rendered] = {}
    for visit in crawl.visits:
        asked = path_of(urldefrag(visit.facts.url).url)
        text, heading = visit.extract.text, _heading(visit.extract)
        out.setdefault(asked, Rendered(asked, visit.facts.path, text, heading, visit.facts.status))
    return out


def _candidates(crawl: _Crawl) -> list[str]:
    """Link targets that answered 2xx with a page (or said nothing of their type), in order."""
    frontier = crawl.frontier
    out: list[str] = []
    for visit in crawl.visits:
        for link in visit.facts.links:
            if not (200 <= link.status < 300) or link.href in out:
                continue
            entry = frontier.entries.get(urljoin(crawl.start_url, link.href)) if frontier else None
            kind = entry.content_type if entry is not None else ""
            if not kind or "html" in kind:
                out.append(link.href)
    return out


async def mark_not_found_links(context: BrowserContext, crawl: _Crawl, deadline: float) -> None:
    """Mark every link whose target renders the app's not-found view (``LinkCheck.soft_404``)."""
    if run_clock.charged() >= deadline or not (targets := _candidates(crawl)):
        return
    absent = await render(context, absent_route(crawl.start_url))
    if absent is None or not (200 <= absent.status < 300):
        return  # no answer, or an honest error status: the link statuses already tell
    view = view_of(absent, await render(context, crawl.start_url))
    if view is None:
        return
    seen, broken = _seen(crawl), set()
    renders_left = MAX_RENDERS
    for href in targets:
        page = seen.get(href)
        if page is None and renders_left > 0 and run_clock.charged() < deadline:
            renders_left -= 1
            page = await render(context, urljoin(crawl.start_url, href))
        if page is not None and renders(view, page):
            broken.add(href)
    for visit in crawl.visits:
        links = tuple(_marked(link, broken, view) for link in visit.facts.links)
        visit.facts = replace(visit.facts, links=links)
    shown = unquote(view.path)
    crawl.notes.append(
        f"the app's not-found view (rendered for {shown}) was compared with {len(targets)} link "
        f"target(s) answering 2xx: {len(broken)} render it"
    )


def _marked(link: LinkCheck, broken: set[str], view: NotFoundView) -> LinkCheck:
    return replace(link, soft_404=view.path) if link.href in broken else link
