"""Asking the server what it serves when no spec can be found: a few GETs, nothing more.

Two paths that cannot exist are asked first: a server that answers anything (a single-page
app's index page, a soft 404) answers the common paths the same way, and those answers are its
fallback, not endpoints (:mod:`assay.spec.catch_all`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.observation import ProbedEndpoint
from assay.domain.ports import HttpTransport
from assay.domain.state_change import request_is_reset
from assay.spec import catch_all
from assay.spec.catch_all import Baseline

COMMON_PATHS = (
    "api", "api/v1", "api/v2", "v1", "health", "healthz", "status", "version",
    "users", "items", "api/users", "api/items", "api/health", "metrics",
)  # fmt: skip
# Answers that say "nothing here"; anything else is an endpoint worth knowing about.
_ABSENT = frozenset({404, 410})
_ACCEPT = {"accept": "application/json, */*;q=0.5"}


@dataclass
class Probed:
    """What probing found: the endpoints, and the paths that answered like the fallback."""

    endpoints: list[ProbedEndpoint] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)  # paths dropped: answered as the absent ones
    baselines: list[Baseline] = field(default_factory=list)


def probe_paths(base_url: str) -> list[str]:
    """URLs to probe, relative to the base URL and to the host root, without repeats."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    root = urljoin(base, "/")
    urls = [urljoin(base, p) for p in COMMON_PATHS] + [urljoin(root, p) for p in COMMON_PATHS]
    kept = [u for u in dict.fromkeys(urls) if u.rstrip("/") != base.rstrip("/")]
    # Never a probe of a path that names a reset, even a GET (a base URL may sit under one).
    return [u for u in kept if not request_is_reset("GET", urlsplit(u).path)]


def endpoint_of(url: str, response: RecordedResponse) -> ProbedEndpoint:
    content_type = (response.header("content-type") or "").split(";")[0].strip()
    return ProbedEndpoint("GET", urlsplit(url).path or "/", response.status, content_type)


async def _get(url: str, transport: HttpTransport, log: list[str] | None) -> RecordedResponse | None:
    request = RecordedRequest(method="GET", url=url, headers=dict(_ACCEPT))
    try:
        return await transport.send(request, timeout=5.0)
    except (TargetError, SafetyError) as exc:
        if log is not None:
            log.append(f"probe GET {url} -> {exc.__class__.__name__}")
        return None


def _baseline_of(url: str, response: RecordedResponse) -> Baseline:
    path = urlsplit(url).path or "/"
    content_type = response.header("content-type") or ""
    return catch_all.baseline(path, response.status, content_type, response.text, _location(response))


def _location(response: RecordedResponse) -> str:
    return response.header("location") or ""


async def baselines(base_url: str, transport: HttpTransport, log: list[str] | None = None) -> list[Baseline]:
    """What the target answers for paths that cannot exist; none for one that says 404 or 410
    (a probe answering that is dropped anyway) or gives no answer."""
    out: list[Baseline] = []
    for url in catch_all.absent_urls(base_url):
        response = await _get(url, transport, log)
        if response is None:
            continue
        if log is not None:
            log.append(f"probe GET {url} -> {response.status} (a path that cannot exist)")
        if response.status not in _ABSENT:
            out.append(_baseline_of(url, response))
    return out


async def probe(
    base_url: str, transport: HttpTransport, *, budget: int = 12, log: list[str] | None = None
) -> Probed:
    """GET a short list of common API roots: the endpoints that answered something but 404, and
    not as a path that cannot exist does."""
    found = Probed(baselines=await baselines(base_url, transport, log))
    for url in probe_paths(base_url)[:budget]:
        response = await _get(url, transport, log)
        if response is None:
            continue
        path = urlsplit(url).path or "/"
        content_type = response.header("content-type") or ""
        like = catch_all.matches_any(
            found.baselines, response.status, content_type, response.text, path, _location(response)
        )
        if log is not None:
            why = f" (answered like {like.path}: not an endpoint)" if like is not None else ""
            log.append(f"probe GET {url} -> {response.status}{why}")
        if like is not None:
            found.fallbacks.append(path)
        elif response.status not in _ABSENT:
            found.endpoints.append(endpoint_of(url, response))
    return found
