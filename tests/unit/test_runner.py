"""The scenario runner over a fake transport: fixtures, blocking, retries, budget, death, cancel."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import replace

from tests.fakes import FakeTransport, json_response

from assay.agents.analysis.execution.runner import Runner, RunnerOptions, execute
from assay.domain.errors import ConnectionDropped, SafetyError, TargetTimeout, TargetUnreachable
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe, Scenario
from assay.domain.target import Target

TARGET = Target(base_url="http://127.0.0.1:9", budget_seconds=60)
OK_2XX = Expectation()


def act(
    op: str,
    *,
    params: dict[str, Json] | None = None,
    body: Json = None,
    save: dict[str, str] | None = None,
    expect: Expectation = OK_2XX,
    name: str = "",
) -> Action:
    method, path = op.split(" ", 1)
    spec = RequestSpec(op, method, path, path_params=params or {}, body=body, has_body=body is not None)
    return Action(name or op, spec, expect, save or {})


def scen(sid: str, *actions: Action, fixtures: tuple[str, ...] = ()) -> Scenario:
    ops = tuple(a.request.operation for a in actions)
    return Scenario(sid, "f", sid, "happy_path", (), ops, (), actions, fixtures=fixtures)


RECIPES = (
    ResourceRecipe("dataset", act("POST /datasets", body={"name": "ds-${unique}"})),
    ResourceRecipe(
        "session", act("POST /sessions", body={"dataset_id": "${dataset.id}"}), requires=("dataset",)
    ),
)


class Store:
    """A tiny in-memory API: POST creates with a fresh integer id, GET reads, DELETE removes."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.objects: dict[str, Json] = {}

    def __call__(self, request: RecordedRequest) -> RecordedResponse:
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        if request.method == "POST":
            new = next(self.ids)
            self.objects[f"{path}/{new}"] = request.body
            return json_response(201, {"id": new, "echo": request.body})
        if path in self.objects:
            if request.method == "DELETE":
                del self.objects[path]
                return json_response(204, None)
            return json_response(200, {"data": self.objects[path]})
        return json_response(404, {"detail": "not found"})


def test_fixture_chain_then_actions_with_saved_variables() -> None:
    store = Store()
    transport = FakeTransport(store)
    sc = scen(
        "SC-1",
        act("POST /messages", body={"session": "${session.id}", "text": "hi"}, save={"msg": "id"}),
        act("GET /messages/{id}", params={"id": "${msg}"}),
        fixtures=("session",),
    )
    report = asyncio.run(execute([[sc]], RECIPES, None, TARGET, transport))
    assert [r.method + " " + r.url for r in transport.requests] == [
        "POST http://127.0.0.1:9/datasets",
        "POST http://127.0.0.1:9/sessions",
        "POST http://127.0.0.1:9/messages",
        "GET http://127.0.0.1:9/messages/3",
    ]
    assert transport.requests[1].body == {"dataset_id": 1}  # raw type kept
    run = report.runs[0]
    assert run.status == "passed" and run.passed_steps == run.total_steps == 2
    assert report.requests_sent == 4
    assert report.created_ids == {"1", "2"}
    first = report.exchanges[0]
    assert (first.operation, first.path_template, first.scenario_id, first.action) == (
        "POST /datasets",
        "/datasets",
        "SC-1",
        "fixture dataset",
    )
    assert report.exchanges[-1].expect == Expectation() and report.exchanges[-1].status == 200


def test_failing_fixture_blocks_the_scenario() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        return json_response(500, {"detail": "boom"})

    transport = FakeTransport(handler)
    sc = scen("SC-2", act("POST /messages", body={"s": "${session.id}"}), fixtures=("session",))
    report = asyncio.run(execute([[sc]], RECIPES, None, TARGET, transport))
    run = report.runs[0]
    assert run.status == "blocked"
    assert run.blocked_by == "fixture dataset: POST /datasets answered 500"
    assert len(transport.requests) == 1  # neither the session nor the action was attempted
    assert report.exchanges[0].status == 500  # the failed fixture stays evidence


def test_fixture_without_id_and_unknown_recipe_block() -> None:
    transport = FakeTransport(lambda r: json_response(201, {"name": "x"}))
    a = scen("A", act("GET /x"), fixtures=("dataset",))
    b = scen("B", act("GET /x"), fixtures=("nope",))
    report = asyncio.run(execute([[a], [b]], RECIPES, None, TARGET, transport))
    assert report.runs[0].blocked_by == "fixture dataset: POST /datasets answered 201 without id"
    assert report.runs[1].blocked_by == "fixture nope: no recipe to create it"


def test_failed_expectation_and_missing_variable() -> None:
    transport = FakeTransport(Store())
    sc = scen(
        "SC-3",
        act("GET /items/{id}", params={"id": "123"}, name="read missing"),
        act("GET /items/{id}", params={"id": "${never}"}, name="read unsaved"),
        act("GET /items/{id}", params={"id": "9"}, expect=Expectation(statuses=(404,), status_classes=())),
    )
    report = asyncio.run(execute([[sc]], (), None, TARGET, transport))
    run = report.runs[0]
    assert run.status == "failed"
    assert [s.passed for s in run.steps] == [False, False, True]
    assert run.steps[0].message == "answered 404, expected 2xx" and run.steps[0].status == 404
    assert run.steps[1].message == "not sent: no value for ${never}"
    assert len(transport.requests) == 2


def test_dropped_connection_is_retried_once_and_both_recorded() -> None:
    calls = itertools.count()

    def handler(request: RecordedRequest) -> RecordedResponse:
        if next(calls) == 0:
            raise ConnectionDropped("connection reset by peer")
        return json_response(200, {"ok": True})

    transport = FakeTransport(handler)
    report = asyncio.run(execute([[scen("SC-4", act("GET /flaky"))]], (), None, TARGET, transport))
    first, second = report.exchanges
    assert first.error == "connection reset by peer" and first.response is None and not first.retried
    assert second.retried and second.status == 200
    assert report.runs[0].status == "passed"
    assert report.requests_sent == 2


def test_timeout_and_double_drop_are_error_exchanges() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/slow"):
            raise TargetTimeout("no answer within 10s")
        raise ConnectionDropped("")

    transport = FakeTransport(handler)
    groups = [[scen("T", act("GET /slow"))], [scen("D", act("GET /drop"))]]
    report = asyncio.run(execute(groups, (), None, TARGET, transport))
    assert [r.status for r in report.runs] == ["error", "error"]
    assert report.exchanges[0].error == "no answer within 10s"
    assert [e.retried for e in report.exchanges[1:]] == [False, True]
    assert report.exchanges[2].error == "connection dropped"
    assert report.runs[0].steps[0].message == "no answer within 10s"


def test_dead_target_stops_the_run_without_raising() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        raise TargetUnreachable("connection refused")

    transport = FakeTransport(handler)
    groups = [[scen(f"S{i}", act("GET /a"), act("GET /b"))] for i in range(5)]
    report = asyncio.run(execute(groups, (), None, TARGET, transport))
    assert report.target_failure is not None and "3 connection failures" in report.target_failure
    assert [r.status for r in report.runs] == ["error", "error", "skipped", "skipped", "skipped"]
    assert len(transport.requests) == 3
    assert all(r.blocked_by and "stopped answering" in r.blocked_by for r in report.runs[1:])


def test_budget_is_checked_between_scenarios() -> None:
    now = [0.0]

    def handler(request: RecordedRequest) -> RecordedResponse:
        now[0] += 25.0  # every request takes 25 s of the 60 s budget
        return json_response(200, {})

    transport = FakeTransport(handler)
    runner = Runner((), None, TARGET, transport, clock=lambda: now[0])
    groups = [[scen(f"S{i}", act("GET /a"))] for i in range(5)]
    report = asyncio.run(runner.run(groups))
    assert [r.status for r in report.runs] == ["passed", "passed", "passed", "skipped", "skipped"]
    assert report.budget_exhausted
    assert report.runs[-1].blocked_by == "not run: time budget of 60s exhausted"


class Cancel:
    def __init__(self) -> None:
        self.cancelled = False


def test_cancel_token_is_checked_between_scenarios() -> None:
    token = Cancel()
    transport = FakeTransport(lambda r: json_response(200, {}))
    groups = [[scen(f"S{i}", act("GET /a"))] for i in range(3)]

    def on_run(run: object) -> None:
        token.cancelled = True

    report = asyncio.run(execute(groups, (), None, TARGET, transport, cancel=token, on_run=on_run))
    assert [r.status for r in report.runs] == ["passed", "skipped", "skipped"]
    assert report.cancelled and len(transport.requests) == 1


def test_safety_refusal_is_not_recorded_as_traffic() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        raise SafetyError("refusing DELETE")

    # --destructive lets the guard pass it: the transport's own policy is what refuses here.
    target = replace(TARGET, destructive=True)
    report = asyncio.run(execute([[scen("S", act("DELETE /a"))]], (), None, target, FakeTransport(handler)))
    assert report.exchanges == []
    assert report.runs[0].status == "error"
    assert "safety policy" in report.runs[0].steps[0].message


class SlowTransport:
    """Async fake that measures how many requests are in flight at once."""

    def __init__(self, respond: Callable[[RecordedRequest], RecordedResponse]) -> None:
        self.respond = respond
        self.in_flight = 0
        self.peak = 0
        self.sent = 0

    @property
    def requests_sent(self) -> int:
        return self.sent

    async def send(self, request: RecordedRequest, *, timeout: float | None = 10.0) -> RecordedResponse:
        self.sent += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return self.respond(request)


def test_parallel_group_runs_concurrently_within_the_bound() -> None:
    transport = SlowTransport(lambda r: json_response(200, {}))
    group = [scen(f"P{i}", act("GET /a")) for i in range(10)]
    options = RunnerOptions(concurrency=3)
    report = asyncio.run(
        execute([group, [scen("Q", act("GET /b"))]], (), None, TARGET, transport, options=options)
    )
    assert transport.peak == 3
    assert len(report.runs) == 11 and report.runs[-1].scenario_id == "Q"
    assert all(r.status == "passed" for r in report.runs)


def test_unexpected_error_in_one_scenario_does_not_stop_the_run() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/bad"):
            raise ValueError("invalid URL")
        return json_response(200, {})

    groups = [[scen("A", act("GET /bad")), scen("B", act("GET /good"))]]
    report = asyncio.run(execute(groups, (), None, TARGET, FakeTransport(handler)))
    runs = {r.scenario_id: r for r in report.runs}
    assert runs["A"].status == "error" and runs["A"].blocked_by == "runner error: ValueError: invalid URL"
    assert runs["B"].status == "passed"
