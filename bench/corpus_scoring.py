"""Scoring a tool's findings against a corpus target's ground truth (bench/corpus/<target>/).

Pure: no I/O, no clock. ``bench/corpus.py`` reads the files and runs the tools; this module only
decides, for one (target, tool), which documented items were found and which findings are false
positives under the adjudication rules the ground truth itself writes down.

The rules, in order, for each finding of the tool:

1. it matches a rule of an item that is present and HTTP-observable: that item is found
   (any severity counts: the documentation says the fault is there);
2. it matches an ``accepted`` rule (behaviour the project documents as intended, e.g. httpbin's
   ``/redirect-to``): neither found nor false;
3. its category is in ``unjudged_categories`` (conformance and page-quality checks the
   documentation says nothing about: a 500, a schema mismatch; ``prefix*`` entries allowed):
   counted apart, never a false positive;
4. otherwise, if its severity is medium or worse, it is a false positive. A finding matching an
   item the healthy twin has fixed (``present: false``) falls here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
# Conformance categories no advisory speaks of; schemathesis' own checks land in the first five.
DEFAULT_UNJUDGED = (
    "response_schema",
    "status_code",
    "spec_drift",
    "spec_quality",
    "missing_endpoint",
    "slow_response",
    "server_error",
    "made_up",
    "ui_*",  # page quality (accessibility, console errors, broken links)
    "st:*",  # Schemathesis' HTTP-conformance checks with no assay category (allowed methods...)
)


@dataclass(frozen=True)
class Finding:
    """What a tool reported, reduced to what the ground truth can judge."""

    category: str
    method: str
    path: str
    severity: str = "medium"
    text: str = ""  # title and detail: what the finding says it is


@dataclass(frozen=True)
class Rule:
    """A finding counts when its category is one of ``categories`` and method and path match."""

    categories: tuple[str, ...]
    method: str = "*"  # "*" or a method, compared case-insensitively
    path: str = ".*"  # a regular expression matched against the whole path
    text: str = ""  # when set, a regular expression the finding's text must contain (any case)

    def matches(self, finding: Finding) -> bool:
        if finding.category not in self.categories:
            return False
        if self.method != "*" and self.method.upper() != finding.method.upper():
            return False
        if self.text and re.search(self.text, finding.text, re.IGNORECASE) is None:
            return False
        return re.fullmatch(self.path, finding.path) is not None


@dataclass(frozen=True)
class Item:
    """One documented vulnerability (or, on a twin, its documented fix)."""

    id: str
    source: str
    http_observable: bool
    rules: tuple[Rule, ...]
    present: bool = True


@dataclass(frozen=True)
class GroundTruth:
    target: str
    items: tuple[Item, ...]
    accepted: tuple[Rule, ...] = ()
    unjudged_categories: tuple[str, ...] = DEFAULT_UNJUDGED

    @property
    def observable(self) -> tuple[Item, ...]:
        """The items a black-box HTTP tool could find: present and observable."""
        return tuple(i for i in self.items if i.present and i.http_observable)


@dataclass
class Score:
    target: str
    found: list[str] = field(default_factory=list)  # ids of observable items found
    observable: int = 0
    false_positives: list[Finding] = field(default_factory=list)
    accepted: int = 0
    unjudged: int = 0
    below_medium: int = 0  # matched nothing, but too mild to count as false

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "found": self.found,
            "observable": self.observable,
            "false_positives": [f.__dict__ for f in self.false_positives],
            "accepted": self.accepted,
            "unjudged": self.unjudged,
            "below_medium": self.below_medium,
        }


def _rule(raw: Mapping[str, Any]) -> Rule:
    categories = raw["category"]
    names = (categories,) if isinstance(categories, str) else tuple(categories)
    return Rule(names, str(raw.get("method", "*")), str(raw.get("path", ".*")), str(raw.get("text", "")))


def parse_ground_truth(document: Mapping[str, Any]) -> GroundTruth:
    """A ground_truth.json document as a GroundTruth; raises KeyError/ValueError when malformed."""
    items = []
    for raw in document["items"]:
        source = str(raw["source"])
        if not source:
            raise ValueError(f"{raw.get('id')}: every item cites its source")
        rules = tuple(_rule(r) for r in raw.get("match", []))
        if raw["http_observable"] and not rules:
            raise ValueError(f"{raw['id']}: an HTTP-observable item says what finding counts")
        present = bool(raw.get("present", True))
        items.append(Item(str(raw["id"]), source, bool(raw["http_observable"]), rules, present))
    adjudication = document.get("adjudication", {})
    accepted = tuple(_rule(r) for r in adjudication.get("accepted", []))
    unjudged = tuple(adjudication.get("unjudged_categories", DEFAULT_UNJUDGED))
    return GroundTruth(str(document["target"]), tuple(items), accepted, unjudged)


def _matched_item(truth: GroundTruth, finding: Finding) -> Item | None:
    return next((i for i in truth.observable if any(r.matches(finding) for r in i.rules)), None)


def _unjudged(truth: GroundTruth, category: str) -> bool:
    """A listed category, or one starting with a listed ``prefix*``."""
    listed = truth.unjudged_categories
    return any(category == u or (u.endswith("*") and category.startswith(u[:-1])) for u in listed)


def score(truth: GroundTruth, findings: Iterable[Finding]) -> Score:
    """Judge every finding by the module's four rules; the items found in ground-truth order."""
    result = Score(truth.target, observable=len(truth.observable))
    found: set[str] = set()
    for finding in findings:
        item = _matched_item(truth, finding)
        if item is not None:
            found.add(item.id)
        elif any(r.matches(finding) for r in truth.accepted):
            result.accepted += 1
        elif _unjudged(truth, finding.category):
            result.unjudged += 1
        elif SEVERITY_RANK.get(finding.severity, 2) >= SEVERITY_RANK["medium"]:
            result.false_positives.append(finding)
        else:
            result.below_medium += 1
    result.found = [i.id for i in truth.observable if i.id in found]
    return result


def assay_findings(document: Mapping[str, Any]) -> list[Finding]:
    """The findings of an assay findings.json document."""
    return [
        Finding(
            str(f["category"]),
            str(f["method"]).upper(),
            str(f["path"]),
            str(f.get("severity", "medium")),
            f"{f.get('title', '')}\n{f.get('detail', '')}",
        )
        for f in document.get("findings", [])
    ]


def totals(scores: Sequence[Score]) -> tuple[int, int, int]:
    """(items found, observable items, false positives) over several targets."""
    return (
        sum(len(s.found) for s in scores),
        sum(s.observable for s in scores),
        sum(len(s.false_positives) for s in scores),
    )
