"""The Analysis agent end to end over a fake transport: plan, execute, judge, replay, refine."""

from __future__ import annotations

import asyncio
from itertools import count

from tests.fakes import FakeTransport, json_response

from assay.agents.analysis.agent import analyse
from assay.agents.analysis.replay import trigger_of
from assay.domain.errors import TargetUnreachable
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel, Operation, ResponseSpec
from assay.domain.scenarios import (
    Action,
    CoverageMetrics,
    Expectation,
    RequestSpec,
    RequirementsResult,
    Scenario,
)
from assay.domain.target import Target

OK = (ResponseSpec("200", schema={"type": "object"}), ResponseSpec("404"), ResponseSpec("500"))
API = ApiModel(
    "t",
    "1",
    "3.0.3",
    "",
    (Operation("GET", "/stable", responses=OK), Operation("GET", "/broken"), Operation("GET", "/flaky")),
)
OBSERVATION = Observation(target="http://127.0.0.1:9", kind="api", api=API)
TARGET = Target(base_url="http://127.0.0.1:9")


def scen(sid: str, op: str) -> Scenario:
    method, path = op.split(" ", 1)
    action = Action(op, RequestSpec(op, method, path), Expectation())
    return Scenario(sid, "f", sid, "happy_path", (), (op,), (), (action,))


REQ = RequirementsResult(
    (scen("SC-1", "GET /stable"), scen("SC-2", "GET /broken"), scen("SC-3", "GET /flaky")),
    (),
    {},
    CoverageMetrics(3, 3, {}, (), ()),
)


def handler_factory() -> FakeTransport:
    flaky_calls = count()

    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/broken"):
            return json_response(500, {"detail": "boom"})
        if request.url.endswith("/flaky") and next(flaky_calls) == 0:
            return json_response(500, {"detail": "once"})
        return json_response(200, {"ok": True})

    return FakeTransport(handler)


def test_plan_only_sends_nothing() -> None:
    transport = handler_factory()
    outcome = asyncio.run(analyse(OBSERVATION, REQ, TARGET, transport, execute=False))
    assert transport.requests == [] and outcome.findings == [] and outcome.exchanges == []
    assert len(outcome.result.risk_scores) == 3 and outcome.result.execution_success == ()


def test_execute_judge_and_replay_marks_flaky() -> None:
    transport = handler_factory()
    calls: list[tuple[float, str, dict[str, int]]] = []
    outcome = asyncio.run(
        analyse(OBSERVATION, REQ, TARGET, transport, progress=lambda f, m, c: calls.append((f, m, c)))
    )
    result = outcome.result
    assert outcome.target_failure is None
    assert {r.scenario_id: r.status for r in result.runs} == {
        "SC-1": "passed",
        "SC-2": "failed",
        "SC-3": "failed",
    }
    errors = {f.path: f for f in outcome.findings if f.category == "server_error"}
    assert not errors["/broken"].flaky
    assert errors["/flaky"].flaky
    replays = [e for e in outcome.exchanges if e.intent == "replay"]
    assert {e.operation for e in replays} >= {"GET /broken", "GET /flaky"}
    success = {s.scenario_id: s for s in result.execution_success}
    assert success["SC-1"].success_rate == 1.0 and success["SC-1"].reliability == "high"
    assert success["SC-3"].reliability == "low" and success["SC-2"].tier_used == "tier1"
    assert all(s.source == "real_time_execution" for s in success.values())
    assert result.requests_sent == transport.requests_sent
    risks = {r.scenario_id: r for r in result.risk_scores}
    assert risks["SC-2"].occurrence == 10  # refined by the failure
    assert calls[-1][0] == 1.0 and calls[-1][2]["scenarios"] == 3
    assert calls[-1][2]["findings"] == len(outcome.findings)
    assert all(0.0 <= f <= 1.0 for f, _, _ in calls)


def test_dead_target_is_reported_not_raised() -> None:
    def handler(request: RecordedRequest) -> RecordedResponse:
        raise TargetUnreachable("connection refused")

    outcome = asyncio.run(analyse(OBSERVATION, REQ, TARGET, FakeTransport(handler)))
    assert outcome.target_failure and "stopped answering" in outcome.target_failure
    assert [r.status for r in outcome.result.runs].count("skipped") == 0  # three scenarios, three failures
    assert not any(e.intent == "replay" for e in outcome.exchanges)


def test_trigger_of_picks_the_matching_exchange() -> None:
    transport = handler_factory()
    outcome = asyncio.run(analyse(OBSERVATION, REQ, TARGET, transport))
    finding = next(f for f in outcome.findings if f.path == "/broken")
    original = trigger_of(finding, outcome.exchanges)
    assert original is not None and original.status == 500 and original.intent != "replay"
