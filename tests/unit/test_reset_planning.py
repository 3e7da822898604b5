"""State resets planned and run: never parallel, last, only with --destructive; never judged after."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tests.fakes import FakeTransport, json_response

from assay.agents.analysis.execution.runner import RunnerOptions, execute
from assay.agents.analysis.planning import (
    can_run_parallel,
    may_reset,
    parallel_groups,
    plan,
    resets_last,
    resets_state,
)
from assay.agents.requirements.assemble import from_api, mark_resets
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import (
    Action,
    CoverageMetrics,
    Expectation,
    Intent,
    RequestSpec,
    RequirementsResult,
    ResourceRecipe,
    Scenario,
)
from assay.domain.state_change import STATE_RESET_TAG
from assay.domain.target import Target

API = ApiModel(
    "t",
    "1",
    "3.0.3",
    "",
    (
        Operation("GET", "/items"),
        Operation("POST", "/items"),
        Operation("GET", "/items/{id}"),
        Operation("GET", "/reset", summary="Reset the database"),
    ),
)
TARGET = Target("http://127.0.0.1:9")


def act(op: str, intent: Intent = "valid", params: dict[str, Json] | None = None) -> Action:
    method, path = op.split(" ", 1)
    spec = RequestSpec(op, method, path, path_params=params or {}, intent=intent)
    return Action(op, spec, Expectation())


def scen(sid: str, *actions: Action, tags: tuple[str, ...] = ()) -> Scenario:
    ops = tuple(a.request.operation for a in actions)
    return Scenario(sid, "f", sid, "happy_path", tags, ops, (), actions)


def test_requirements_tag_every_scenario_that_calls_a_reset() -> None:
    scenarios = from_api(API).scenarios
    tagged = [s for s in scenarios if STATE_RESET_TAG in s.tags]
    assert tagged and all("GET /reset" in s.operations for s in tagged)
    assert all("GET /reset" not in s.operations for s in scenarios if s not in tagged)
    assert mark_resets(API, list(tagged)) == tagged  # tagging twice adds nothing


def test_resets_never_run_in_parallel_and_come_last_refused_ones_first() -> None:
    reads = [scen(f"R{i}", act("GET /items")) for i in range(3)]
    happy = scen("X1", act("GET /reset"), tags=(STATE_RESET_TAG,))
    no_auth = scen("X2", act("GET /reset", "no_auth"), tags=(STATE_RESET_TAG,))
    undocumented = scen("X3", act("POST /api/reinit"))
    assert resets_state(undocumented) and not can_run_parallel(happy) and not can_run_parallel(undocumented)
    scenarios = [happy, reads[0], no_auth, reads[1], undocumented, reads[2]]
    order = resets_last([s.id for s in scenarios], scenarios)
    assert order == ["R0", "R1", "R2", "X2", "X1", "X3"]
    groups = parallel_groups(order, {s.id: can_run_parallel(s) for s in scenarios})
    assert groups == (("R0", "R1", "R2"), ("X2",), ("X1",), ("X3",))


def _app(request: RecordedRequest) -> RecordedResponse:
    return json_response(200, {"ok": True})


def test_without_destructive_a_reset_scenario_is_not_run_and_says_why() -> None:
    transport = FakeTransport(_app)
    reset = scen("X1", act("GET /reset"), tags=(STATE_RESET_TAG,))
    for options in (RunnerOptions(), RunnerOptions(reset_phase=True)):
        report = asyncio.run(execute([[reset]], (), API, TARGET, transport, options=options))
        run = report.runs[0]
        assert run.status == "skipped" and "--destructive" in (run.blocked_by or "")
    assert transport.requests == []


def test_in_the_reset_phase_what_follows_the_reset_is_kept_apart_and_inconclusive() -> None:
    calls: list[str] = []

    def app(request: RecordedRequest) -> RecordedResponse:
        calls.append(request.url)
        if len(calls) == 1:
            return json_response(401, {})  # the refused reset resets nothing
        return json_response(200 if request.url.endswith("/reset") else 500, {})

    target = replace(TARGET, destructive=True)
    refused = scen("X0", act("GET /reset", "no_auth"), tags=(STATE_RESET_TAG,))
    reset = scen("X1", act("GET /reset"), tags=(STATE_RESET_TAG,))
    later = scen("X2", act("GET /reset"), act("GET /items"), tags=(STATE_RESET_TAG,))
    options = RunnerOptions(reset_phase=True)
    report = asyncio.run(
        execute([[refused], [reset], [later]], (), API, target, FakeTransport(app), options=options)
    )
    assert report.reset_by == "GET /reset"
    assert [e.scenario_id for e in report.exchanges] == ["X0", "X1"]
    assert [e.scenario_id for e in report.after_reset] == ["X2", "X2"]
    status = {r.scenario_id: r.status for r in report.runs}
    assert status["X2"] == "skipped"
    assert "after assay's own reset" in (report.runs[2].blocked_by or "")


def test_a_delete_on_a_guessed_id_is_skipped_by_the_safety_rule() -> None:
    transport = FakeTransport(_app)
    api = replace(API, operations=(*API.operations, Operation("DELETE", "/items/{id}")))
    delete = scen("D1", act("DELETE /items/{id}", params={"id": 1}))
    report = asyncio.run(execute([[delete]], (), api, TARGET, transport))
    assert transport.requests == []
    assert report.runs[0].status == "skipped" and "safety rule" in (report.runs[0].blocked_by or "")


def test_operations_that_could_reset_unnamed_run_alone() -> None:
    api = replace(API, operations=(*API.operations, Operation("POST", "/maintenance")))
    creates = frozenset({"POST /items"})
    by_key = {op.key: op for op in api.operations}
    assert may_reset(by_key["POST /maintenance"], api, creates)
    assert not may_reset(by_key["POST /items"], api, creates)  # a create
    assert not may_reset(by_key["GET /items"], api, creates)  # a list
    assert not may_reset(by_key["GET /items/{id}"], api, creates)  # one object
    scenarios = (
        scen("A", act("GET /items")),
        scen("B", act("POST /maintenance")),
        scen("C", act("GET /items")),
    )
    recipes = (ResourceRecipe("item", act("POST /items")),)
    requirements = RequirementsResult(scenarios, recipes, {}, CoverageMetrics(3, 3, {}, (), ()))
    groups = plan(requirements, api).execution_strategy.parallel_groups
    assert ("B",) in groups and all(len(g) == 1 for g in groups if "B" in g)


def test_an_object_of_assays_that_vanishes_marks_its_group_a_reset() -> None:
    store: dict[str, dict[str, Json]] = {}

    def app(request: RecordedRequest) -> RecordedResponse:
        path = request.url.split("127.0.0.1:9", 1)[1]
        if request.method == "POST" and path == "/items":
            key = str(len(store) + 1)
            store[key] = {"id": int(key)}
            return json_response(201, store[key])
        if request.method == "POST" and path == "/maintenance":
            store.clear()
            return json_response(200, {})
        if path.startswith("/items/"):
            found = store.get(path.rsplit("/", 1)[1])
            return json_response(200, found) if found else json_response(404, {})
        return json_response(200, [])

    api = replace(API, operations=(*API.operations, Operation("POST", "/maintenance")))
    recipes = (ResourceRecipe("item", act("POST /items")),)
    groups = [[scen("M", act("POST /maintenance"))], [scen("M2", act("POST /maintenance"))]]
    transport = FakeTransport(app)
    report = asyncio.run(execute(groups, recipes, api, TARGET, transport))
    assert report.resets_by_effect == ["POST /maintenance"]
    status = {r.scenario_id: (r.status, r.blocked_by or "") for r in report.runs}
    assert status["M"][0] == "skipped" and "reset the application" in status["M"][1]
    assert status["M2"][0] == "skipped" and "safety rule" in status["M2"][1]  # never called again
    assert sum(1 for r in transport.requests if r.url.endswith("/maintenance")) == 1
    assert all(
        e.scenario_id != "M" for e in report.exchanges
    )  # what the reset's group recorded is not judged
