"""Whether a run is PARTIAL, and what it skipped: the one definition every output uses.

A run is **partial** when something it planned was not done because one of assay's own limits
ran out, namely the time budget (``--budget``, charged on ``domain.charged_clock``):

- a planned scenario (API or browser) was skipped because the time budget was spent;
- a security family the run started was stopped by the time budget: it wanted to send a
  request past the deadline (whether it had sent none, "sent nothing", or some);
- a page the crawl found was not opened because the crawl's time budget was spent.

Not partial, because they are the plan or are told otherwise: scenarios skipped by a safety
rule, a request count or page count the plan itself bounds (``max_pages``, a family's request
budget), a cancel (status ``cancelled``), a target that stopped answering (status ``failed``), a
stage that crashed (``incomplete``, INCONCLUSIVE). A partial run still ends ``completed``, with
``partial`` true and the skipped list beside it, so a starved run never reads as a full one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from assay.domain.analysis import AnalysisResult
from assay.domain.json import JsonObject
from assay.domain.run import RunResult

SkippedKind = Literal["scenario", "security_family", "page"]

# Every own-limit stop says this in its reason: the API runner ("not run: time budget of 60s
# exhausted"), the browser scenarios, the crawl ("not opened: the crawl's time budget was spent").
OUT_OF_TIME = "time budget"


@dataclass(frozen=True)
class Skipped:
    """One planned thing the run did not do, and why."""

    kind: SkippedKind
    name: str  # scenario id, family name or page path
    reason: str

    def line(self) -> str:
        """``security family xss: sent nothing: the time budget was spent``."""
        return f"{_WORDS[self.kind][0]} {self.name}: {self.reason}"

    def to_json(self) -> JsonObject:
        return {"kind": self.kind, "name": self.name, "reason": self.reason}


def out_of_time(reason: str | None) -> bool:
    return OUT_OF_TIME in (reason or "")


def skipped(run: RunResult) -> list[Skipped]:
    """What the run planned and skipped for its own limits, scenarios first, then families, then pages."""
    return [*_scenarios(run), *_families(run.analysis), *_pages(run)]


def is_partial(run: RunResult) -> bool:
    return bool(skipped(run))


def partial_line(items: list[Skipped]) -> str:
    """``PARTIAL: 3 scenarios, 2 security families, 5 pages skipped (...)``; '' when nothing was."""
    if not items:
        return ""
    counts = Counter(i.kind for i in items)
    parts = [
        f"{counts[kind]} {one if counts[kind] == 1 else many}"
        for kind, (one, many) in _WORDS.items()
        if counts.get(kind)
    ]
    return f"PARTIAL: {', '.join(parts)} skipped, the time budget was spent"


_WORDS: dict[SkippedKind, tuple[str, str]] = {
    "scenario": ("scenario", "scenarios"),
    "security_family": ("security family", "security families"),
    "page": ("page", "pages"),
}


def _scenarios(run: RunResult) -> list[Skipped]:
    runs = run.analysis.runs if run.analysis else ()
    return [
        Skipped("scenario", r.scenario_id, (r.blocked_by or "").removeprefix("not run: "))
        for r in runs
        if r.status == "skipped" and out_of_time(r.blocked_by)
    ]


def _families(analysis: AnalysisResult | None) -> list[Skipped]:
    if analysis is None:
        return []
    found = []
    for family in analysis.families_out_of_time:
        sent = analysis.family_requests.get(family, 0)
        why = "sent nothing" if sent == 0 else f"stopped after {sent} requests"
        found.append(Skipped("security_family", family, f"{why}: the time budget was spent"))
    return found


def _pages(run: RunResult) -> list[Skipped]:
    crawl = run.observation.crawl if run.observation else None
    return [
        Skipped("page", u.url, u.skipped.removeprefix("not opened: "))
        for u in (crawl.discovered if crawl else ())
        if not u.visited and out_of_time(u.skipped)
    ]
