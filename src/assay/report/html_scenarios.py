"""report.html's scenarios: every planned scenario with its risk (RPN and its parts), the tier
that executed it and what happened, one row each, filterable by result."""

from __future__ import annotations

from assay.domain.analysis import ScenarioRun
from assay.domain.run import RunResult
from assay.report.common import runs
from assay.report.html_markup import Html, attrs, join, section, slug, tag
from assay.report.trust import limited_run, own_limitation

NOT_RUN = "not run"
_HEADER = (
    "Scenario",
    "Section",
    "Title",
    "RPN",
    "S × O × D",
    "Priority",
    "Tier",
    "Result",
    "Steps",
    "Details",
)


def run_detail(run: RunResult, result: ScenarioRun) -> tuple[str, str]:
    """(status label, why) for one scenario's row."""
    limit = limited_run(run, result) if result.status == "failed" else None
    if limit or (result.status in ("blocked", "skipped") and own_limitation(result.blocked_by)):
        return "not run: assay's own limits", limit or result.blocked_by or ""
    if result.status in ("blocked", "skipped"):
        return result.status, result.blocked_by or ""
    failed = [s for s in result.steps if not s.passed]
    tied = [f.id or f.title for f in run.findings if f.scenario_id == result.scenario_id]
    why = ""
    if failed:
        status = f"HTTP {failed[0].status}: " if failed[0].status else ""
        why = f"{failed[0].name}: {status}{failed[0].message}"
    if tied and result.status != "passed":
        why += f" (findings: {', '.join(tied)})"
    return result.status, why


def _ids(run: RunResult) -> list[str]:
    planned = [s.id for s in run.requirements.scenarios] if run.requirements else []
    return list(dict.fromkeys([*planned, *(r.scenario_id for r in runs(run))]))


def _row(run: RunResult, sid: str) -> Html:
    scenario = run.requirements.scenario(sid) if run.requirements else None
    analysis = run.analysis
    risk = next((r for r in analysis.risk_scores if r.scenario_id == sid), None) if analysis else None
    success = (
        next((s for s in analysis.execution_success if s.scenario_id == sid), None) if analysis else None
    )
    result = next((r for r in runs(run) if r.scenario_id == sid), None)
    label, why = run_detail(run, result) if result else (NOT_RUN, "not executed in this run")
    status = result.status if result else NOT_RUN
    cells: list[object] = [
        tag("code", sid),
        scenario.feature if scenario else "Other",
        scenario.title if scenario else "",
        risk.rpn if risk else "—",
        f"{risk.severity} × {risk.occurrence} × {risk.detection}" if risk else "—",
        risk.priority if risk else "—",
        success.tier_used if success else "—",
        tag("span", label, slug(status)),
        f"{result.passed_steps}/{result.total_steps}" if result else "—",
        why,
    ]
    row = attrs(id=f"scenario-{slug(sid)}", data_filter="scenarios", data_status=status)
    return Html(f"<tr{row}>{join(tag('td', c) for c in cells)}</tr>")


def scenarios_section(run: RunResult) -> Html:
    ids = _ids(run)
    if not ids:
        return section(
            "Scenarios and Results",
            tag("p", "No scenario was executed (execution was off or the run stopped early)."),
            anchor="scenarios",
        )
    head = join(tag("th", h, scope="col") for h in _HEADER)
    body = join(_row(run, sid) for sid in ids)
    intro = tag(
        "p",
        f"{len(ids)} scenario(s) planned, {len(runs(run))} with a result. "
        "RPN = severity × occurrence × detection (each 1-10); the tier is how the steps were driven "
        "(tier1: direct HTTP or stored locators, "
        "tier2: healed locators, tier3: AI).",
    )
    table = Html(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return section("Scenarios and Results", intro, table, anchor="scenarios")
