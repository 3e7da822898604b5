"""The state-resetting scenarios: run last of all, alone, and only with ``--destructive``."""

from __future__ import annotations

from assay.agents.analysis.context import AnalysisRun, Evidence
from assay.agents.analysis.execution.runner import RunnerOptions, execute
from assay.domain.analysis import ScenarioRun
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.scenarios import Scenario
from assay.oracles.base import OracleContext
from assay.oracles.merge import merge_findings
from assay.oracles.registry import judge_all


async def reset_phase(
    run: AnalysisRun,
    evidence: Evidence,
    groups: list[list[Scenario]],
    exchanges: list[Exchange],
    findings: list[Finding],
) -> list[Finding]:
    """Run the resetting scenarios alone (with --destructive; else they are listed as not run).

    Only the exchanges up to and including the reset are judged, never replayed (a replay would
    reset again); whatever followed it is kept as evidence but never becomes a finding.
    """
    target, report, api = run.target, evidence.report, run.observation.api
    if not groups:
        return findings
    if target.destructive and (report.target_failure or report.cancelled):
        _skip_all(run, evidence, groups)
        return findings
    resets = await execute(
        groups,
        run.requirements.recipes,
        api,
        target,
        run.transport,
        auth=evidence.auth,
        options=RunnerOptions(reset_phase=target.destructive),
        cancel=run.cancel,
        on_run=run.progress.executed,
    )
    report.runs.extend(resets.runs)
    report.created_ids.update(resets.created_ids)
    exchanges.extend([*resets.exchanges, *resets.after_reset])
    context = OracleContext(
        latency_budget_seconds=target.latency_budget_seconds,
        secrets=evidence.secrets,
        known_ids=frozenset(report.created_ids),
    )
    judged = judge_all(resets.exchanges, api, context)
    return merge_findings([*findings, *judged], evidence.secrets) if judged else findings


def _skip_all(run: AnalysisRun, evidence: Evidence, groups: list[list[Scenario]]) -> None:
    """The run stopped before the resets' turn: each is listed as not run, and reported done."""
    why = "not run: the run stopped before the state resets' turn"
    skipped = [ScenarioRun(g[0].id, "skipped", blocked_by=why) for g in groups]
    evidence.report.runs.extend(skipped)
    for done in skipped:
        run.progress.executed(done)
