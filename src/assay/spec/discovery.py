"""Finding a spec when none was given: well-known paths, then what documentation pages link to.

Every place tried is logged with its answer, so a user can see why nothing was found. Only the
target's own host is asked (the transport enforces it; candidates elsewhere are skipped here so
the log says so instead of showing a safety error).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

from assay.domain.errors import SafetyError, SpecParseError, SpecTooLarge, TargetError, TargetUnreachable
from assay.domain.exchanges import RecordedResponse
from assay.domain.json import JsonObject
from assay.domain.ports import HttpTransport
from assay.domain.state_change import request_is_reset
from assay.spec.loader import document_from_response, fetch, spec_version

WELL_KNOWN = (
    "openapi.json", "openapi.yaml", "swagger.json", "swagger.yaml", "api/openapi.json",
    "api/v1/openapi.json", "api/v2/openapi.json", "api/v3/openapi.json", "v1/openapi.json",
    "v2/api-docs", "v3/api-docs", "api-docs", "swagger/v1/swagger.json", "api/swagger.json",
    "spec.json", "docs/openapi.json",
)  # fmt: skip
DOC_PAGES = ("docs", "redoc", "swagger-ui", "swagger-ui.html", "api/docs")
_MAX_FAILURES = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SPEC_URL_PATTERNS = (
    re.compile(r"""\b(?:url|specUrl|spec_url|configUrl)\s*[:=]\s*["'`]([^"'`\s]+)["'`]"""),
    re.compile(r"""\bspec-url\s*=\s*["']([^"']+)["']"""),
    re.compile(r"""Redoc\.init\(\s*["']([^"']+)["']"""),
    re.compile(r"""\b(?:href|src|data-url)\s*=\s*["']([^"']*(?:openapi|swagger|api-docs)[^"']*)["']""", re.I),
    re.compile(r"""["']([^"'\s]*(?:openapi|swagger)[^"'\s]*\.(?:json|ya?ml))["']""", re.I),
)
_SCRIPT_SRC = re.compile(
    r"""<script[^>]+src\s*=\s*["']([^"']*(?:initializer|swagger-config)[^"']*)["']""", re.I
)


@dataclass
class Discovery:
    """What discovery found and everything it tried on the way."""

    document: JsonObject | None = None
    location: str | None = None
    log: list[str] = field(default_factory=list)
    base_response: RecordedResponse | None = None
    asked: set[str] = field(default_factory=set)
    deadline: float = float("inf")  # ``clock()`` after which no more requests go out
    failures_in_a_row: int = 0
    # The run's charged clock (agents/run_clock.py): time the run spends starved is not spent.
    clock: Callable[[], float] = time.monotonic

    def should_stop(self, budget: int) -> bool:
        """True when discovery must stop; the reason is logged once."""
        reason = self._stop_reason(budget)
        if reason and (not self.log or self.log[-1] != reason):
            self.log.append(reason)
        return reason is not None

    def _stop_reason(self, budget: int) -> str | None:
        if len(self.asked) >= budget:
            return f"stopped: request budget of {budget} spent"
        if self.clock() > self.deadline:
            return "stopped: time budget spent"
        if self.failures_in_a_row >= _MAX_FAILURES:
            return f"stopped: {_MAX_FAILURES} transport errors in a row"
        return None


def candidate_urls(base_url: str) -> list[str]:
    """Well-known spec URLs under the base URL, then under the host root, without repeats."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    root = urljoin(base, "/")
    urls = [urljoin(base, p) for p in WELL_KNOWN] + [urljoin(root, p) for p in WELL_KNOWN]
    return list(dict.fromkeys(urls))


def spec_links(html: str, page_url: str) -> list[str]:
    """Spec URLs a documentation page points at (Swagger UI config, Redoc, links), absolute."""
    found: list[str] = []
    for pattern in _SPEC_URL_PATTERNS:
        found.extend(unescape(m) for m in pattern.findall(html))
    urls = [urljoin(page_url, u) for u in found if not u.startswith(("#", "javascript:", "data:"))]
    return [u for u in dict.fromkeys(urls) if urlsplit(u).scheme in {"http", "https"} and _spec_like(u)]


def _spec_like(url: str) -> bool:
    path = urlsplit(url).path.lower()
    if path.endswith((".js", ".css", ".png", ".svg", ".ico", ".html")):
        return False
    return any(word in path for word in ("openapi", "swagger", "api-docs", "spec", ".json", ".yaml", ".yml"))


async def discover_spec(
    base_url: str,
    transport: HttpTransport,
    *,
    max_requests: int = 60,
    time_budget: float = 60.0,
    clock: Callable[[], float] = time.monotonic,
) -> Discovery:
    """Look for a spec; raise TargetUnreachable only when the base URL itself cannot be reached."""
    found = Discovery(deadline=clock() + time_budget, clock=clock)
    host = urlsplit(base_url).netloc.lower()
    got = await _get(found, base_url, transport, host, must_reach=True)
    found.base_response = got[0] if got else None
    if got is not None and _accept(found, got[1], got[0]):
        return found  # the base URL is the spec itself
    queue = await _page_links(found, got, transport, host) + candidate_urls(base_url)
    if await _try_all(found, queue, transport, host, max_requests):
        return found
    pages = list(dict.fromkeys(urljoin(b, p) for b in _bases(base_url) for p in DOC_PAGES))
    for page in pages:
        if found.should_stop(max_requests):
            break
        links = await _page_links(found, await _get(found, page, transport, host), transport, host)
        if links and await _try_all(found, links, transport, host, max_requests):
            return found
    return found


def _bases(base_url: str) -> list[str]:
    base = base_url if base_url.endswith("/") else base_url + "/"
    return list(dict.fromkeys([base, urljoin(base, "/")]))


async def _try_all(
    found: Discovery, urls: list[str], transport: HttpTransport, host: str, budget: int
) -> bool:
    for url in urls:
        if url in found.asked:
            continue
        if found.should_stop(budget):
            return False
        got = await _get(found, url, transport, host)
        if got is not None and _accept(found, got[1], got[0]):
            return True
    return False


def _accept(found: Discovery, url: str, response: RecordedResponse) -> bool:
    if response.status != 200 or _is_html(response):
        return False
    try:
        document = document_from_response(response, url)
    except SpecTooLarge as exc:
        found.log[-1] += f" (refused: {str(exc).removeprefix(f'spec at {url} is refused: ')})"
        return False
    except SpecParseError:
        found.log[-1] += " (not an OpenAPI document)"
        return False
    found.log[-1] += f" (spec found: {_version_label(document)})"
    found.document, found.location = document, url
    return True


def _version_label(document: JsonObject) -> str:
    version = spec_version(document)
    return f"Swagger {version}" if version == "2.0" else f"OpenAPI {version}"


async def _get(
    found: Discovery, url: str, transport: HttpTransport, host: str, *, must_reach: bool = False
) -> tuple[RecordedResponse, str] | None:
    """GET ``url`` following up to three same-host redirects: the answer and the URL that gave it."""
    for _ in range(4):
        if urlsplit(url).netloc.lower() != host:
            found.log.append(f"GET {url} -> skipped: not the target's host")
            return None
        if not must_reach and request_is_reset("GET", urlsplit(url).path):
            found.log.append(f"GET {url} -> skipped: the path names a state reset")
            return None
        found.asked.add(url)
        try:
            response = await fetch(url, transport)
        except TargetUnreachable:
            if must_reach:
                raise
            found.failures_in_a_row += 1
            found.log.append(f"GET {url} -> unreachable")
            return None
        except (TargetError, SafetyError) as exc:
            found.failures_in_a_row += isinstance(exc, TargetError)
            found.log.append(f"GET {url} -> {exc.__class__.__name__}: {exc}")
            return None
        found.failures_in_a_row = 0
        found.log.append(f"GET {url} -> {response.status} {_content_type(response)}".rstrip())
        location = response.header("location")
        if response.status not in _REDIRECTS or not location:
            return response, url
        url = urljoin(url, location)
    return None


async def _page_links(
    found: Discovery, got: tuple[RecordedResponse, str] | None, transport: HttpTransport, host: str
) -> list[str]:
    """Spec URLs of an HTML page, including those in Swagger UI's separate initializer script."""
    if got is None or got[0].status != 200 or not _is_html(got[0]):
        return []
    response, page_url = got
    links = spec_links(response.text, page_url)
    for script in dict.fromkeys(urljoin(page_url, s) for s in _SCRIPT_SRC.findall(response.text)):
        if script in found.asked:
            continue
        code = await _get(found, script, transport, host)
        if code is not None and code[0].status == 200:
            links.extend(u for u in spec_links(code[0].text, code[1]) if u not in links)
    return links


def _content_type(response: RecordedResponse) -> str:
    return (response.header("content-type") or "").split(";")[0].strip()


def _is_html(response: RecordedResponse) -> bool:
    if "html" in _content_type(response):
        return True
    return response.text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
