"""Two runs of one target side by side: which findings are new, fixed or still there, and how
the pass rate moved. Findings are matched on their identity (category, method, path), the key
merging already uses, so a finding renumbered between runs is still the same finding."""

from __future__ import annotations

from dataclasses import dataclass

from assay.domain.findings import Finding
from assay.domain.run import RunResult
from assay.report.common import by_severity, tally


@dataclass(frozen=True)
class RunFigures:
    passed: int
    counted: int
    pass_rate: float
    findings: int


@dataclass(frozen=True)
class Comparison:
    new: list[Finding]  # in the later run only
    fixed: list[Finding]  # in the earlier run only
    unchanged: list[tuple[Finding, Finding]]  # (earlier, later)
    before: RunFigures
    after: RunFigures

    @property
    def pass_rate_change(self) -> float:
        return self.after.pass_rate - self.before.pass_rate


def figures(run: RunResult) -> RunFigures:
    counts = tally(run)
    return RunFigures(counts.passed, counts.counted, counts.pass_rate, len(run.findings))


def compare_runs(before: RunResult, after: RunResult) -> Comparison:
    """``after`` against ``before`` (the earlier run)."""
    old = {f.dedup_key: f for f in before.findings}
    new = {f.dedup_key: f for f in after.findings}
    return Comparison(
        new=by_severity([f for key, f in new.items() if key not in old]),
        fixed=by_severity([f for key, f in old.items() if key not in new]),
        unchanged=[(old[f.dedup_key], f) for f in by_severity(list(new.values())) if f.dedup_key in old],
        before=figures(before),
        after=figures(after),
    )
