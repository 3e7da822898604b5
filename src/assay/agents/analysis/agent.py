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

import asyncio
from dataclasses import dataclass, field, replace

from assay.agents.analysis.api_phase import api_execution, api_groups, in_plan_order, split_resets
from assay.agents.analysis.context import AnalysisRun, Evidence, run_secrets
from assay.agents.analysis.judging import browser_role, final_result, judged, primary_role
from assay.agents.analysis.planning import plan
from assay.agents.analysis.progress import AnalysisProgress
from assay.agents.analysis.reset_phase import reset_phase
from assay.agents.analysis.ui.run import ui_findings
from assay.agents.analysis.ui_security import ui_and_security
from assay.agents.model_session import ModelSession
from assay.agents.progress import ProgressFn, ScenarioFn
from assay.domain.analysis import EXECUTED, AnalysisResult
from assay.domain.crashes import isolated, isolated_async
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.locator_book import LocatorBook
from assay.domain.observation import Observation
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.scenarios import RequirementsResult, Scenario, is_ui
from assay.domain.target import Target
from assay.oracles.merge import merge_findings
from assay.pages.browser import BrowserPort

# Other modules and tests import these roles and the plan-order sort from here.
__all__ = ["AnalysisOutcome", "analyse", "browser_role", "in_plan_order", "primary_role"]


@dataclass
class AnalysisOutcome:
    result: AnalysisResult
    exchanges: list[Exchange]
    findings: list[Finding]
    target_failure: str | None = None
    secrets: tuple[str, ...] = ()  # passwords and tokens used: to redact from every output
    incomplete: list[str] = field(default_factory=list)  # parts that crashed, one line each


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
    model: ModelSession | None = None,
    book: LocatorBook | None = None,
) -> AnalysisOutcome:
    """Plan, optionally execute and judge the scenarios; see the module docstring."""
    api = observation.api
    report_progress = AnalysisProgress(progress, requirements.scenarios, on_scenario)
    planned = await asyncio.to_thread(plan, requirements, api)  # pure: off the event loop
    report_progress(0.1, f"planned {len(requirements.scenarios)} scenarios")
    if not execute or not requirements.scenarios:
        report_progress(1.0, "analysis complete (no execution)")
        crawled = ui_findings(observation, [s for s in requirements.scenarios if is_ui(s)])
        merged = merge_findings(crawled, (), identity=browser_role(target))
        return AnalysisOutcome(result=planned, exchanges=[], findings=merged)
    run = AnalysisRun(
        observation, requirements, planned, target, transport, report_progress, cancel, browser, model, book
    )
    return await _execute_and_judge(run)


async def _execute_and_judge(run: AnalysisRun) -> AnalysisOutcome:
    """Execute the API, UI and security phases, judge what they recorded, then the state resets."""
    sent_before = run.transport.requests_sent
    # Each phase is isolated: a crash in one keeps the others' results (one line in run.crashes).
    groups, reset_groups = split_resets(api_groups(run.planned, run.requirements.scenarios))
    evidence, exchanges = await _gather(run, groups)
    run.progress(0.88, "judging the recorded exchanges")
    findings = await judged(run, evidence, exchanges)
    exchanges.extend(e for r in evidence.families for e in r.exchanges)
    exchanges.extend(
        evidence.report.after_reset
    )  # beside a reset found by its effect: evidence, never judged
    exchanges.extend(evidence.report.learning)  # answers to assay's incomplete bodies: never judged
    findings = await isolated_async(
        "analysis: state resets",
        "the state-resetting scenarios were not run",
        reset_phase(run, evidence, reset_groups, exchanges, findings),
        findings,
        run.crashes,
    )
    return _outcome(run, evidence, exchanges, findings, run.transport.requests_sent - sent_before)


async def _gather(run: AnalysisRun, groups: list[list[Scenario]]) -> tuple[Evidence, list[Exchange]]:
    """Run the API scenarios, then the UI scenarios and the security families; the exchanges to judge."""
    auth_exchanges: list[Exchange] = []
    auth, report = await api_execution(run, groups, auth_exchanges)
    in_plan_order(report, run.requirements.scenarios)
    ui, families = await ui_and_security(run, auth, report)
    exchanges = [*auth_exchanges, *report.exchanges]
    return Evidence(auth, report, families, ui, run_secrets(run.target, auth)), exchanges


def _outcome(
    run: AnalysisRun, evidence: Evidence, exchanges: list[Exchange], findings: list[Finding], sent: int
) -> AnalysisOutcome:
    """The refined result (the planned one if refining crashes) and the run's outcome."""
    run.progress.counters["findings"] = len(findings)
    run.progress.counters["requests"] = sent
    result = isolated(
        "analysis: refining the risk scores",
        "the planned scores are reported unrefined",
        lambda: final_result(run, evidence, findings, sent),
        replace(run.planned, requests_sent=sent),
        run.crashes,
    )
    executed = sum(1 for r in result.runs if r.status in EXECUTED)
    run.progress(1.0, f"executed {executed} of {len(result.runs)} scenarios, {len(findings)} findings")
    run.crashes.extend(r.crash for r in evidence.families if r.crash)
    report = evidence.report
    return AnalysisOutcome(result, exchanges, findings, report.target_failure, evidence.secrets, run.crashes)
