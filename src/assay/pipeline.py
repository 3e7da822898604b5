"""The four agents in sequence, as one stream of typed events.

Every consumer (CLI progress, SSE, the store, reports) reads this stream; a stage failure is a
``WorkflowFailed`` event and never an exception thrown through the consumer. ``result`` is
filled in place, so whatever finished before a failure or a cancel is kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assay.agents.analysis import analyse
from assay.agents.evolution import evolve
from assay.agents.observation import observe
from assay.agents.requirements import generate
from assay.domain.events import (
    AGENTS,
    AgentCompleted,
    AgentName,
    AgentProgress,
    AgentStarted,
    Event,
    WorkflowCompleted,
    WorkflowFailed,
)
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.errors import AssayError, MissingInput
from assay.ports import CancelToken, HttpTransport


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Stage:
    """What one running stage shares with the event loop below."""

    agent: AgentName
    queue: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)
    counts: dict[str, int | None] = field(default_factory=dict)
    failure: str | None = None  # a non-fatal stop the stage reports (the target died mid-run)

    def progress(self, fraction: float, message: str, counters: dict[str, int]) -> None:
        self.queue.put_nowait(
            AgentProgress(self.agent, min(max(fraction, 0.0), 1.0), message, dict(counters))
        )


StageFn = Callable[[_Stage], Awaitable[None]]


async def run(
    target: Target,
    transport: HttpTransport,
    result: RunResult,
    *,
    stages: Sequence[AgentName] = AGENTS,
    realtime_execution: bool = True,
    cancel: CancelToken | None = None,
) -> AsyncIterator[Event]:
    """Run ``stages`` in order against ``target``; yields events, fills ``result``."""
    result.secrets = tuple({*result.secrets, *(s for c in target.credentials for s in c.secrets)})
    result.ledger = target.ledger  # shared: every stage's creations show in the run's outputs
    bodies = _stage_bodies(target, transport, result, realtime_execution, cancel)
    for agent in stages:
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            yield _fail(result, f"cancelled before the {agent} agent started")
            return
        stage = _Stage(agent)
        started = time.perf_counter()
        yield AgentStarted(agent, now_iso())
        async for event in _drive(stage, bodies[agent]):
            yield event
        if stage.failure is not None:
            yield _fail(result, stage.failure)
            return
        yield AgentCompleted(agent, now_iso(), round(time.perf_counter() - started, 3), **_completed(stage))
    result.finished_at = now_iso()
    yield WorkflowCompleted(result.finished_at)


async def _drive(stage: _Stage, body: StageFn) -> AsyncIterator[Event]:
    """Run one stage as a task, relaying its progress events while it works."""
    task = asyncio.create_task(_guarded(stage, body))
    getter: asyncio.Task[Event] | None = None
    try:
        while True:
            getter = asyncio.create_task(stage.queue.get())
            done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield getter.result()
                continue
            getter.cancel()
            while not stage.queue.empty():
                yield stage.queue.get_nowait()
            return
    finally:
        # A consumer that stops listening (a hard cancel, a closed stream) must not leave the
        # stage running in the background, still sending traffic to the target.
        for pending in (task, getter):
            if pending is not None and not pending.done():
                pending.cancel()


async def _guarded(stage: _Stage, body: StageFn) -> None:
    try:
        await body(stage)
    except AssayError as exc:
        stage.failure = f"{stage.agent} agent: {exc}"
    except Exception as exc:  # a bug in an agent must still end the workflow cleanly
        stage.failure = f"{stage.agent} agent crashed: {type(exc).__name__}: {exc}"


def _fail(result: RunResult, error: str) -> WorkflowFailed:
    result.error = error
    result.finished_at = now_iso()
    return WorkflowFailed(result.finished_at, error)


def _completed(stage: _Stage) -> dict[str, int | None]:
    keys = ("elements_found", "scenarios_generated", "scenarios_executed", "tests_generated")
    return {k: stage.counts.get(k) for k in keys}


def _stage_bodies(
    target: Target,
    transport: HttpTransport,
    result: RunResult,
    realtime_execution: bool,
    cancel: CancelToken | None,
) -> dict[AgentName, StageFn]:
    async def observation(stage: _Stage) -> None:
        result.observation = await observe(target, transport, stage.progress)
        api = result.observation.api
        stage.counts["elements_found"] = len(api.operations) if api else len(result.observation.ui_elements)

    async def requirements(stage: _Stage) -> None:
        if result.observation is None:
            raise MissingInput("the requirements agent needs an observation result")
        result.requirements = generate(result.observation, target.instruction)
        stage.counts["scenarios_generated"] = len(result.requirements.scenarios)

    async def analysis(stage: _Stage) -> None:
        if result.observation is None or result.requirements is None:
            raise MissingInput("the analysis agent needs observation and requirements results")
        outcome = await analyse(
            result.observation, result.requirements, target, transport,
            execute=realtime_execution, progress=stage.progress, cancel=cancel,
        )  # fmt: skip
        result.analysis = outcome.result
        result.exchanges = list(outcome.exchanges)
        result.findings = list(outcome.findings)
        result.secrets = tuple({*result.secrets, *outcome.secrets})
        stage.counts["scenarios_executed"] = len(outcome.result.runs)
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            stage.failure = "cancelled during the analysis agent; partial results kept"
        elif outcome.target_failure:
            stage.failure = f"the target stopped answering: {outcome.target_failure}; partial results kept"

    async def evolution(stage: _Stage) -> None:
        if result.observation is None or result.requirements is None:
            raise MissingInput("the evolution agent needs observation, requirements and analysis results")
        result.evolution = evolve(result.observation, result.requirements, result.analysis, result.findings)
        stage.counts["tests_generated"] = len(result.evolution.test_cases)

    return {
        "observation": observation,
        "requirements": requirements,
        "analysis": analysis,
        "evolution": evolution,
    }
