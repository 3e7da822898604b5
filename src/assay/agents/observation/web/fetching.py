"""GET what the frontier holds, outside the page: statuses for link checks, and the URLs that
headers, scripts, stylesheets, robots.txt and sitemaps name.

Requests go through the browser context's request API, so they carry the crawl's cookies (a
signed-in crawl fetches signed in) and stay on the target's host (redirects are not followed:
a ``Location`` is one more URL for the frontier). Several run at once; none waits for a fixed time.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.async_api import BrowserContext

from assay.agents import run_clock
from assay.agents.observation.web.frontier import Entry, Frontier
from assay.pages.extract import path_of
from assay.pages.url_sources import (
    FoundUrl,
    urls_in_css,
    urls_in_headers,
    urls_in_html,
    urls_in_robots,
    urls_in_sitemap,
    urls_in_text,
)

PARALLEL = 6
MAX_BODY = 1_000_000  # bytes read of one answer for URLs; past it the rest is not read
FETCH_SECONDS = 10.0
_TEXT_TYPES = ("text/", "javascript", "json", "xml", "css", "svg")


async def fetch_all(
    context: BrowserContext, frontier: Frontier, max_depth: int, deadline: float, limit: int
) -> int:
    """Fetch every entry the frontier holds, and what their answers name, until none is left,
    ``limit`` GETs were sent, or ``deadline``; returns the number of GETs sent."""
    sent = 0
    gate = asyncio.Semaphore(PARALLEL)
    fallback = CatchAll(context)

    async def one(entry: Entry) -> None:
        nonlocal sent
        async with gate:
            if run_clock.charged() >= deadline or sent >= limit:
                return
            sent += 1
            await _fetch(context, frontier, entry, max_depth, fallback)

    while sent < limit and run_clock.charged() < deadline:
        batch = frontier.to_fetch()
        if not batch:
            break
        await asyncio.gather(*(one(e) for e in batch[: limit - sent]))
    return sent


@dataclass
class CatchAll:
    """What a folder answers for a path that cannot exist: a single-page app's fallback answers
    200 with the same page for anything, and a soft 404 says "not found" with a 200 (often
    repeating the path), so a guessed URL that gets that answer does not exist. One probe per
    folder, remembered. A route that echoes its parameter ("found x") is not a fallback."""

    context: BrowserContext
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # folder -> (raw, stripped) digests
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def is_fallback(self, url: str, body: str) -> bool:
        folder = urljoin(url, ".")
        lock = self.locks.setdefault(folder, asyncio.Lock())
        async with lock:
            if folder not in self.seen:
                self.seen[folder] = await self._probe(folder)
        raw, stripped = self.seen[folder]
        if not raw:
            return False
        if raw == digest(body):
            return True
        return stripped == digest(body, url) and _SOFT_404.search(body) is not None

    async def _probe(self, folder: str) -> tuple[str, str]:
        absent = urljoin(folder, "assay-absent-" + hashlib.sha1(folder.encode()).hexdigest()[:10])
        try:
            response = await self.context.request.get(absent, max_redirects=0, timeout=FETCH_SECONDS * 1000)
            body = (await response.body())[:MAX_BODY].decode("utf-8", "replace")
            ok = 200 <= response.status < 300
            await response.dispose()
        except Exception:  # no answer: no fallback to compare with
            return "", ""
        return (digest(body), digest(body, absent)) if ok else ("", "")


_SOFT_404 = re.compile(r"not\s+found|\b404\b|does\s*n[o']t\s+exist|no\s+such|cannot\s+be\s+found", re.I)


def digest(body: str, url: str = "") -> str:
    """The body's digest; with ``url``, without the URL's own path in it."""
    path = urlsplit(url).path if url else ""
    for text in (path, path.rsplit("/", 1)[-1]):
        if text:
            body = body.replace(text, "")
    return hashlib.sha1(body.encode()).hexdigest()


async def _fetch(
    context: BrowserContext, frontier: Frontier, entry: Entry, max_depth: int, fallback: CatchAll
) -> None:
    url = entry.url
    try:
        response = await context.request.get(url, max_redirects=0, timeout=FETCH_SECONDS * 1000)
    except Exception as exc:  # a refused connection or a timeout: status 0, the crawl goes on
        entry.status, entry.skipped = 0, f"GET failed: {type(exc).__name__}"
        return
    headers = {k.lower(): v for k, v in response.headers.items()}
    content_type = headers.get("content-type", "")
    body = ""
    if any(t in content_type.lower() for t in _TEXT_TYPES) or not content_type:
        try:
            raw = await response.body()
            body = raw[:MAX_BODY].decode("utf-8", "replace")
        except Exception:  # the body could not be read: the status still counts
            body = ""
    status = response.status
    await response.dispose()
    if entry.speculative and 200 <= status < 300 and await fallback.is_fallback(url, body):
        status = 404  # the folder's answer to anything: the guess does not exist
    if frontier.answered(entry, status, content_type):
        return  # a speculative URL that does not exist: its next resolution is fetched next round
    if status >= 400:
        return
    found = urls_in_headers(headers, url)
    level = entry.depth  # what a resource or a header names is reached from the same page
    found_in_page: list[FoundUrl] = []
    kind = content_type.lower()
    if kind.startswith(("text/html", "application/xhtml")):
        if entry.depth <= max_depth:
            found_in_page = urls_in_html(body, url)
    elif path_of(url).split("?")[0].endswith("/robots.txt"):
        found += urls_in_robots(body, url)
    elif "css" in kind:
        found += urls_in_css(body, url)
    elif "xml" in kind and "<loc" in body.lower():
        found += urls_in_sitemap(body, url)
    elif body and ("javascript" in kind or kind.startswith("text/") or "json" in kind or "xml" in kind):
        found += urls_in_text(body, url, "script" if "javascript" in kind else "text")
    where = path_of(url)
    for item in found:
        frontier.add(item, level, where)
    for item in found_in_page:
        frontier.add(item, entry.depth + 1, where)
