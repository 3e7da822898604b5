"""Asking the server what it serves when no spec can be found: a few GETs, nothing more."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.observation import ProbedEndpoint
from assay.domain.ports import HttpTransport
from assay.domain.state_change import request_is_reset

COMMON_PATHS = (
    "api", "api/v1", "api/v2", "v1", "health", "healthz", "status", "version",
    "users", "items", "api/users", "api/items", "api/health", "metrics",
)  # fmt: skip
# Answers that say "nothing here"; anything else is an endpoint worth knowing about.
_ABSENT = frozenset({404, 410})


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


async def probe(
    base_url: str, transport: HttpTransport, *, budget: int = 12, log: list[str] | None = None
) -> list[ProbedEndpoint]:
    """GET a short list of common API roots; the endpoints that answered something but 404."""
    found: list[ProbedEndpoint] = []
    for url in probe_paths(base_url)[:budget]:
        request = RecordedRequest(method="GET", url=url, headers={"accept": "application/json, */*;q=0.5"})
        try:
            response = await transport.send(request, timeout=5.0)
        except (TargetError, SafetyError) as exc:
            if log is not None:
                log.append(f"probe GET {url} -> {exc.__class__.__name__}")
            continue
        if log is not None:
            log.append(f"probe GET {url} -> {response.status}")
        if response.status not in _ABSENT:
            found.append(endpoint_of(url, response))
    return found
