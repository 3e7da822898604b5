"""The four agents in sequence, as one stream of typed events.

Every consumer (CLI progress, SSE, the store, reports) reads this stream; nothing is ever thrown
through the consumer. Besides its progress, the analysis stage yields one ``ScenarioExecuted``
per scenario it ran or skipped, as each finishes. ``result`` is filled in place, so whatever
finished before a failure or a cancel is kept.

Two kinds of trouble, told apart on purpose:

- A **failure** ends the workflow with a ``WorkflowFailed`` event: the run was cancelled, the
  target cannot be observed at all (unreachable, hanging, a given spec that cannot be used:
  an ``AssayError`` from observation), or the target stopped answering mid-run.
- A **crash** (an unexpected exception, a bug in assay or a Playwright error in one stage) is
  not the end: the stage's ``AgentCompleted`` still comes, preceded by an ``AgentProgress``
  whose message is the crash line, the line is added to ``result.incomplete``, the stage's
  output is replaced by an empty one where later stages need it, and the run goes on to
  ``WorkflowCompleted``. Crashes inside a stage (one security family, one oracle, the UI part
  of the analysis) are isolated the same way, deeper down, and reach ``result.incomplete`` too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from assay.agents import run_clock
from assay.agents.analysis.agent import analyse
from assay.agents.evolution.agent import evolve
from assay.agents.model_session import AiTier, ModelSession
from assay.agents.observation.agent import observe
from assay.agents.requirements import model_scenarios
from assay.agents.requirements.agent import generate
from assay.domain.analysis import EXECUTED
from assay.domain.clock import now_iso
from assay.domain.crashes import crash_note
from assay.domain.errors import AssayError, MissingInput
from assay.domain.events import (
    AGENTS,
    AgentCompleted,
    AgentName,
    AgentProgress,
    AgentStarted,
    Event,
    ScenarioExecuted,
    WorkflowCompleted,
    WorkflowFailed,
)
from assay.domain.locator_book import LocatorBook
from assay.domain.observation import Observation
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageItem, CoverageMetrics, RequirementsResult
from assay.domain.target import Target
from assay.pages.browser import BrowserPort


@dataclass
class _Stage:
    """What one running stage shares with the event loop below."""

    agent: AgentName
    queue: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)
    counts: dict[str, int | None] = field(default_factory=dict)
    failure: str | None = None  # the run cannot go on: cancelled, the target unusable or gone
    crash: str | None = None  # the stage raised unexpectedly: the run goes on without its output

    def progress(self, fraction: float, message: str, counters: dict[str, int]) -> None:
        self.queue.put_nowait(
            AgentProgress(self.agent, min(max(fraction, 0.0), 1.0), message, dict(counters))
        )

    def scenario(self, event: ScenarioExecuted) -> None:
        self.queue.put_nowait(event)


StageFn = Callable[[_Stage], Awaitable[None]]


@dataclass(frozen=True)
class _Tools:
    """What the stages are handed besides the transport: the browser and the optional model."""

    browser: BrowserPort | None
    model: ModelSession | None = None  # None: no model configured, nothing is ever sent to one
    book: LocatorBook | None = None  # where healed locators are written back (with a model only)


async def run(
    target: Target,
    transport: HttpTransport,
    result: RunResult,
    *,
    stages: Sequence[AgentName] = AGENTS,
    realtime_execution: bool = True,
    cancel: CancelToken | None = None,
    browser: BrowserPort | None = None,
    ai: AiTier | None = None,
) -> AsyncIterator[Event]:
    """Run ``stages`` in order against ``target``; yields events, fills ``result``."""
    result.secrets = tuple({*result.secrets, *(s for c in target.credentials for s in c.secrets)})
    model = ai.session(result.secrets, result.model_use) if ai is not None else None
    if model is not None:
        result.model_use = model.use
    result.ledger = target.ledger  # shared: every stage's creations show in the run's outputs
    # The run's budgets are charged from here, when it starts running, not from when it was
    # queued, and not for the time its event loop is starved (agents/run_clock.py).
    async with run_clock.measured(transport) as measured:
        tools = _Tools(browser, model, ai.book if ai is not None else None)
        bodies = _stage_bodies(target, measured.transport, result, realtime_execution, cancel, tools)
        for agent in stages:
            if cancel is not None and cancel.cancelled:
                result.cancelled = True
                yield _fail(result, f"cancelled before the {agent} agent started")
                return
            stage = _Stage(agent)
            started = time.perf_counter()
            yield AgentStarted(agent, now_iso())
            async for event in _drive(stage, bodies[agent], measured):
                yield event
            if stage.failure is not None:
                yield _fail(result, stage.failure)
                return
            if stage.crash is not None:
                result.incomplete.append(stage.crash)
                _stand_in(agent, target, result, stage.crash)
                yield AgentProgress(agent, 1.0, stage.crash, {})
            yield AgentCompleted(
                agent, now_iso(), round(time.perf_counter() - started, 3), **_completed(stage)
            )
    result.finished_at = now_iso()
    yield WorkflowCompleted(result.finished_at)


async def _drive(stage: _Stage, body: StageFn, measured: run_clock.Measured) -> AsyncIterator[Event]:
    """Run one stage as a task, relaying its progress events while it works."""
    task = asyncio.create_task(_guarded(stage, body, measured))
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


async def _guarded(stage: _Stage, body: StageFn, measured: run_clock.Measured) -> None:
    run_clock.use(measured.clock)  # this task's context: the run's own clock
    try:
        await body(stage)
    except MissingInput as exc:
        stage.failure = f"{stage.agent} agent: {exc}"
    except AssayError as exc:
        # Observation's own errors mean there is nothing to test (the target cannot be reached,
        # the spec given cannot be read); later stages' are one more crash to note.
        if stage.agent == "observation":
            stage.failure = f"{stage.agent} agent: {exc}"
        else:
            stage.crash = crash_note(f"{stage.agent} agent", exc, _SKIPPED[stage.agent])
    except Exception as exc:  # a bug in an agent is a note: the stages after it still run
        stage.crash = crash_note(f"{stage.agent} agent", exc, _SKIPPED[stage.agent])


_SKIPPED: dict[AgentName, str] = {
    "observation": "nothing was observed; the later stages ran with an empty observation",
    "requirements": "no scenarios were written; the later stages ran without them",
    "analysis": "its scenario results and findings were lost",
    "evolution": "no test suite was generated",
}


def _stand_in(agent: AgentName, target: Target, result: RunResult, crash: str) -> None:
    """An empty output in place of a crashed stage's, so that the stages after it can run."""
    if agent == "observation" and result.observation is None:
        result.observation = Observation(target=target.base_url, kind="unknown", notes=(crash,))
    elif agent == "requirements" and result.requirements is None:
        coverage = CoverageMetrics(0, 0, {}, (), (CoverageItem("all operations", crash),))
        result.requirements = RequirementsResult((), (), {}, coverage)


def _fail(result: RunResult, error: str) -> WorkflowFailed:
    result.error = error
    result.finished_at = now_iso()
    return WorkflowFailed(result.finished_at, error)


def _completed(stage: _Stage) -> dict[str, int | None]:
    keys = ("elements_found", "scenarios_generated", "scenarios_executed", "tests_generated")
    return {k: stage.counts.get(k) for k in keys}


async def _requirements(
    observation: Observation, instruction: str | None, model: ModelSession | None
) -> RequirementsResult:
    """The scenarios, focused by the model's reading of ``instruction`` when a model is configured
    and answers usably, else by its keywords (as without a model)."""
    if model is not None and instruction:
        plain = await asyncio.to_thread(generate, observation, None)
        instructed = await model_scenarios.with_model(model, observation, plain, instruction)
        if instructed is not None:
            return instructed
    return await asyncio.to_thread(generate, observation, instruction)


def _stage_bodies(
    target: Target,
    transport: HttpTransport,
    result: RunResult,
    realtime_execution: bool,
    cancel: CancelToken | None,
    tools: _Tools,
) -> dict[AgentName, StageFn]:
    browser = tools.browser

    async def observation(stage: _Stage) -> None:
        result.observation = await observe(target, transport, stage.progress, browser)
        result.incomplete.extend(result.observation.incomplete)
        # The spec's field counts UI elements; an API's operations are not elements (they are
        # reported as the observation's operations), so an API-only target finds 0 elements.
        stage.counts["elements_found"] = len(result.observation.ui_elements)

    async def requirements(stage: _Stage) -> None:
        if result.observation is None:
            raise MissingInput("the requirements agent needs an observation result")
        # Pure CPU work (up to seconds on a large API): off the event loop, which serves the API.
        result.requirements = await _requirements(result.observation, target.instruction, tools.model)
        stage.counts["scenarios_generated"] = len(result.requirements.scenarios)

    async def analysis(stage: _Stage) -> None:
        if result.observation is None or result.requirements is None:
            raise MissingInput("the analysis agent needs observation and requirements results")
        # The API side joins its paths to where the API lives, which a web page's path is not.
        api_target = replace(target, base_url=result.observation.api_base_url)
        outcome = await analyse(
            result.observation, result.requirements, api_target, transport,
            execute=realtime_execution, progress=stage.progress, cancel=cancel, browser=browser,
            on_scenario=stage.scenario, model=tools.model, book=tools.book,
        )  # fmt: skip
        result.analysis = outcome.result
        result.exchanges = list(outcome.exchanges)
        result.findings = list(outcome.findings)
        result.secrets = tuple({*result.secrets, *outcome.secrets})
        result.incomplete.extend(outcome.incomplete)
        # Executed means run (passed, failed or errored), the count every report uses.
        stage.counts["scenarios_executed"] = sum(1 for r in outcome.result.runs if r.status in EXECUTED)
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            stage.failure = "cancelled during the analysis agent; partial results kept"
        elif outcome.target_failure:
            stage.failure = f"the target stopped answering: {outcome.target_failure}; partial results kept"

    async def evolution(stage: _Stage) -> None:
        if result.observation is None or result.requirements is None:
            raise MissingInput("the evolution agent needs observation, requirements and analysis results")
        result.evolution = await asyncio.to_thread(
            evolve, result.observation, result.requirements, result.analysis, result.findings
        )
        stage.counts["tests_generated"] = len(result.evolution.test_cases)

    return {
        "observation": observation,
        "requirements": requirements,
        "analysis": analysis,
        "evolution": evolution,
    }
