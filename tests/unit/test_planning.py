"""Value, time, dependencies, prioritisation and strategy: pure and deterministic."""

from __future__ import annotations

import itertools

from assay.agents.analysis.planning import can_run_parallel, parallel_groups, plan, refine
from assay.agents.analysis.value import business_value, execution_time, fixture_chain
from assay.domain.json import Json
from assay.domain.operations import ApiModel, Dependency, Operation, ResponseSpec
from assay.domain.scenarios import (
    Action,
    CoverageMetrics,
    Expectation,
    RequestSpec,
    RequirementsResult,
    ResourceRecipe,
    Scenario,
)

OK = (ResponseSpec("200", schema={"type": "object"}), ResponseSpec("404"), ResponseSpec("500"))
API = ApiModel(
    title="t",
    version="1",
    spec_version="3.0.3",
    base_path="",
    operations=(
        Operation("POST", "/datasets", responses=OK),
        Operation("GET", "/datasets", responses=OK),
        Operation("POST", "/sessions", responses=OK),
        Operation("POST", "/payments"),
        Operation("DELETE", "/datasets/{id}", responses=OK),
        Operation("POST", "/auth/logout", responses=OK),
    ),
    dependencies=(Dependency("POST /sessions", "POST /datasets", "dataset_id", "body", "id", "dataset"),),
)


def action(op: str, params: dict[str, Json] | None = None) -> Action:
    method, path = op.split(" ", 1)
    return Action(op, RequestSpec(op, method, path, path_params=params or {}), Expectation())


def scenario(sid: str, kind: str, *actions: Action, fixtures: tuple[str, ...] = (), sev: int = 5) -> Scenario:
    ops = tuple(dict.fromkeys(a.request.operation for a in actions))
    return Scenario(sid, "f", sid, kind, (), ops, (), actions, fixtures=fixtures, severity=sev)  # type: ignore[arg-type]


RECIPES = (
    ResourceRecipe("dataset", action("POST /datasets")),
    ResourceRecipe("session", action("POST /sessions"), requires=("dataset",)),
)
SCENARIOS = (
    scenario("SC-1", "list_read", action("GET /datasets")),
    scenario("SC-2", "happy_path", action("POST /datasets")),
    scenario("SC-3", "happy_path", action("POST /sessions"), fixtures=("dataset",)),
    scenario("SC-4", "happy_path", action("POST /payments"), sev=8),
    scenario("SC-5", "not_found", action("DELETE /datasets/{id}", {"id": "does-not-exist"})),
    scenario(
        "SC-6", "crud_lifecycle", action("POST /datasets"), action("DELETE /datasets/{id}", {"id": "${ds}"})
    ),
    scenario("SC-7", "happy_path", action("POST /auth/logout")),
)
REQ = RequirementsResult(SCENARIOS, RECIPES, {}, CoverageMetrics(6, 6, {}, (), ()))


def test_fixture_chain_puts_prerequisites_first_and_survives_cycles() -> None:
    recipes = {r.name: r for r in RECIPES}
    assert fixture_chain(("session",), recipes) == ["dataset", "session"]
    assert fixture_chain(("session", "dataset"), recipes) == ["dataset", "session"]
    loop = {
        "a": ResourceRecipe("a", action("POST /a"), ("b",)),
        "b": ResourceRecipe("b", action("POST /b"), ("a",)),
    }
    assert fixture_chain(("a",), loop) == ["b", "a"]


def test_business_value_favours_money_and_auth() -> None:
    pay = business_value(SCENARIOS[3], API)
    read = business_value(SCENARIOS[0], API)
    logout = business_value(SCENARIOS[6], API)
    assert pay.revenue_impact == 1.0 and read.revenue_impact == 0.15
    assert logout.compliance_impact == 0.9 and logout.user_impact == 1.0
    assert pay.total_value > read.total_value
    assert all(0 <= v <= 1 for v in (pay.total_value, read.total_value, logout.total_value))


def test_execution_time_counts_actions_and_fixtures() -> None:
    recipes = {r.name: r for r in RECIPES}
    assert execution_time(SCENARIOS[0], recipes).estimated_seconds == 0.1
    with_fixture = execution_time(
        scenario("x", "happy_path", action("POST /x"), fixtures=("session",)), recipes
    )
    assert with_fixture.estimated_seconds == 0.75 and with_fixture.category == "fast"
    many = scenario("y", "crud_lifecycle", *[action("POST /x") for _ in range(14)])
    assert execution_time(many, recipes).category == "slow"


def test_parallel_only_for_scenarios_touching_their_own_objects() -> None:
    assert can_run_parallel(SCENARIOS[0])
    assert can_run_parallel(SCENARIOS[5])  # deletes what it created (${ds})
    assert not can_run_parallel(SCENARIOS[4])  # deletes a literal id
    assert not can_run_parallel(SCENARIOS[6])  # logout would end the shared session


def test_parallel_groups_cut_at_sequential_scenarios() -> None:
    order = ["a", "b", "c", "d", "e"]
    par = {"a": True, "b": True, "c": False, "d": True, "e": True}
    assert parallel_groups(order, par) == (("a", "b"), ("c",), ("d", "e"))


def test_plan_orders_critical_first_then_topologically() -> None:
    result = plan(REQ, API)
    risks = {r.scenario_id: r for r in result.risk_scores}
    order = [d.scenario_id for d in result.dependencies]
    first = [sid for sid in order if risks[sid].rpn >= 80]
    assert order[: len(first)] == first
    assert "SC-4" in first  # payments, nothing documented
    deps = {d.scenario_id: d for d in result.dependencies}
    assert deps["SC-3"].depends_on == ("dataset", "SC-2", "SC-6")  # both exercise POST /datasets
    if risks["SC-3"].rpn < 80 and risks["SC-2"].rpn < 80:
        assert order.index("SC-2") < order.index("SC-3")
    assert [d.execution_order for d in result.dependencies] == list(range(1, 8))


def test_plan_final_priority_and_strategy() -> None:
    result = plan(REQ, API)
    final = sorted(result.final_prioritization, key=lambda f: f.rank)
    assert [f.rank for f in final] == list(range(1, 8))
    assert all(a.composite_score >= b.composite_score for a, b in itertools.pairwise(final))
    groups = {f.scenario_id: f.execution_group for f in final}
    assert all((groups[r.scenario_id] == 1) == (r.rpn >= 80) for r in result.risk_scores)
    strategy = result.execution_strategy
    assert set(strategy.smoke_tests) <= {"SC-2", "SC-3", "SC-4", "SC-7"}
    assert 0 < len(strategy.smoke_tests) <= 5
    flat = [sid for g in strategy.parallel_groups for sid in g]
    assert flat == [d.scenario_id for d in result.dependencies]
    assert 0 < strategy.estimated_parallel_time <= strategy.estimated_total_time


def test_plan_is_deterministic_regardless_of_input_order() -> None:
    shuffled = RequirementsResult(tuple(reversed(SCENARIOS)), RECIPES, {}, REQ.coverage)
    a, b = plan(REQ, API), plan(shuffled, API)
    assert a.dependencies == b.dependencies
    assert sorted(a.final_prioritization, key=lambda f: f.rank) == sorted(
        b.final_prioritization, key=lambda f: f.rank
    )
    assert a.execution_strategy == b.execution_strategy


def test_refine_raises_occurrence_of_failed_scenarios_and_keeps_strategy() -> None:
    planned = plan(REQ, API)
    refined = refine(planned, REQ, API, {"SC-1": False})
    before = {r.scenario_id: r for r in planned.risk_scores}
    after = {r.scenario_id: r for r in refined.risk_scores}
    assert after["SC-1"].occurrence == 10 and after["SC-1"].rpn > before["SC-1"].rpn
    assert after["SC-2"] == before["SC-2"]
    assert refined.execution_strategy == planned.execution_strategy


def test_plan_without_api_model() -> None:
    result = plan(REQ, None)
    assert len(result.risk_scores) == 7
    assert all(r.detection == 10 for r in result.risk_scores)
