"""The pipeline's event stream: order of events, failures as events, and no orphaned stages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable

import pytest
from tests.fakes import FakeTransport, json_response

from assay.adapters.llm import ModelConfig, language_model
from assay.agents import pipeline
from assay.agents.model_session import AiTier
from assay.domain.events import (
    AgentCompleted,
    AgentProgress,
    AgentStarted,
    ScenarioExecuted,
    WorkflowCompleted,
    WorkflowFailed,
)
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import JsonObject
from assay.domain.language_model import ModelLimits, ModelUse, Prompt, SentPrompt
from assay.domain.run import RunResult
from assay.domain.target import Target

SPEC: JsonObject = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/items": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}}},
}


def _answers(request: RecordedRequest) -> RecordedResponse:
    if request.url.endswith("/openapi.json"):
        return json_response(200, SPEC)
    return json_response(200, [])


async def test_all_four_agents_then_completed() -> None:
    result = RunResult(target="http://127.0.0.1:9", started_at="t")
    events = [e async for e in pipeline.run(Target("http://127.0.0.1:9"), FakeTransport(_answers), result)]
    started = [e.agent for e in events if isinstance(e, AgentStarted)]
    completed = [e.agent for e in events if isinstance(e, AgentCompleted)]
    assert started == completed == ["observation", "requirements", "analysis", "evolution"]
    assert isinstance(events[-1], WorkflowCompleted)
    assert result.evolution is not None and result.error is None


async def test_a_stage_failure_is_an_event_and_keeps_earlier_results() -> None:
    def broken(request: RecordedRequest) -> RecordedResponse:
        return json_response(200, {"not": "a spec"}) if "openapi" not in request.url else _answers(request)

    # A given spec file that does not exist fails observation: an event, not an exception.
    target = Target("http://127.0.0.1:9", spec_location="/nonexistent/spec.json")
    result = RunResult(target=target.base_url, started_at="t")
    events = [e async for e in pipeline.run(target, FakeTransport(broken), result)]
    assert isinstance(events[-1], WorkflowFailed) and "observation" in events[-1].error
    assert result.error == events[-1].error and result.requirements is None


async def test_closing_the_stream_cancels_the_running_stage() -> None:
    gate = asyncio.Event()

    class Hanging(FakeTransport):
        async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
            self.requests.append(request)
            await gate.wait()  # never set: the stage hangs until cancelled
            return json_response(200, {})

    transport = Hanging(_answers)
    result = RunResult(target="http://127.0.0.1:9", started_at="t")
    stream = pipeline.run(Target("http://127.0.0.1:9"), transport, result)
    assert isinstance(stream, AsyncGenerator)  # so it can be closed early, as a client going away does
    assert isinstance(await stream.__anext__(), AgentStarted)
    assert isinstance(await stream.__anext__(), AgentProgress)  # the stage task is running now
    await _until(lambda: bool(transport.requests))  # and hangs inside its first request
    await stream.aclose()
    await _until(lambda: not _running_tasks())
    assert not _running_tasks(), _running_tasks()


def _running_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


async def _until(condition: Callable[[], bool], turns: int = 1000) -> None:
    """Let the event loop turn until ``condition`` holds: counted in turns, not in seconds."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def _no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", "/nonexistent")


async def test_each_executed_scenario_is_one_event_inside_the_analysis_stage() -> None:
    result = RunResult(target="http://127.0.0.1:9", started_at="t")
    events = [e async for e in pipeline.run(Target("http://127.0.0.1:9"), FakeTransport(_answers), result)]
    executed = [e for e in events if isinstance(e, ScenarioExecuted)]
    assert result.analysis is not None and result.requirements is not None
    # One per scenario, none twice (in the order they finished, which need not be plan order).
    ids = sorted(e.scenario_id for e in executed)
    assert ids == sorted(r.scenario_id for r in result.analysis.runs) and ids
    titles = {s.id: s.title for s in result.requirements.scenarios}
    runs = {r.scenario_id: r for r in result.analysis.runs}
    for event in executed:
        assert event.name == titles[event.scenario_id] and event.kind == "api"
        assert event.status == runs[event.scenario_id].status
        assert event.total_steps == runs[event.scenario_id].total_steps
    analysis = [i for i, e in enumerate(events) if getattr(e, "agent", None) == "analysis"]
    assert all(analysis[0] < events.index(e) < analysis[-1] for e in executed)


async def test_a_resumed_run_keeps_the_model_use_of_its_completed_stages() -> None:
    """A redelivered workflow resumes with its stored run: the calls made before stay on record
    and count against the run's budget (the model is configured, never reached: nothing listens)."""
    model = language_model(ModelConfig("openai", "m", "http://127.0.0.1:9/v1", "", 1.0, 0))
    ai = AiTier(model, ModelLimits(max_calls=2))

    async def resumed(result: RunResult) -> None:
        target = Target("http://127.0.0.1:9")
        async for _event in pipeline.run(target, FakeTransport(_answers), result, stages=(), ai=ai):
            pass

    earlier = ModelUse("openai:m", calls=2, tokens=90, sent=[SentPrompt("instruction", "s", "u", "answered")])
    result = RunResult(target="http://127.0.0.1:9", started_at="t", model_use=earlier)
    await resumed(result)
    assert result.model_use is earlier and (earlier.calls, len(earlier.sent)) == (2, 1)
    fresh = RunResult(target="http://127.0.0.1:9", started_at="t")
    await resumed(fresh)
    assert fresh.model_use is not None and fresh.model_use.calls == 0
    session = ai.session((), earlier)  # what the resumed stages ask through: its budget is spent
    assert await session.ask("instruction", Prompt("s", "u", "answer", {"type": "object"})) is None
    assert "budget of 2 model calls is spent" in earlier.notes[0] and earlier.calls == 2
