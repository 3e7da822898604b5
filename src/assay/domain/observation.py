"""What the Observation agent hands on: the API model and/or what it saw of the web pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel
from assay.domain.pages import BlockedHost, CrawlFacts, LoginFacts, PageFacts, UnsettledPage

TargetKind = Literal["api", "web", "both", "unknown"]


@dataclass(frozen=True)
class ProbedEndpoint:
    """An endpoint found by asking the server, not by reading a spec."""

    method: str
    path: str
    status: int
    content_type: str = ""


@dataclass(frozen=True)
class UiElement:
    """An interactive element of a page (filled in by the browser observer)."""

    page: str
    role: str
    name: str
    locator: str
    tag: str = ""
    input_type: str = ""
    required: bool = False
    constraints: JsonObject = field(default_factory=dict)
    fingerprint: JsonObject = field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    target: str
    kind: TargetKind
    api: ApiModel | None = None
    spec_location: str | None = None  # where the spec was found, or None
    discovery_log: tuple[str, ...] = ()  # every place we looked, with what it answered
    probes: tuple[ProbedEndpoint, ...] = ()
    ui_elements: tuple[UiElement, ...] = ()
    page_structure: JsonObject = field(default_factory=dict)
    # What the crawler recorded of the pages (the UI oracles, scenarios and suite read these; the
    # API shows them as one ``page_context`` object, see assay.api.mapping).
    pages: tuple[PageFacts, ...] = ()
    login: LoginFacts | None = None  # None when the pages were not crawled
    blocked_hosts: tuple[BlockedHost, ...] = ()  # third-party hosts the browser was kept from
    unsettled_pages: tuple[UnsettledPage, ...] = ()
    crawl: CrawlFacts | None = None  # None when the pages were not crawled
    notes: tuple[str, ...] = ()
    # What observation planned but could not do (pages that never settled, a crawl cut short, the
    # browser failing): carried into RunResult.incomplete.
    incomplete: tuple[str, ...] = ()
    confidence: float = 0.0
    requests_sent: int = 0

    @property
    def api_base_url(self) -> str:
        """The URL the API's paths (and its login) are joined to.

        The base URL, whose path may be the API's prefix (``http://host/api`` for a spec at
        ``/api/openapi.json``), unless the spec was read elsewhere on the same origin than under
        that path: then the base URL is a web page (``/blog/``, ``/app/login``), not a prefix, and
        the API lives at the origin (a spec at ``/openapi.json`` logs in at ``/api/login``, never
        at ``/blog/api/login``). A spec from a file or another host leaves the base URL as given.
        """
        return api_base_url(self.target, self.spec_location)


def api_base_url(base_url: str, spec_location: str | None) -> str:
    """See :attr:`Observation.api_base_url`."""
    base, spec = urlsplit(base_url), urlsplit(spec_location or "")
    prefix = base.path.rstrip("/")
    if not prefix or spec.scheme not in ("http", "https") or spec.netloc.lower() != base.netloc.lower():
        return base_url
    if spec.path == prefix or spec.path.startswith(prefix + "/"):
        return base_url
    return f"{base.scheme}://{base.netloc}/"
