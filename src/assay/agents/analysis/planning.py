"""Dependencies, final prioritisation and the execution strategy. Pure and deterministic.

* A scenario depends on its fixture chain (recipe names) and on the scenarios that exercise the
  producers of what its operations consume (the API's dependency graph), e.g. the happy path of
  ``POST /datasets`` before anything that needs a dataset id.
* ``composite_score`` = 0.5 x min(RPN/500, 1) + 0.3 x business value + 0.2 x min(ROI, 1);
  ``rank`` orders by it (ties by scenario id).
* ``execution_group`` 1 holds the scenarios with RPN >= 80, run first; group 2 the rest. Within a
  group the order is topological over the dependency edges, best rank first.
* A scenario may run in parallel when it only touches objects it creates itself: its writes
  target paths filled from variables (``${...}``) or collections, and it touches no
  auth/session/admin operation (a logout or password change would pull the rug from under others).
* A scenario that calls a state reset (tagged ``@state_reset`` by requirements, or whose path names
  a reset) never runs in parallel and comes after every other scenario, those expected to be
  refused (no credentials, invalid input) first: a refused reset resets nothing.
* So does a scenario on an operation that *could* reset the application without saying so (no path
  parameter, not a create, not a list, not a login): alone, the runner can tell by its effect.
* ``parallel_groups`` cut the execution order into runs of parallel-safe scenarios; every other
  scenario is a group of its own. The runner executes the groups in order.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import replace

from assay.agents.analysis.risk import (
    ADMIN_WORDS,
    AUTH_WORDS,
    EXECUTE_FIRST_RPN,
    has_word,
    refine_with_outcome,
    score_all,
    words_of,
)
from assay.agents.analysis.value import business_value, execution_time, fixture_chain, roi_score
from assay.domain.analysis import (
    AnalysisResult,
    BusinessValue,
    ExecutionStrategy,
    ExecutionTime,
    FinalPriority,
    RiskScore,
    RoiScore,
    ScenarioDependency,
)
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import RequirementsResult, Scenario
from assay.domain.state_change import STATE_RESET_TAG, has_path_params, request_is_reset
from assay.domain.target import SAFE_METHODS
from assay.spec.naming import is_auth_operation, item_paths

DEFAULT_CONCURRENCY = 4
SMOKE_SIZE = 5
_PRODUCING_KINDS = frozenset({"happy_path", "create_status", "crud_lifecycle"})


def can_run_parallel(scenario: Scenario) -> bool:
    """True when the scenario only creates and touches its own objects, and resets nothing."""
    if resets_state(scenario):
        return False
    for action in scenario.actions:
        spec = action.request
        if has_word(words_of(None, spec.path + " " + spec.operation), (*AUTH_WORDS, *ADMIN_WORDS)):
            return False
        if spec.method.upper() in SAFE_METHODS or spec.method.upper() == "POST":
            continue
        # A write on a literal id may hit an object another scenario (or a person) relies on.
        literal = [v for v in spec.path_params.values() if not (isinstance(v, str) and "${" in v)]
        if literal:
            return False
    return True


def may_reset(op: Operation, api: ApiModel, creates: frozenset[str]) -> bool:
    """An operation that could reset the application unnamed: no object in its path, not a create,
    not a collection read, not a login or registration."""
    if has_path_params(op.path) or op.key in creates or is_auth_operation(api, op):
        return False
    return not (op.method in SAFE_METHODS and item_paths(api, op.path))


def _isolated(scenario: Scenario, api: ApiModel | None, creates: frozenset[str]) -> bool:
    if api is None:
        return False
    ops = [api.operation(a.request.operation) for a in scenario.actions]
    return any(op is not None and may_reset(op, api, creates) for op in ops)


def resets_state(scenario: Scenario) -> bool:
    """True when the scenario calls an operation that puts the application back to a start state."""
    if STATE_RESET_TAG in scenario.tags:
        return True
    return any(request_is_reset(a.request.method, a.request.path) for a in scenario.actions)


def resets_last(order: Sequence[str], scenarios: Sequence[Scenario]) -> list[str]:
    """``order`` with the resetting scenarios moved to the end, the ones expecting refusal first."""
    by_id = {s.id: s for s in scenarios}
    resets = [sid for sid in order if sid in by_id and resets_state(by_id[sid])]
    position = {sid: i for i, sid in enumerate(order)}

    def refused_first(sid: str) -> tuple[int, int]:
        refused = all(a.request.intent in {"invalid", "no_auth"} for a in by_id[sid].actions)
        return (0 if refused else 1, position[sid])

    return [sid for sid in order if sid not in set(resets)] + sorted(resets, key=refused_first)


def producer_edges(scenarios: Sequence[Scenario], api: ApiModel | None) -> dict[str, set[str]]:
    """scenario id -> ids of the scenarios that exercise the producers it consumes from."""
    if api is None:
        return {s.id: set() for s in scenarios}
    producers: dict[str, set[str]] = {}
    for s in scenarios:
        if s.kind in _PRODUCING_KINDS:
            for key in s.operations:
                producers.setdefault(key, set()).add(s.id)
    edges: dict[str, set[str]] = {}
    for s in scenarios:
        needed = {d.producer for key in s.operations for d in api.producers_of(key)}
        edges[s.id] = {p for key in needed for p in producers.get(key, set()) if p != s.id}
    return edges


def composite_score(risk: RiskScore, value: BusinessValue, roi: RoiScore) -> float:
    return round(0.5 * min(risk.rpn / 500, 1.0) + 0.3 * value.total_value + 0.2 * min(roi.roi, 1.0), 4)


def rank_ids(scores: Mapping[str, float]) -> list[str]:
    """Scenario ids best first; equal scores by id so the plan never depends on input order."""
    return sorted(scores, key=lambda sid: (-scores[sid], sid))


def _topological(ids: Sequence[str], edges: Mapping[str, set[str]]) -> list[str]:
    """``ids`` (already ranked) reordered so predecessors come first, best rank first otherwise."""
    position = {sid: i for i, sid in enumerate(ids)}
    members = set(ids)
    preds = {sid: {p for p in edges.get(sid, set()) if p in members} for sid in ids}
    ready = [position[sid] for sid in ids if not preds[sid]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        sid = ids[heapq.heappop(ready)]
        order.append(sid)
        for other in ids:
            if sid in preds[other]:
                preds[other].discard(sid)
                if not preds[other]:
                    heapq.heappush(ready, position[other])
    # A dependency cycle leaves some behind: run them anyway, in rank order.
    return order + [sid for sid in ids if sid not in order]


def execution_plan(
    risks: Sequence[RiskScore], scores: Mapping[str, float], edges: Mapping[str, set[str]]
) -> list[str]:
    """Run order: RPN >= 80 first, then the rest; each part topological, best first."""
    ranked = rank_ids(scores)
    first = {r.scenario_id for r in risks if r.rpn >= EXECUTE_FIRST_RPN}
    head = _topological([s for s in ranked if s in first], edges)
    tail = _topological([s for s in ranked if s not in first], edges)
    return head + tail


def parallel_groups(order: Sequence[str], parallel: Mapping[str, bool]) -> tuple[tuple[str, ...], ...]:
    """Consecutive parallel-safe scenarios share a group; any other scenario runs alone."""
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    for sid in order:
        if parallel.get(sid, False):
            current.append(sid)
            continue
        if current:
            groups.append(tuple(current))
            current = []
        groups.append((sid,))
    if current:
        groups.append(tuple(current))
    return tuple(groups)


def _group_time(group: Sequence[str], times: Mapping[str, float], concurrency: int) -> float:
    spans = [times[sid] for sid in group]
    return max(max(spans, default=0.0), sum(spans) / max(concurrency, 1))


def smoke_tests(
    scenarios: Sequence[Scenario], values: Mapping[str, BusinessValue], risks: Mapping[str, RiskScore]
) -> tuple[str, ...]:
    """Happy paths of the most valuable operations, one per operation, at most SMOKE_SIZE."""
    happy = [s for s in scenarios if s.kind == "happy_path"] or [
        s for s in scenarios if s.kind in {"list_read", "crud_lifecycle", "create_status"}
    ]
    happy.sort(key=lambda s: (-values[s.id].total_value, -risks[s.id].rpn, s.id))
    chosen: list[str] = []
    seen_ops: set[tuple[str, ...]] = set()
    for s in happy:
        if s.operations not in seen_ops:
            seen_ops.add(s.operations)
            chosen.append(s.id)
    return tuple(chosen[:SMOKE_SIZE])


def _dependencies(
    scenarios: Sequence[Scenario],
    req: RequirementsResult,
    edges: Mapping[str, set[str]],
    order: list[str],
    api: ApiModel | None = None,
) -> tuple[ScenarioDependency, ...]:
    recipes = {r.name: r for r in req.recipes}
    creates = frozenset(r.action.request.operation for r in req.recipes)
    position = {sid: i + 1 for i, sid in enumerate(order)}
    deps = [
        ScenarioDependency(
            scenario_id=s.id,
            depends_on=(*fixture_chain(s.fixtures, recipes), *sorted(edges.get(s.id, set()))),
            execution_order=position[s.id],
            can_run_parallel=can_run_parallel(s) and not _isolated(s, api, creates),
        )
        for s in scenarios
    ]
    return tuple(sorted(deps, key=lambda d: d.execution_order))


def _final(risks: Mapping[str, RiskScore], scores: Mapping[str, float]) -> tuple[FinalPriority, ...]:
    ranked = rank_ids(scores)
    return tuple(
        FinalPriority(
            scenario_id=sid,
            composite_score=scores[sid],
            rank=i + 1,
            priority=risks[sid].priority,
            execution_group=1 if risks[sid].rpn >= EXECUTE_FIRST_RPN else 2,
        )
        for i, sid in enumerate(ranked)
    )


def _strategy(
    scenarios: Sequence[Scenario],
    deps: Sequence[ScenarioDependency],
    times: Sequence[ExecutionTime],
    values: Mapping[str, BusinessValue],
    risks: Mapping[str, RiskScore],
    concurrency: int,
) -> ExecutionStrategy:
    order = [d.scenario_id for d in deps]
    groups = parallel_groups(order, {d.scenario_id: d.can_run_parallel for d in deps})
    seconds = {t.scenario_id: t.estimated_seconds for t in times}
    return ExecutionStrategy(
        smoke_tests=smoke_tests(scenarios, values, risks),
        parallel_groups=groups,
        estimated_total_time=round(sum(seconds.values()), 3),
        estimated_parallel_time=round(sum(_group_time(g, seconds, concurrency) for g in groups), 3),
    )


def plan(
    requirements: RequirementsResult, api: ApiModel | None, *, concurrency: int = DEFAULT_CONCURRENCY
) -> AnalysisResult:
    """The whole analysis before execution: risk, value, ROI, time, dependencies, order, strategy."""
    risks = score_all(requirements.scenarios, api)
    return assemble(requirements, api, risks, concurrency)


def assemble(
    requirements: RequirementsResult,
    api: ApiModel | None,
    risks: Sequence[RiskScore],
    concurrency: int = DEFAULT_CONCURRENCY,
) -> AnalysisResult:
    """Everything that follows from the risk scores (so refined scores can be re-planned)."""
    scenarios = requirements.scenarios
    recipe_map = {r.name: r for r in requirements.recipes}
    by_id = {r.scenario_id: r for r in risks}
    values = {s.id: business_value(s, api) for s in scenarios}
    times = [execution_time(s, recipe_map) for s in scenarios]
    time_by = {t.scenario_id: t for t in times}
    rois = [roi_score(s, by_id[s.id], values[s.id], time_by[s.id]) for s in scenarios]
    roi_by = {r.scenario_id: r for r in rois}
    scores = {s.id: composite_score(by_id[s.id], values[s.id], roi_by[s.id]) for s in scenarios}
    edges = producer_edges(scenarios, api)
    order = resets_last(execution_plan(risks, scores, edges), scenarios)
    deps = _dependencies(scenarios, requirements, edges, order, api)
    return AnalysisResult(
        risk_scores=tuple(risks),
        business_values=tuple(values[s.id] for s in scenarios),
        roi_scores=tuple(rois),
        execution_times=tuple(times),
        dependencies=deps,
        final_prioritization=_final(by_id, scores),
        execution_strategy=_strategy(scenarios, deps, times, values, by_id, concurrency),
    )


def refine(
    result: AnalysisResult, requirements: RequirementsResult, api: ApiModel | None, passed: Mapping[str, bool]
) -> AnalysisResult:
    """Re-plan with risk scores refined by what execution showed (``passed`` per executed scenario)."""
    risks = [refine_with_outcome(r, passed.get(r.scenario_id)) for r in result.risk_scores]
    fresh = assemble(requirements, api, risks)
    # The strategy that was actually executed stays as it was planned.
    return replace(fresh, dependencies=result.dependencies, execution_strategy=result.execution_strategy)
