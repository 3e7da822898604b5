"""The browser phase and the security families, run after the API scenarios, each isolated."""

from __future__ import annotations

from assay.agents import run_clock
from assay.agents.analysis.context import AnalysisRun
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.report import ExecutionReport
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.analysis.security.registry import default_families
from assay.agents.analysis.security.web import WebContext, run_web_families, web_context, web_families
from assay.agents.analysis.ui.run import UiOutcome, analyse_ui
from assay.domain.crashes import isolated_async
from assay.domain.focus import is_focused
from assay.domain.operations import ApiModel
from assay.domain.scenarios import FUNCTIONAL_KINDS, is_ui


async def ui_and_security(
    run: AnalysisRun, auth: Authenticator | None, report: ExecutionReport
) -> tuple[UiOutcome, list[FamilyReport]]:
    """The browser scenarios and the security families, each isolated from the other."""
    ui = await isolated_async(
        "analysis: UI execution",
        "UI scenarios and page findings were skipped",
        _ui(run, report),
        UiOutcome(),
        run.crashes,
    )
    families = await isolated_async(
        "analysis: security checks",
        "the security families were skipped",
        _security(run, auth, report),
        [],
        run.crashes,
    )
    return ui, families


async def _ui(run: AnalysisRun, report: ExecutionReport) -> UiOutcome:
    """Run the UI scenarios in Chromium (in the planned order) and judge the crawled pages."""
    by_id = {s.id: s for s in run.requirements.scenarios if is_ui(s)}
    groups = run.planned.execution_strategy.parallel_groups
    order = [by_id[sid] for group in groups for sid in group if sid in by_id]
    # What the instruction asked for, then what the pages are for, run first: a budget that runs
    # out cuts the generic page checks, not those (the sort is stable: plan order within each).
    order.sort(key=lambda s: (not is_focused(s), s.kind not in FUNCTIONAL_KINDS))
    if order and not (report.cancelled or report.target_failure):
        run.progress(0.8, f"running {len(order)} UI scenarios in Chromium")
    else:
        order = []
    outcome = await analyse_ui(
        run.observation,
        order,
        run.target,
        run.browser,
        cancel=run.cancel,
        on_run=lambda done: run.progress.scenario_done(done, 0),
        model=run.model,
        book=run.book,
    )
    # Browser workers finish in any order: results are kept in plan order.
    rank = {s.id: index for index, s in enumerate(order)}
    outcome.runs.sort(key=lambda done: rank.get(done.scenario_id, len(rank)))
    outcome.success.sort(key=lambda s: rank.get(s.scenario_id, len(rank)))
    return outcome


async def _security(
    run: AnalysisRun, auth: Authenticator | None, report: ExecutionReport
) -> list[FamilyReport]:
    """Run the security families after the scenarios, within a second time budget of the same size:
    the API families when there is an API model, then the web families on the crawled pages."""
    api, target = run.observation.api, run.target
    if report.target_failure or report.cancelled:
        return []
    deadline = run_clock.charged() + target.budget_seconds
    reports: list[FamilyReport] = []
    if api is not None and auth is not None:
        run.progress(0.86, "security checks: identities, authorization, attacks")
        recipes = {r.name: r for r in run.requirements.recipes}
        ctx = SecurityContext(
            api, target, run.transport, recipes, auth, deadline, run.cancel, target.destructive
        )
        ctx.resets = frozenset(report.resets_by_effect)
        reports = await run_families(ctx, default_families())
    web = await _web_context(run, api, auth, deadline)
    if web is not None:
        run.progress(0.9, f"web security checks on {len(web.pages)} crawled page(s)")
        reports.extend(await run_web_families(web, web_families()))
    return reports


async def _web_context(
    run: AnalysisRun, api: ApiModel | None, auth: Authenticator | None, deadline: float
) -> WebContext | None:
    """The web families' context; a site without an API model gets an empty one (no operations,
    so the safety guard judges each request by its method and path alone)."""
    if not run.observation.pages and run.observation.login is None:
        return None
    model = api or ApiModel(title="web", version="", spec_version="", base_path="", operations=())
    if auth is None:
        auth = Authenticator(model, run.target, run.transport)
        await auth.login()
    target = run.target
    ctx = SecurityContext(model, target, run.transport, {}, auth, deadline, run.cancel, target.destructive)
    return web_context(ctx, run.observation)
