"""The endpoint status table: missing / returning errors / untested (blocked) / passing / not tested."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import Finding
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario
from assay.report.common import observed_status, operation_of, runs

EndpointStatus = Literal["missing", "broken", "blocked", "passing", "untested"]
ERROR_CATEGORIES = frozenset({"server_error", "spec_drift", "response_schema"})
STATUS_LABELS: dict[str, str] = {
    "missing": "❌ Missing",
    "broken": "❌ Broken",
    "blocked": "⚠️ Untested (blocked)",
    "passing": "✅ Passing",
    "untested": "➖ Not tested",
}


@dataclass(frozen=True)
class EndpointRow:
    operation: str  # "POST /items"
    status: EndpointStatus
    detail: str  # the error, what blocked it, or why it was not tested
    used_by: tuple[str, ...] = ()  # scenario ids
    finding_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # other findings on a passing endpoint


def _operations(run: RunResult) -> list[str]:
    ops: list[str] = []
    if run.observation and run.observation.api:
        ops += [op.key for op in run.observation.api.operations]
    if run.requirements:
        ops += [key for s in run.requirements.scenarios for key in s.operations]
    ops += [operation_of(f) for f in run.findings]
    return list(dict.fromkeys(ops))


def _failed_step(scenario: Scenario, result: ScenarioRun, operation: str) -> str | None:
    """The failure message of the scenario's step that called ``operation``, if it failed."""
    # Negative and convention checks failing say nothing about the endpoint serving valid calls.
    valid = [a for a in scenario.actions if a.request.intent in ("valid", "setup")]
    names = {a.name for a in valid if a.request.operation == operation}
    alone = len(scenario.actions) == 1 and bool(names)
    for step in result.steps:
        if not step.passed and (step.name in names or alone):
            status = f"HTTP {step.status}" if step.status else "failed"
            return f"{status}: {step.message}" if step.message else status
    return None


def _error_detail(finding: Finding) -> str:
    status = observed_status(finding)
    prefix = f"HTTP {status} — " if status else ""
    return f"{prefix}{finding.title}"


def _not_tested_reason(run: RunResult, operation: str) -> str:
    items = run.requirements.coverage.not_covered if run.requirements else ()
    for item in items:
        if item.item == operation or operation in item.item:
            return item.reason or "not covered by any scenario"
    return "no scenario was executed against it"


def endpoint_row(run: RunResult, operation: str) -> EndpointRow:
    """Where one operation stands, with the evidence for it."""
    scenarios = (
        [s for s in run.requirements.scenarios if operation in s.operations] if run.requirements else []
    )
    used_by = tuple(s.id for s in scenarios)
    results = {r.scenario_id: r for r in runs(run)}
    own = [f for f in run.findings if operation_of(f) == operation]
    ids = tuple(f.id for f in own if f.id)
    missing = [f for f in own if f.category == "missing_endpoint"]
    if missing:
        return EndpointRow(operation, "missing", _error_detail(missing[0]), used_by, ids)
    errors = [f for f in own if f.category in ERROR_CATEGORIES]
    failures = [
        m for s in scenarios if s.id in results for m in [_failed_step(s, results[s.id], operation)] if m
    ]
    if errors or failures:
        detail = _error_detail(errors[0]) if errors else failures[0]
        return EndpointRow(operation, "broken", detail, used_by, ids)
    notes = tuple(f"{f.id or f.category}: {f.title}" for f in own)
    if any(results[s.id].status == "passed" for s in scenarios if s.id in results):
        return EndpointRow(operation, "passing", "", used_by, ids, notes)
    blocked = [
        results[s.id].blocked_by for s in scenarios if s.id in results and results[s.id].status == "blocked"
    ]
    if blocked:
        return EndpointRow(
            operation, "blocked", f"blocked by {blocked[0] or 'a failed prerequisite'}", used_by, ids
        )
    # A scenario skipped on purpose (a safety rule, the budget) says why better than coverage does.
    skipped = [
        r.blocked_by for s in scenarios if (r := results.get(s.id)) and r.status == "skipped" and r.blocked_by
    ]
    reason = skipped[0] if skipped else _not_tested_reason(run, operation)
    return EndpointRow(operation, "untested", reason, used_by, ids, notes)


def endpoint_rows(run: RunResult) -> list[EndpointRow]:
    return [endpoint_row(run, op) for op in _operations(run)]


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _used_by(row: EndpointRow) -> str:
    return ", ".join(f"`{s}`" for s in row.used_by) or "—"


def _table(title: str, header: Sequence[str], rows: list[list[str]]) -> list[str]:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(rows_) + " |" for rows_ in rows]
    return [*lines, ""]


def render_endpoint_tables(rows: Sequence[EndpointRow]) -> str:
    """Markdown tables in the shape of an integration-test tracking page, one per status."""
    by: dict[str, list[EndpointRow]] = {}
    for row in rows:
        by.setdefault(row.status, []).append(row)
    out: list[str] = []
    plain = ["Endpoint", "Used By", "Status"]
    for status, title in (
        ("missing", "API Endpoints Not Yet Deployed"),
        ("blocked", "Endpoints Untested (Blocked)"),
    ):
        items = [
            [f"`{r.operation}`", _used_by(r), f"{STATUS_LABELS[status]}: {_cell(r.detail)}"]
            for r in by.get(status, [])
        ]
        out += _table(title, plain, items) if items else []
    broken = [
        [f"`{r.operation}`", _cell(r.detail), _used_by(r), STATUS_LABELS["broken"]]
        for r in by.get("broken", [])
    ]
    out += (
        _table("API Endpoints Returning Errors", ["Endpoint", "Error", "Used By", "Status"], broken)
        if broken
        else []
    )
    passing = [
        [f"`{r.operation}`", _used_by(r), _cell("; ".join(r.notes)) or "—"] for r in by.get("passing", [])
    ]
    out += _table("Endpoints Passing", ["Endpoint", "Used By", "Other findings"], passing) if passing else []
    untested = [[f"`{r.operation}`", _cell(r.detail)] for r in by.get("untested", [])]
    out += _table("Endpoints Not Tested", ["Endpoint", "Reason"], untested) if untested else []
    return "\n".join(out).rstrip("\n") + "\n" if out else "No endpoints were found.\n"
