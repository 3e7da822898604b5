"""What the Observation agent hands on: the API model and/or what it saw of the web pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
