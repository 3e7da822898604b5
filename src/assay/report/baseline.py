"""A run against its ``--baseline``: the comparison, and how findings.json, report.md and the
console show it. The comparison itself is :mod:`assay.domain.baseline`."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from assay.domain.baseline import MARK_WORDS, BaselineEntry, Comparison, compare
from assay.domain.json import Json, JsonObject
from assay.domain.run import RunResult
from assay.report.trust import by_severity_and_proof

# Categories judged from the spec alone: reading the spec again retests them.
_SPEC_JUDGED = frozenset({"spec_quality"})


def retested_by(run: RunResult) -> Callable[[BaselineEntry], bool]:
    """Whether this run tested again what a baseline finding was about: its operation got an
    answer, its page (or a link to it) was opened; for spec findings, the spec was read; for
    findings judged on every answer (a banner), anything was answered."""
    answered = {
        (e.request.method.upper(), e.path_template or urlsplit(e.request.url).path)
        for e in run.exchanges
        if e.response is not None
    }
    obs = run.observation
    pages: set[str] = set()
    for page in obs.pages if obs else ():
        pages.add(page.path)
        pages.update(link.href.split("?")[0] for link in page.links if link.status)
        pages.update(probe.page for probe in page.actions)
    spec_read = obs is not None and obs.api is not None

    def retested(entry: BaselineEntry) -> bool:
        if entry.category in _SPEC_JUDGED:
            return spec_read
        if entry.target_wide:
            return bool(answered)
        return (entry.method, entry.path) in answered or entry.path in pages

    return retested


def comparison(run: RunResult) -> Comparison | None:
    """The run against its baseline; None when no baseline was given."""
    if run.baseline is None:
        return None
    return compare(run.baseline, run.findings, retested_by(run))


def _entry_json(entry: BaselineEntry) -> JsonObject:
    return {
        "id": entry.id,
        "category": entry.category,
        "severity": entry.severity,
        "method": entry.method,
        "path": entry.path,
        "title": entry.title,
    }


def baseline_block(found: Comparison, findings: int) -> JsonObject:
    """findings.json's ``baseline`` object: the counts, and the baseline's findings absent now."""
    new = sum(1 for mark in found.marks.values() if mark == "new")
    fixed: list[Json] = [_entry_json(e) for e in found.fixed]
    not_retested: list[Json] = [_entry_json(e) for e in found.not_retested]
    return {
        "file": found.source,
        "new": new,
        "unchanged": findings - new,
        "fixed": fixed,
        "not_retested": not_retested,
    }


def _entry_line(entry: BaselineEntry) -> str:
    return f"[{entry.severity}] {entry.category}: {entry.method} {entry.path} — {entry.title}"


def baseline_summary_lines(found: Comparison) -> list[str]:
    """The console's lines on the baseline's findings that this run did not see."""
    lines = [f"baseline {found.source}: {len(found.fixed)} fixed, {len(found.not_retested)} not retested"]
    lines += [f"  fixed {_entry_line(e)}" for e in found.fixed]
    lines += [f"  not retested {_entry_line(e)}" for e in found.not_retested]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def baseline_section(run: RunResult) -> str:
    """report.md's "Compared with the baseline": every finding of this run with its mark, then
    the baseline's findings that are fixed or were not tested again; '' without a baseline."""
    found = comparison(run)
    if found is None:
        return ""
    rows: list[tuple[str, ...]] = [
        (MARK_WORDS[found.mark_of(f)], f.id, f.severity, f"{f.method.upper()} {f.path}", f.category, f.title)
        for f in by_severity_and_proof(run.findings)
    ]
    gone = [(MARK_WORDS["fixed"], e) for e in found.fixed]
    gone += [(MARK_WORDS["not_retested"], e) for e in found.not_retested]
    rows += [
        (word, f"{e.id} (baseline)" if e.id else "", e.severity, f"{e.method} {e.path}", e.category, e.title)
        for word, e in gone
    ]
    new = len(found.new(run.findings))
    lines = [
        "## Compared with the baseline",
        "",
        f"Baseline: `{found.source}`. {new} new, {len(run.findings) - new} still there, "
        f"{len(found.fixed)} fixed, {len(found.not_retested)} not retested (absent now, but their "
        "operation or page was not tested again this run, so nothing says they are fixed). "
        "With a baseline, `--fail-on` counts only the new findings.",
        "",
    ]
    if rows:
        lines += ["| mark | id | severity | endpoint | category | title |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c or "—") for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
