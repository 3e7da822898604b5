"""What every report shares: secret redaction, scenario tallies, finding counts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import SEVERITY_ORDER, Finding
from assay.domain.json import Json, dig
from assay.domain.run import RunResult

REDACTED = "***"
SEVERITIES = ("critical", "high", "medium", "low", "info")


def _forms(secret: str) -> list[str]:
    """The ways a secret can appear in text: raw, JSON-escaped, URL-encoded."""
    return list(dict.fromkeys([secret, json.dumps(secret)[1:-1], quote(secret, safe="")]))


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret (longest first) replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in _forms(secret):
            text = text.replace(form, REDACTED)
    return text


def redact_json(value: Json, secrets: Sequence[str]) -> Json:
    """Every string (keys too) of a JSON value redacted."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, dict):
        return {redact(k, secrets): redact_json(v, secrets) for k, v in value.items()}
    return value


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
