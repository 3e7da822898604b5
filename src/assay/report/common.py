"""What every report shares: scenario tallies, finding counts (redaction: assay.domain.redaction)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import SEVERITY_ORDER, Finding
from assay.domain.json import dig
from assay.domain.run import RunResult

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class ScenarioTally:
    passed: int
    failed: int
    errors: int
    blocked: int
    skipped: int

    @property
    def counted(self) -> int:
        """Scenarios that should have passed: everything but deliberate skips."""
        return self.passed + self.failed + self.errors + self.blocked

    @property
    def pass_rate(self) -> float:
        return self.passed / self.counted if self.counted else 0.0

    @property
    def not_executed(self) -> int:
        return self.blocked + self.skipped

    def line(self) -> str:
        """The one sentence of results every output prints (screen, report.md, report.html).

        One denominator everywhere: passing out of the scenarios that should have passed.
        """
        rate = f"{self.pass_rate:.1%}" if self.counted else "n/a"
        text = f"{self.passed}/{self.counted} scenarios passing ({rate} pass rate)"
        if self.not_executed:
            total = self.counted + self.skipped
            text += (
                f"; {total - self.not_executed} of {total} executed, {self.not_executed} not "
                f"({self.blocked} blocked by a failed prerequisite, {self.skipped} skipped)"
            )
        return text


def runs(run: RunResult) -> tuple[ScenarioRun, ...]:
    return run.analysis.runs if run.analysis else ()


def tally(run: RunResult) -> ScenarioTally:
    counts = Counter(r.status for r in runs(run))
    return ScenarioTally(
        counts["passed"], counts["failed"], counts["error"], counts["blocked"], counts["skipped"]
    )


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts: Counter[str] = Counter(f.severity for f in findings)
    return {severity: counts[severity] for severity in SEVERITIES}


def category_counts(findings: Sequence[Finding]) -> dict[str, int]:
    return dict(sorted(Counter(f.category for f in findings).items()))


def requests_sent(run: RunResult) -> int:
    observed = run.observation.requests_sent if run.observation else 0
    return observed + (run.analysis.requests_sent if run.analysis else 0)


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first; ties keep their id order."""
    return sorted(findings, key=lambda f: (-SEVERITY_ORDER[f.severity], f.id))


def observed_status(finding: Finding) -> int | None:
    value = dig(finding.evidence, "response.status")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def operation_of(finding: Finding) -> str:
    return f"{finding.method.upper()} {finding.path}"
