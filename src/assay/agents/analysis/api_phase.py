"""The API phase: log in, then run the API scenarios' groups in the planned order."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.analysis.context import AnalysisRun
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.runner import ExecutionReport, execute
from assay.agents.analysis.planning import resets_state
from assay.domain.analysis import AnalysisResult
from assay.domain.crashes import isolated_async
from assay.domain.exchanges import Exchange
from assay.domain.scenarios import Scenario, is_ui


def api_groups(planned: AnalysisResult, scenarios: Sequence[Scenario]) -> list[list[Scenario]]:
    """The planned parallel groups of API scenarios (UI scenarios run in their own phase)."""
    by_id = {s.id: s for s in scenarios}
    groups = [
        [by_id[sid] for sid in group if sid in by_id and not is_ui(by_id[sid])]
        for group in planned.execution_strategy.parallel_groups
    ]
    return [g for g in groups if g]


def split_resets(groups: list[list[Scenario]]) -> tuple[list[list[Scenario]], list[list[Scenario]]]:
    """The groups without a state reset, and the resetting scenarios one by one (planned last)."""
    resets = [[s] for g in groups for s in g if resets_state(s)]
    kept = [[s for s in g if not resets_state(s)] for g in groups]
    return [g for g in kept if g], resets


async def api_execution(
    run: AnalysisRun, groups: list[list[Scenario]], auth_exchanges: list[Exchange]
) -> tuple[Authenticator | None, ExecutionReport]:
    """Log in, then run the API scenarios' groups in order; each step isolated."""
    transport, sent_before = run.transport, run.transport.requests_sent
    auth = await isolated_async(
        "analysis: authentication",
        "scenarios ran without credentials and security checks were skipped",
        _authenticate(run, auth_exchanges),
        None,
        run.crashes,
    )
    report = await isolated_async(
        "analysis: API scenario execution",
        "no API scenario results",
        execute(
            groups,
            run.requirements.recipes,
            run.observation.api,
            run.target,
            transport,
            auth=auth,
            cancel=run.cancel,
            on_run=lambda done: run.progress.scenario_done(done, transport.requests_sent - sent_before),
        ),
        ExecutionReport(),
        run.crashes,
    )
    return auth, report


async def _authenticate(run: AnalysisRun, record: list[Exchange]) -> Authenticator | None:
    api = run.observation.api
    auth = Authenticator(api, run.target, run.transport, record=record.append) if api else None
    if (
        auth is not None
        and api is not None
        and (api.auth.kind != "none" or run.target.fixed_headers or run.target.described_login)
    ):
        run.progress(0.1, "authenticating")
        await auth.login()
    return auth


def in_plan_order(report: ExecutionReport, scenarios: Sequence[Scenario]) -> None:
    """Put runs and exchanges in plan order: concurrent scenarios finish in any order.

    The sort is stable, so each scenario's own requests keep the order they were sent in.
    """
    rank = {s.id: index for index, s in enumerate(scenarios)}
    report.runs.sort(key=lambda run: rank.get(run.scenario_id, len(rank)))
    report.exchanges.sort(key=lambda e: rank.get(e.scenario_id or "", -1))
