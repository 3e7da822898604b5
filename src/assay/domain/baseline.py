"""Comparing a run's findings with an earlier findings.json (``--baseline``): pure.

A finding is known by its key, (category, METHOD, path template): findings.json holds one finding
per key (FINDINGS.md merges repeats into it), so the key alone tells two runs' findings apart,
and no part of it depends on what a run made up (ids, objects, titles, counts, evidence).

Each finding of this run is ``new`` or ``unchanged``; each finding of the baseline absent now is
``fixed`` only when this run tested its operation or page again, else ``not_retested``: a check
that did not run proves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from assay.domain.findings import SEVERITY_ORDER, Finding
from assay.domain.json import Json

Mark = Literal["new", "unchanged", "fixed", "not_retested"]
FindingKey = tuple[str, str, str]
# The words report.md and the console use for each mark.
MARK_WORDS: dict[Mark, str] = {
    "new": "new",
    "unchanged": "still there",
    "fixed": "fixed",
    "not_retested": "not retested",
}


def finding_key(category: str, method: str, path: str) -> FindingKey:
    return (category, method.upper(), path)


@dataclass(frozen=True)
class BaselineEntry:
    """The part of an earlier run's finding that a comparison needs (and reports)."""

    category: str
    method: str
    path: str
    severity: str
    title: str = ""
    id: str = ""
    # Judged over every answer of a run (a version banner), not one operation's: any answer
    # retests it (``evidence.target_wide`` in findings.json).
    target_wide: bool = False

    @property
    def key(self) -> FindingKey:
        return finding_key(self.category, self.method, self.path)


@dataclass(frozen=True)
class Baseline:
    source: str  # the file it was read from, as the user gave it
    entries: tuple[BaselineEntry, ...]


@dataclass(frozen=True)
class Comparison:
    """This run against its baseline."""

    source: str
    marks: dict[FindingKey, Mark]  # this run's findings: "new" or "unchanged"
    fixed: tuple[BaselineEntry, ...]
    not_retested: tuple[BaselineEntry, ...]

    def mark_of(self, finding: Finding) -> Mark:
        return self.marks.get(finding.dedup_key, "new")

    def new(self, findings: Sequence[Finding]) -> list[Finding]:
        return [f for f in findings if self.mark_of(f) == "new"]


class BaselineError(ValueError):
    """The baseline document is not a findings.json."""


def _text(item: dict[str, Json], name: str, where: str, *, required: bool = True) -> str:
    value = item.get(name, "" if not required else None)
    if not isinstance(value, str) or (required and not value):
        raise BaselineError(f"{where}: '{name}' must be a non-empty string")
    return value


def _target_wide(evidence: Json) -> bool:
    return isinstance(evidence, dict) and evidence.get("target_wide") is True


def parse_baseline(document: Json, source: str) -> Baseline:
    """The findings of a findings.json document; a document of another shape is a BaselineError
    that names what is wrong (the CLI turns it into a usage error)."""
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError("not a findings.json: no 'findings' list at the top level")
    findings = document["findings"]
    assert isinstance(findings, list)
    entries: list[BaselineEntry] = []
    for index, item in enumerate(findings):
        where = f"findings[{index}]"
        if not isinstance(item, dict):
            raise BaselineError(f"{where} is not an object")
        severity = _text(item, "severity", where)
        if severity not in SEVERITY_ORDER:
            raise BaselineError(f"{where}: unknown severity {severity!r}")
        entries.append(
            BaselineEntry(
                category=_text(item, "category", where),
                method=_text(item, "method", where).upper(),
                path=_text(item, "path", where),
                severity=severity,
                title=_text(item, "title", where, required=False),
                id=_text(item, "id", where, required=False),
                target_wide=_target_wide(item.get("evidence")),
            )
        )
    return Baseline(source, tuple(entries))


def compare(
    baseline: Baseline, findings: Sequence[Finding], retested: Callable[[BaselineEntry], bool]
) -> Comparison:
    """Mark this run's ``findings`` against ``baseline``; ``retested`` says whether this run
    tested again what a baseline finding was about (its operation, its page)."""
    before = {e.key for e in baseline.entries}
    now = {f.dedup_key for f in findings}
    marks: dict[FindingKey, Mark] = {
        f.dedup_key: "unchanged" if f.dedup_key in before else "new" for f in findings
    }
    gone = [e for e in dict((e.key, e) for e in baseline.entries).values() if e.key not in now]
    return Comparison(
        source=baseline.source,
        marks=marks,
        fixed=tuple(e for e in gone if retested(e)),
        not_retested=tuple(e for e in gone if not retested(e)),
    )
