"""What the dashboard's pages show, built from a finished workflow's results (pure: no I/O).

The service's stored run is already redacted (see ``assay.services.job.redact_run``), so the
evidence, curl lines and test code here carry placeholders, never the secrets given to assay.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assay.domain.findings import Finding
from assay.domain.json import Json, as_list, as_object, as_str
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario
from assay.domain.workflow import StoredTestCase
from assay.report.common import SEVERITIES, by_severity, severity_counts, tally
from assay.report.gherkin import render_feature

# Evidence keys shown in their own blocks; the rest is listed as "more evidence".
_EXCHANGE_KEYS = ("request", "response")
# Where UI evidence names its pictures: a finding's own, and each broken behaviour's before/after.
_SHOT_KEYS = ("screenshot", "screenshot_before", "screenshot_after")


@dataclass(frozen=True)
class Screenshot:
    label: str
    path: str  # on the server's disk; pages link it by index, never by path


@dataclass(frozen=True)
class TestView:
    id: int
    name: str
    file: str
    framework: str
    scenario_id: str
    code: str
    finding_ids: tuple[str, ...]
    last_result: str


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    request: str  # pretty JSON, "" when the finding has no exchange
    response: str
    more_evidence: str
    screenshots: tuple[Screenshot, ...]
    tests: tuple[TestView, ...]  # the generated tests that fail while the fault is there


@dataclass(frozen=True)
class ScenarioView:
    scenario: Scenario
    gherkin: str
    rpn: int | None
    priority: str
    tier: str
    result: str  # passed, failed, error, blocked, skipped, or "not run"
    finding_ids: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    findings: int
    by_severity: dict[str, int]
    passed: int
    counted: int
    pass_rate: float
    not_run: int
    scenarios: int
    tests: int


@dataclass(frozen=True)
class StageLink:
    """One stage of the chain observation → … → evolution and the workflow that ran it."""

    stage: str
    workflow_id: str | None
    status: str = ""
    here: bool = False


@dataclass
class Chain:
    stages: list[StageLink] = field(default_factory=list)
    next_stage: str | None = None  # the stage a completed workflow can be continued with


def pretty(value: Json) -> str:
    """JSON as a reader scans it: indented, keys in their order, non-ASCII kept."""
    if value is None or value == {} or value == []:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def screenshots(finding: Finding) -> tuple[Screenshot, ...]:
    """Every picture a UI finding's evidence names, in order, each path once."""
    found: dict[str, str] = {}
    records = [finding.evidence, *(as_object(b) for b in as_list(finding.evidence.get("behaviours")))]
    for number, record in enumerate(records):
        for key in _SHOT_KEYS:
            path = as_str(record.get(key))
            if path and path not in found:
                which = key.removeprefix("screenshot").strip("_") or "page"
                found[path] = f"{which} (behaviour {number})" if number else which
    return tuple(Screenshot(label, path) for path, label in found.items())


def _without_shots(value: Json) -> Json:
    """``value`` without its screenshot paths: the page shows the pictures, not where they lie."""
    if isinstance(value, dict):
        return {k: _without_shots(v) for k, v in value.items() if k not in _SHOT_KEYS}
    if isinstance(value, list):
        return [_without_shots(v) for v in value]
    return value


def finding_view(finding: Finding, tests: Sequence[TestView]) -> FindingView:
    evidence = finding.evidence
    rest = _without_shots({k: v for k, v in evidence.items() if k not in _EXCHANGE_KEYS})
    return FindingView(
        finding=finding,
        request=pretty(evidence.get("request")),
        response=pretty(evidence.get("response")),
        more_evidence=pretty(rest),
        screenshots=screenshots(finding),
        tests=tuple(t for t in tests if finding.id and finding.id in t.finding_ids),
    )


def finding_views(run: RunResult, tests: Sequence[TestView]) -> list[FindingView]:
    return [finding_view(f, tests) for f in by_severity(run.findings)]


def scenario_views(run: RunResult) -> list[ScenarioView]:
    """Each scenario with its Gherkin, risk (RPN), the tier that executed it and its result."""
    if run.requirements is None:
        return []
    analysis = run.analysis
    risks = {r.scenario_id: r for r in analysis.risk_scores} if analysis else {}
    tiers = {e.scenario_id: e.tier_used for e in analysis.execution_success} if analysis else {}
    results = {r.scenario_id: r.status for r in analysis.runs} if analysis else {}
    findings: dict[str, list[str]] = {}
    for finding in run.findings:
        if finding.scenario_id:
            findings.setdefault(finding.scenario_id, []).append(finding.id)
    views = []
    for scenario in run.requirements.scenarios:
        risk = risks.get(scenario.id)
        views.append(
            ScenarioView(
                scenario=scenario,
                gherkin=render_feature(scenario.feature, [scenario]),
                rpn=risk.rpn if risk else None,
                priority=risk.priority if risk else "",
                tier=tiers.get(scenario.id, ""),
                result=results.get(scenario.id, "not run"),
                finding_ids=tuple(findings.get(scenario.id, ())),
            )
        )
    # Riskiest first, as the analysis orders its work.
    return sorted(views, key=lambda v: (-(v.rpn or 0), v.scenario.id))


def test_view(stored: StoredTestCase) -> TestView:
    case, last = stored.case, stored.last_result or {}
    return TestView(
        id=stored.id,
        name=case.name,
        file=case.file,
        framework=case.framework,
        scenario_id=case.scenario_id,
        code=case.code,
        finding_ids=case.finding_ids,
        last_result=as_str(last.get("status")),
    )


def summary(run: RunResult, tests: int) -> Summary:
    counts = tally(run)
    scenarios = len(run.requirements.scenarios) if run.requirements else 0
    return Summary(
        findings=len(run.findings),
        by_severity=severity_counts(run.findings),
        passed=counts.passed,
        counted=counts.counted,
        pass_rate=counts.pass_rate,
        not_run=max(0, scenarios - counts.counted - counts.skipped) + counts.skipped,
        scenarios=scenarios,
        tests=tests,
    )


def result_counts(views: Iterable[ScenarioView]) -> dict[str, int]:
    return dict(Counter(v.result for v in views).most_common())


__all__ = [
    "SEVERITIES",
    "Chain",
    "FindingView",
    "ScenarioView",
    "StageLink",
    "Summary",
    "TestView",
    "finding_views",
    "scenario_views",
    "summary",
    "test_view",
]
