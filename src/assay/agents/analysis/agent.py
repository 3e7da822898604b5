"""The Analysis agent: risk-based planning, real execution over HTTP, and findings.

1. Plan (pure): RPN, business value, ROI, time, dependencies, order and strategy.
2. Execute (when asked): authenticate, run the strategy's groups in order, critical first,
   within the time budget.
3. Judge: the oracles read the recorded exchanges (in plan order, whatever order concurrent
   scenarios finished in); each finding judged from a single exchange is replayed alone on a
   fresh connection (see ``replay.py``), and one that does not reproduce is ``flaky``; then
   findings are merged, each with its proof and the identity that showed it.
4. Refine: risk scores of executed scenarios are updated from what actually happened.

Scenarios that reset the application's state run last of all (after the UI scenarios, the
security families and the replays), alone, and only with ``--destructive``; without it they are
listed as not run, with the reason. What follows assay's own reset is never judged.

Never raises for target trouble: a dead target is reported in ``AnalysisOutcome.target_failure``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.runner import ExecutionReport, RunnerOptions, execute
from assay.agents.analysis.fresh_values import templates_by_operation
from assay.agents.analysis.planning import plan, refine, resets_state
from assay.agents.analysis.replay import check_flaky
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.analysis.security.registry import default_families
from assay.agents.analysis.ui.run import UiOutcome, analyse_ui, ui_findings
from assay.agents.progress import ProgressFn, ScenarioFn
from assay.domain.analysis import AnalysisResult, ExecutionSuccess, Reliability, ScenarioRun
from assay.domain.crashes import isolated, isolated_async
from assay.domain.events import ScenarioExecuted
from assay.domain.exchanges import Exchange
from assay.domain.findings import ANONYMOUS, Finding
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.scenarios import RequestSpec, RequirementsResult, Scenario, is_ui
from assay.domain.target import Target
from assay.oracles.base import OracleContext
from assay.oracles.merge import merge_findings
from assay.oracles.registry import judge_all
from assay.pages.browser import BrowserPort


@dataclass
class AnalysisOutcome:
    result: AnalysisResult
    exchanges: list[Exchange]
    findings: list[Finding]
    target_failure: str | None = None
    secrets: tuple[str, ...] = ()  # passwords and tokens used: to redact from every output
    incomplete: list[str] = field(default_factory=list)  # parts that crashed, one line each


class _Progress:
    """Counts what the UI shows and forwards it, with one ``ScenarioExecuted`` per scenario."""

    def __init__(
        self, fn: ProgressFn | None, scenarios: Sequence[Scenario], on_scenario: ScenarioFn | None = None
    ) -> None:
        self.fn = fn
        self.total = max(len(scenarios), 1)
        self.counters = {"scenarios": 0, "requests": 0, "findings": 0}
        self.on_scenario = on_scenario
        self.scenarios = {s.id: s for s in scenarios}

    def __call__(self, fraction: float, message: str) -> None:
        if self.fn is not None:
            self.fn(round(min(max(fraction, 0.0), 1.0), 3), message, dict(self.counters))

    def scenario_done(self, run: ScenarioRun, requests: int) -> None:
        self.counters["scenarios"] += 1
        self.counters["requests"] = requests
        done = self.counters["scenarios"] / self.total
        self(0.1 + 0.75 * done, f"{run.scenario_id}: {run.status}")
        self.executed(run)

    def executed(self, run: ScenarioRun) -> None:
        """Tell ``on_scenario`` that ``run``'s scenario is done (the reset phase calls only this)."""
        if self.on_scenario is None:
            return
        scenario = self.scenarios.get(run.scenario_id)
        self.on_scenario(
            ScenarioExecuted(
                scenario_id=run.scenario_id,
                name=scenario.title if scenario is not None else "",
                kind="ui" if scenario is not None and is_ui(scenario) else "api",
                status=run.status,
                duration_seconds=run.duration_seconds,
                passed_steps=run.passed_steps,
                total_steps=run.total_steps,
            )
        )


async def analyse(
    observation: Observation,
    requirements: RequirementsResult,
    target: Target,
    transport: HttpTransport,
    *,
    execute: bool = True,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    browser: BrowserPort | None = None,
    on_scenario: ScenarioFn | None = None,
) -> AnalysisOutcome:
    """Plan, optionally execute and judge the scenarios; see the module docstring."""
    api = observation.api
    report_progress = _Progress(progress, requirements.scenarios, on_scenario)
    planned = plan(requirements, api)
    report_progress(0.1, f"planned {len(requirements.scenarios)} scenarios")
    if not execute or not requirements.scenarios:
        report_progress(1.0, "analysis complete (no execution)")
        crawled = ui_findings(observation, [s for s in requirements.scenarios if is_ui(s)])
        merged = merge_findings(crawled, (), identity=browser_role(target))
        return AnalysisOutcome(result=planned, exchanges=[], findings=merged)
    return await _execute_and_judge(
        planned, requirements, observation, target, transport, report_progress, cancel, browser
    )


async def _execute_and_judge(
    planned: AnalysisResult,
    requirements: RequirementsResult,
    observation: Observation,
    target: Target,
    transport: HttpTransport,
    report_progress: _Progress,
    cancel: CancelToken | None,
    browser: BrowserPort | None,
) -> AnalysisOutcome:
    api, sent_before = observation.api, transport.requests_sent
    crashes: list[str] = []  # each sub-part is isolated: a crash in one keeps the others' results
    auth_exchanges: list[Exchange] = []
    groups, reset_groups = _split_resets(_groups(planned, requirements.scenarios))
    auth, report = await _api_execution(
        groups, requirements, api, target, transport, auth_exchanges, report_progress, cancel, crashes
    )
    in_plan_order(report, requirements.scenarios)
    ui, families = await _ui_and_security(
        observation,
        planned,
        requirements,
        target,
        transport,
        auth,
        report,
        report_progress,
        cancel,
        crashes,
        browser,
    )
    exchanges = [*auth_exchanges, *report.exchanges]
    # The run's password for the accounts it registers is a secret like any given one.
    own = (*(s for c in target.credentials for s in c.secrets), target.ledger.password)
    secrets = (*auth.secrets, *own) if auth else own
    report_progress(0.88, "judging the recorded exchanges")
    findings = await _judged(
        exchanges, api, target, transport, report, planned, secrets, families, ui, crashes,
        auth=auth, templates=templates_by_operation(requirements),
    )  # fmt: skip
    exchanges.extend(e for r in families for e in r.exchanges)
    exchanges.extend(report.after_reset)  # beside a reset found by its effect: evidence, never judged
    findings = await isolated_async(
        "analysis: state resets",
        "the state-resetting scenarios were not run",
        _reset_phase(
            reset_groups,
            requirements,
            api,
            target,
            transport,
            auth,
            report,
            exchanges,
            findings,
            secrets,
            cancel,
            report_progress.executed,
        ),
        findings,
        crashes,
    )
    sent = transport.requests_sent - sent_before
    report_progress.counters["findings"] = len(findings)
    report_progress.counters["requests"] = sent
    result = isolated(
        "analysis: refining the risk scores",
        "the planned scores are reported unrefined",
        lambda: _final_result(planned, requirements, api, report, findings, sent, families, ui),
        replace(planned, requests_sent=sent),
        crashes,
    )
    report_progress(1.0, f"executed {len(report.runs)} scenarios, {len(findings)} findings")
    crashes.extend(r.crash for r in families if r.crash)
    return AnalysisOutcome(result, exchanges, findings, report.target_failure, secrets, crashes)


async def _api_execution(
    groups: list[list[Scenario]],
    requirements: RequirementsResult,
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    auth_exchanges: list[Exchange],
    report_progress: _Progress,
    cancel: CancelToken | None,
    crashes: list[str],
) -> tuple[Authenticator | None, ExecutionReport]:
    """Log in, then run the API scenarios' groups in order; each step isolated."""
    sent_before = transport.requests_sent
    auth = await isolated_async(
        "analysis: authentication",
        "scenarios ran without credentials and security checks were skipped",
        _authenticate(api, target, transport, auth_exchanges, report_progress),
        None,
        crashes,
    )
    report = await isolated_async(
        "analysis: API scenario execution",
        "no API scenario results",
        execute(
            groups,
            requirements.recipes,
            api,
            target,
            transport,
            auth=auth,
            cancel=cancel,
            on_run=lambda run: report_progress.scenario_done(run, transport.requests_sent - sent_before),
        ),
        ExecutionReport(),
        crashes,
    )
    return auth, report


async def _ui_and_security(
    observation: Observation,
    planned: AnalysisResult,
    requirements: RequirementsResult,
    target: Target,
    transport: HttpTransport,
    auth: Authenticator | None,
    report: ExecutionReport,
    report_progress: _Progress,
    cancel: CancelToken | None,
    crashes: list[str],
    browser: BrowserPort | None,
) -> tuple[UiOutcome, list[FamilyReport]]:
    """The browser scenarios and the security families, each isolated from the other."""
    ui = await isolated_async(
        "analysis: UI execution",
        "UI scenarios and page findings were skipped",
        _ui(observation, planned, requirements, target, report_progress, cancel, report, browser),
        UiOutcome(),
        crashes,
    )
    families = await isolated_async(
        "analysis: security checks",
        "the security families were skipped",
        _security(observation.api, target, transport, requirements, auth, report, report_progress, cancel),
        [],
        crashes,
    )
    return ui, families


async def _judged(
    exchanges: list[Exchange],
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    report: ExecutionReport,
    planned: AnalysisResult,
    secrets: tuple[str, ...],
    families: Sequence[FamilyReport],
    ui: UiOutcome,
    crashes: list[str],
    *,
    auth: Authenticator | None = None,
    templates: Mapping[str, Sequence[RequestSpec]] | None = None,
) -> list[Finding]:
    """The judged findings; when judging itself crashes, the families' and pages' findings still count."""
    others = [*(f for r in families for f in r.findings), *ui.findings]
    return await isolated_async(
        "analysis: judging",
        "HTTP findings were not judged; security and page findings are kept unmerged",
        _findings(
            exchanges,
            api,
            target,
            transport,
            report,
            planned,
            secrets,
            families,
            ui,
            auth,
            templates=templates,
            crashes=crashes,
        ),
        others,
        crashes,
    )


async def _authenticate(
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    record: list[Exchange],
    report_progress: _Progress,
) -> Authenticator | None:
    auth = Authenticator(api, target, transport, record=record.append) if api else None
    if auth is not None and api is not None and api.auth.kind != "none":
        report_progress(0.1, "authenticating")
        await auth.login()
    return auth


async def _ui(
    observation: Observation,
    planned: AnalysisResult,
    requirements: RequirementsResult,
    target: Target,
    report_progress: _Progress,
    cancel: CancelToken | None,
    report: ExecutionReport,
    browser: BrowserPort | None,
) -> UiOutcome:
    """Run the UI scenarios in Chromium (in the planned order) and judge the crawled pages."""
    by_id = {s.id: s for s in requirements.scenarios if is_ui(s)}
    order = [
        by_id[sid] for group in planned.execution_strategy.parallel_groups for sid in group if sid in by_id
    ]
    if order and not (report.cancelled or report.target_failure):
        report_progress(0.8, f"running {len(order)} UI scenarios in Chromium")
    else:
        order = []
    outcome = await analyse_ui(
        observation,
        order,
        target,
        browser,
        cancel=cancel,
        on_run=lambda run: report_progress.scenario_done(run, 0),
    )
    # Browser workers finish in any order: results are kept in plan order.
    rank = {s.id: index for index, s in enumerate(order)}
    outcome.runs.sort(key=lambda run: rank.get(run.scenario_id, len(rank)))
    outcome.success.sort(key=lambda s: rank.get(s.scenario_id, len(rank)))
    return outcome


async def _security(
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    requirements: RequirementsResult,
    auth: Authenticator | None,
    report: ExecutionReport,
    report_progress: _Progress,
    cancel: CancelToken | None,
) -> list[FamilyReport]:
    """Run the security families after the scenarios, within a second time budget of the same size."""
    if api is None or auth is None or report.target_failure or report.cancelled:
        return []
    report_progress(0.86, "security checks: identities, authorization, attacks")
    recipes = {r.name: r for r in requirements.recipes}
    deadline = time.monotonic() + target.budget_seconds
    ctx = SecurityContext(api, target, transport, recipes, auth, deadline, cancel, target.destructive)
    ctx.resets = frozenset(report.resets_by_effect)
    return await run_families(ctx, default_families())


def _split_resets(groups: list[list[Scenario]]) -> tuple[list[list[Scenario]], list[list[Scenario]]]:
    """The groups without a state reset, and the resetting scenarios one by one (planned last)."""
    resets = [[s] for g in groups for s in g if resets_state(s)]
    kept = [[s for s in g if not resets_state(s)] for g in groups]
    return [g for g in kept if g], resets


async def _reset_phase(
    groups: list[list[Scenario]],
    requirements: RequirementsResult,
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    auth: Authenticator | None,
    report: ExecutionReport,
    exchanges: list[Exchange],
    findings: list[Finding],
    secrets: tuple[str, ...],
    cancel: CancelToken | None,
    on_run: Callable[[ScenarioRun], None],
) -> list[Finding]:
    """Run the resetting scenarios alone (with --destructive; else they are listed as not run).

    Only the exchanges up to and including the reset are judged, never replayed (a replay would
    reset again); whatever followed it is kept as evidence but never becomes a finding.
    """
    if not groups:
        return findings
    if target.destructive and (report.target_failure or report.cancelled):
        why = "not run: the run stopped before the state resets' turn"
        skipped = [ScenarioRun(g[0].id, "skipped", blocked_by=why) for g in groups]
        report.runs.extend(skipped)
        for run in skipped:
            on_run(run)
        return findings
    options = RunnerOptions(reset_phase=target.destructive)
    resets = await execute(
        groups,
        requirements.recipes,
        api,
        target,
        transport,
        auth=auth,
        options=options,
        cancel=cancel,
        on_run=on_run,
    )
    report.runs.extend(resets.runs)
    report.created_ids.update(resets.created_ids)
    exchanges.extend([*resets.exchanges, *resets.after_reset])
    context = OracleContext(
        latency_budget_seconds=target.latency_budget_seconds,
        secrets=secrets,
        known_ids=frozenset(report.created_ids),
    )
    judged = judge_all(resets.exchanges, api, context)
    return merge_findings([*findings, *judged], secrets) if judged else findings


def _groups(planned: AnalysisResult, scenarios: Sequence[Scenario]) -> list[list[Scenario]]:
    by_id = {s.id: s for s in scenarios}
    groups = [
        [by_id[sid] for sid in group if sid in by_id and not is_ui(by_id[sid])]
        for group in planned.execution_strategy.parallel_groups
    ]
    return [g for g in groups if g]


async def _findings(
    exchanges: list[Exchange],
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    report: ExecutionReport,
    planned: AnalysisResult,
    secrets: tuple[str, ...],
    families: Sequence[FamilyReport] = (),
    ui: UiOutcome | None = None,
    auth: Authenticator | None = None,
    *,
    templates: Mapping[str, Sequence[RequestSpec]] | None = None,
    crashes: list[str] | None = None,
) -> list[Finding]:
    context = OracleContext(
        latency_budget_seconds=target.latency_budget_seconds,
        secrets=secrets,
        scenario_severities={r.scenario_id: r.severity for r in planned.risk_scores},
        known_ids=frozenset(report.created_ids),
    )
    judged = [*judge_all(exchanges, api, context, crashes), *(f for r in families for f in r.findings)]
    can_replay = report.target_failure is None and not report.cancelled
    recorded = [*exchanges, *(e for r in families for e in r.exchanges)]
    checked = await check_flaky(judged, recorded, target, transport, templates) if can_replay else judged
    exchanges.extend(e for e in recorded[len(exchanges) :] if e.intent == "replay")
    crawled = [replace(f, identity=f.identity or browser_role(target)) for f in (ui.findings if ui else [])]
    return merge_findings([*checked, *crawled], secrets, identity=primary_role(auth))


def browser_role(target: Target) -> str:
    """Who the browser is: signed in with the first credentials when given, else nobody."""
    return target.credentials[0].role if target.credentials else ANONYMOUS


def primary_role(auth: Authenticator | None) -> str:
    """The role of the run's own identity: the one the scenarios are sent as."""
    if auth is None or not auth.session.authenticated:
        return ANONYMOUS
    return auth.identity.role if auth.identity is not None else "user"


def in_plan_order(report: ExecutionReport, scenarios: Sequence[Scenario]) -> None:
    """Put runs and exchanges in plan order: concurrent scenarios finish in any order.

    The sort is stable, so each scenario's own requests keep the order they were sent in.
    """
    rank = {s.id: index for index, s in enumerate(scenarios)}
    report.runs.sort(key=lambda run: rank.get(run.scenario_id, len(rank)))
    report.exchanges.sort(key=lambda e: rank.get(e.scenario_id or "", -1))


def _reliability(run: ScenarioRun, exchanges: Sequence[Exchange], flaky: set[str]) -> Reliability:
    if run.scenario_id in flaky:
        return "low"
    own = [e for e in exchanges if e.scenario_id == run.scenario_id and e.intent != "replay"]
    return "medium" if any(e.retried or e.error for e in own) else "high"


def _final_result(
    planned: AnalysisResult,
    requirements: RequirementsResult,
    api: ApiModel | None,
    report: ExecutionReport,
    findings: Sequence[Finding],
    requests: int,
    families: Sequence[FamilyReport] = (),
    ui: UiOutcome | None = None,
) -> AnalysisResult:
    executed = [r for r in report.runs if r.status in {"passed", "failed", "error"}]
    ui = ui or UiOutcome()
    flaky = {f.scenario_id for f in findings if f.flaky and f.scenario_id}
    success = tuple(
        ExecutionSuccess(
            scenario_id=r.scenario_id,
            success_rate=round(r.passed_steps / r.total_steps, 3) if r.total_steps else 0.0,
            passed_steps=r.passed_steps,
            total_steps=r.total_steps,
            tier_used="tier1",
            reliability=_reliability(r, report.exchanges, flaky),
            source="real_time_execution",
        )
        for r in executed
    )
    outcomes = {r.scenario_id: r.status == "passed" for r in [*executed, *ui.runs] if r.status != "skipped"}
    refined = refine(planned, requirements, api, outcomes)
    return replace(
        refined,
        execution_success=(*success, *ui.success),
        runs=(*report.runs, *ui.runs),
        requests_sent=requests,
        budget_exhausted=report.budget_exhausted,
        family_requests={r.family: r.requests for r in families},
    )
