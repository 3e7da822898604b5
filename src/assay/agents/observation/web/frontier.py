"""What the crawl has found and what it still has to do with it: the frontier, as plain bookkeeping.

Every URL on the target's origin that any source names is recorded once, with the first source
and depth it was seen at. The crawl then asks the frontier what to fetch (every GET the link rule
allows) and which pages to open in the browser (HTML that answered, one page per route shape,
level by level). Speculative candidates (strings that may be paths) try their resolutions in
turn and are forgotten when none exists, so a guess never shows up as coverage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from assay.domain.action_safety import ActionPolicy, judge_link, origin_of
from assay.domain.pages import DiscoveredUrl
from assay.pages.extract import path_of
from assay.pages.url_sources import FoundUrl, route_shape

_PAGE_TYPES = ("text/html", "application/xhtml")


SCRIPT_SOURCES = frozenset({"script", "text"})
_CODE_ONLY = "not fetched: named only in a script or text"
_FILE = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def _looks_like_a_file(url: str) -> bool:
    """A path that ends in a file name with an extension (/app.js, /guide.html, /data.json)."""
    return _FILE.search(urlsplit(url).path) is not None


def _exists(status: int) -> bool:
    """Does a guessed URL exist? An answer, or a refusal (it is there, behind a login); a
    redirect is no proof (many apps redirect what they do not know to the home page)."""
    return 200 <= status < 300 or status in {401, 403, 405}


@dataclass
class Entry:
    url: str  # absolute; a fragment only for a hash route
    source: str
    depth: int  # the page level it belongs to: 1 the start page, 2 what that page names…
    found_on: str
    method: str = "GET"
    status: int = -1
    content_type: str = ""
    visited: bool = False
    skipped: str = ""
    speculative: bool = False
    alternatives: tuple[str, ...] = ()

    @property
    def is_page(self) -> bool:
        return 200 <= self.status < 300 and self.content_type.startswith(_PAGE_TYPES)

    @property
    def hash_route(self) -> bool:
        return urldefrag(self.url).fragment.startswith(("/", "!"))


@dataclass
class Frontier:
    start_url: str
    policy: ActionPolicy
    entries: dict[str, Entry] = field(default_factory=dict)
    shapes: dict[str, str] = field(default_factory=dict)  # route shape -> the page opened for it
    off_origin: int = 0

    def add(self, found: FoundUrl, depth: int, found_on: str, method: str = "GET") -> Entry | None:
        """Record ``found`` unless it is known (a sure sighting upgrades a speculative one)."""
        url = found.url if urldefrag(found.url).fragment.startswith(("/", "!")) else urldefrag(found.url).url
        known = self.entries.get(url) or next(
            (self.entries[a] for a in found.alternatives if a in self.entries), None
        )
        if known is not None:
            # A sure sighting (an anchor, a click) upgrades one only a script or text named: a
            # single-page app names its routes in its bundle before it renders their links.
            weaker = known.speculative or (
                known.source in SCRIPT_SOURCES and found.source not in SCRIPT_SOURCES
            )
            if weaker and not found.speculative and known.url == url:
                known.speculative, known.source = False, found.source
                if known.skipped.startswith(_CODE_ONLY):  # now seen for sure: fetched like the rest
                    known.skipped = ""
            return None
        if origin_of(url) != self.policy.origin:
            self.off_origin += 1
            return None
        method = found.method if found.method != "GET" else method.upper()
        entry = Entry(url, found.source, depth, found_on, method, speculative=found.speculative,
                      alternatives=found.alternatives)  # fmt: skip
        verdict = judge_link(urldefrag(url).url, "", self.policy)
        if not verdict.allowed:
            entry.skipped = f"not fetched: {verdict.reason}"
        elif entry.method not in {"GET", "HEAD"}:
            entry.skipped = f"not sent: a {entry.method} the page makes (seen, not replayed)"
        elif found.source in SCRIPT_SOURCES and not _looks_like_a_file(url):
            # An RPC-style path named only in code (GET /api/pause_server) may act when fetched.
            entry.skipped = f"{_CODE_ONLY}, and not a file (it may be an action)"
        self.entries[url] = entry
        return entry

    def to_fetch(self) -> list[Entry]:
        """GETs still to do: allowed, not yet answered, not a hash route (the browser opens those)."""
        return [e for e in self.entries.values() if e.status < 0 and not e.skipped and not e.hash_route]

    def answered(self, entry: Entry, status: int, content_type: str) -> bool:
        """Record a GET's answer. A speculative URL that does not exist moves on to its next
        resolution (True: fetch it again) or is forgotten."""
        if entry.speculative and not _exists(status):
            del self.entries[entry.url]
            while entry.alternatives:
                url, entry.alternatives = entry.alternatives[0], entry.alternatives[1:]
                if url not in self.entries and origin_of(url) == self.policy.origin:
                    entry.url = url
                    self.entries[url] = entry
                    return True
            return False
        entry.status, entry.content_type = status, content_type.lower()
        entry.speculative = False
        return False

    def pages_at(self, depth: int) -> list[Entry]:
        """Pages of level ``depth`` to open: HTML that answered (and hash routes), one per route shape."""
        chosen = []
        for entry in self.entries.values():
            if entry.depth != depth or entry.visited or entry.skipped:
                continue
            if not (entry.is_page or (entry.hash_route and not entry.skipped)):
                continue
            shape = route_shape(entry.url)
            if shape in self.shapes:
                entry.skipped = f"not opened: same route as {path_of(self.shapes[shape])}"
                continue
            self.shapes[shape] = entry.url
            chosen.append(entry)
        return chosen

    def status_of(self, url: str) -> int:
        entry = self.entries.get(urldefrag(url).url)
        return entry.status if entry is not None else -1

    def unopened(self, reason: str) -> None:
        """Pages the crawl had no room for: each says why it was not opened."""
        for entry in self.entries.values():
            if (
                entry.is_page
                and not entry.visited
                and not entry.skipped
                and entry.url not in self.shapes.values()
            ):
                entry.skipped = f"not opened: {reason}"

    def facts(self) -> tuple[DiscoveredUrl, ...]:
        # A guess never tried is no coverage and is left out, unless it was left alone on purpose.
        return tuple(
            _fact(e) for e in self.entries.values() if not (e.speculative and e.status < 0 and not e.skipped)
        )


def _fact(e: Entry) -> DiscoveredUrl:
    unfetched = e.status < 0 and not e.hash_route and not e.skipped
    return DiscoveredUrl(
        url=_local(e.url),
        source=e.source,
        depth=e.depth,
        found_on=e.found_on,
        method=e.method,
        status=e.status,
        visited=e.visited,
        skipped="not fetched: out of time" if unfetched else e.skipped,
    )


def _local(url: str) -> str:
    parts = urlsplit(url)
    return path_of(url) + (f"#{parts.fragment}" if parts.fragment else "")
