"""Judging the recorded exchanges, replaying single-exchange findings, merging, and the final result."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial

from assay.agents.analysis.context import AnalysisRun, Evidence
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.fresh_values import templates_by_operation
from assay.agents.analysis.planning import refine
from assay.agents.analysis.replay import check_flaky
from assay.agents.analysis.resample import resample_slow
from assay.agents.analysis.security.base import FamilyReport
from assay.domain.analysis import AnalysisResult, ExecutionSuccess, Reliability, ScenarioRun
from assay.domain.crashes import isolated, isolated_async
from assay.domain.exchanges import Exchange
from assay.domain.findings import ANONYMOUS, Finding
from assay.domain.operations import ApiModel
from assay.domain.scenarios import RequestSpec
from assay.domain.target import Target
from assay.oracles.base import OracleContext
from assay.oracles.information_disclosure import is_banner_finding, judge_disclosure
from assay.oracles.merge import merge_findings
from assay.oracles.registry import judge_all


async def judged(run: AnalysisRun, evidence: Evidence, exchanges: list[Exchange]) -> list[Finding]:
    """The judged findings; when judging itself crashes, the families' and pages' findings still count."""
    templates = templates_by_operation(run.requirements)
    others = [*(f for r in evidence.families for f in r.findings), *evidence.ui.findings]
    return await isolated_async(
        "analysis: judging",
        "HTTP findings were not judged; security and page findings are kept unmerged",
        _findings(run, evidence, exchanges, templates),
        others,
        run.crashes,
    )


async def _findings(
    run: AnalysisRun,
    evidence: Evidence,
    exchanges: list[Exchange],
    templates: Mapping[str, Sequence[RequestSpec]],
) -> list[Finding]:
    target, report, families = run.target, evidence.report, evidence.families
    context = OracleContext(
        latency_budget_seconds=target.latency_budget_seconds,
        secrets=evidence.secrets,
        scenario_severities={r.scenario_id: r.severity for r in run.planned.risk_scores},
        known_ids=frozenset(report.created_ids),
    )
    api = run.observation.api
    can_replay = report.target_failure is None and not report.cancelled
    if can_replay:  # a slow answer sampled once is sampled again before it is judged
        exchanges.extend(await resample_slow(exchanges, run.transport, target.latency_budget_seconds))
    recorded = [*exchanges, *(e for r in families for e in r.exchanges)]
    judged = await asyncio.to_thread(_judge, exchanges, recorded, families, api, context, run.crashes)
    checked = await check_flaky(judged, recorded, target, run.transport, templates) if can_replay else judged
    exchanges.extend(e for e in recorded[len(exchanges) :] if e.intent == "replay")
    crawled = [replace(f, identity=f.identity or browser_role(target)) for f in evidence.ui.findings]
    return merge_findings([*checked, *crawled], evidence.secrets, identity=primary_role(evidence.auth))


def _judge(
    exchanges: Sequence[Exchange],
    recorded: Sequence[Exchange],
    families: Sequence[FamilyReport],
    api: ApiModel | None,
    context: OracleContext,
    crashes: list[str],
) -> list[Finding]:
    """Every oracle over the recorded exchanges: pure CPU work, run off the event loop."""
    return [*judge_all(exchanges, api, context, crashes), *every_answer(recorded, families, context, crashes)]


def every_answer(
    recorded: Sequence[Exchange],
    families: Sequence[FamilyReport],
    context: OracleContext,
    crashes: list[str],
) -> list[Finding]:
    """The families' findings, plus banners and stack traces judged on every answer of the run.

    A scenario's answer shows a debug trace or a version banner as well as the disclosure
    family's own probes do; the banner is one finding for the target, judged here over all of
    them, so the family's own banner finding (over its probes only) gives way to it.
    """
    judge = partial(judge_disclosure, recorded, context)
    fallback: list[Finding] = []
    disclosed = isolated(
        "oracle information_disclosure", "no banners or traces judged", judge, fallback, crashes
    )
    replaced = any(is_banner_finding(f) for f in disclosed)
    own = [f for r in families for f in r.findings if not (replaced and is_banner_finding(f))]
    return [*own, *disclosed]


def browser_role(target: Target) -> str:
    """Who the browser is: signed in with the first credentials when given, else nobody."""
    return target.credentials[0].role if target.credentials else ANONYMOUS


def primary_role(auth: Authenticator | None) -> str:
    """The role of the run's own identity: the one the scenarios are sent as."""
    if auth is None or not auth.session.authenticated:
        return ANONYMOUS
    return auth.identity.role if auth.identity is not None else "user"


def _reliability(run: ScenarioRun, exchanges: Sequence[Exchange], flaky: set[str]) -> Reliability:
    if run.scenario_id in flaky:
        return "low"
    own = [e for e in exchanges if e.scenario_id == run.scenario_id and e.intent != "replay"]
    return "medium" if any(e.retried or e.error for e in own) else "high"


def final_result(
    run: AnalysisRun, evidence: Evidence, findings: Sequence[Finding], requests: int
) -> AnalysisResult:
    """The planned result refined by what happened: success rates, reliability, runs and requests."""
    report, ui = evidence.report, evidence.ui
    executed = [r for r in report.runs if r.status in {"passed", "failed", "error"}]
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
    refined = refine(run.planned, run.requirements, run.observation.api, outcomes)
    return replace(
        refined,
        execution_success=(*success, *ui.success),
        runs=(*report.runs, *ui.runs),
        requests_sent=requests,
        budget_exhausted=report.budget_exhausted,
        family_requests={r.family: r.requests for r in evidence.families},
        families_out_of_time=tuple(r.family for r in evidence.families if r.out_of_time),
        learned_bodies=report.learned_bodies,
    )
