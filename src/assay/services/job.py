"""One workflow's background job: drive the pipeline, track progress, persist, publish.

The pipeline's own final event is held back: the job first saves results and the final
status, then publishes ``workflow_completed`` / ``workflow_failed`` / ``workflow_cancelled``,
so a client that reacts to that event always finds the results ready.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.model_session import AiTier
from assay.domain import clock
from assay.domain.codec import to_json
from assay.domain.events import (
    AgentCompleted,
    AgentName,
    AgentProgress,
    AgentStarted,
    Event,
    ScenarioExecuted,
    WorkflowCompleted,
    WorkflowFailed,
)
from assay.domain.json import JsonObject
from assay.domain.partial import is_partial
from assay.domain.ports import CancelToken
from assay.domain.queueing import QueuedWorkflow
from assay.domain.redaction import redact_strings, redact_text
from assay.domain.run import RunResult
from assay.domain.suite_run import SuiteRunner
from assay.domain.target import Target
from assay.domain.workflow import EventBus, StoredEvent, WorkflowRecord, WorkflowStatus, WorkflowStore
from assay.services.drive import PipelineDeps, drive

log = logging.getLogger("assay.workflow")
Outcome = tuple[WorkflowStatus, str | None]
CANCELLED_MESSAGE = "Workflow cancelled on request; partial results are kept."
INTERRUPTED_MESSAGE = "The server stopped while this workflow was running; start the workflow again."
NO_OUTCOME_MESSAGE = "The pipeline ended without reporting an outcome."


@dataclass(frozen=True)
class JobDeps(PipelineDeps):
    """The run's dependencies plus where the job keeps and announces what happens."""

    store: WorkflowStore
    bus: EventBus
    # improve-tests with a model: the model (None: not configured) and what runs the tests that
    # check its suggestions against the target (None: suggestions are never asked for).
    ai: AiTier | None = None
    suite_runner: SuiteRunner | None = None


@dataclass
class WorkflowJob:
    """Runs ``record``'s stages on ``run`` (pre-filled with earlier stages when chained)."""

    record: WorkflowRecord
    target: Target
    run: RunResult
    deps: JobDeps
    realtime_execution: bool = True
    seq: int = 0
    # The stages still to run: None, all of the record's; fewer when a redelivered workflow resumes.
    stages: tuple[AgentName, ...] | None = None

    def message(self) -> QueuedWorkflow:
        """What a worker in another process needs besides the store (domain.queueing.Queueable)."""
        return QueuedWorkflow(self.record.id, self.target, self.run.secrets, self.realtime_execution)

    async def __call__(self, cancel: CancelToken) -> None:
        outcome: Outcome = ("failed", NO_OUTCOME_MESSAGE)
        try:
            # Cancelled while queued: it never runs, it only records its end.
            outcome = ("cancelled", CANCELLED_MESSAGE) if cancel.cancelled else await self._drive(cancel)
        except asyncio.CancelledError:
            outcome = (
                ("cancelled", CANCELLED_MESSAGE) if cancel.cancelled else ("failed", INTERRUPTED_MESSAGE)
            )
            raise
        except Exception as exc:
            log.exception("workflow %s crashed", self.record.id)
            outcome = ("failed", f"Internal error ({type(exc).__name__}): {exc}")
        finally:
            await self._finish(outcome)

    async def _drive(self, cancel: CancelToken) -> Outcome:
        self.record.status = "running"
        await self._persist_record()
        final = await drive(
            self.deps,
            self.target,
            self.run,
            self._on_event,
            stages=self.record.stages if self.stages is None else self.stages,
            realtime_execution=self.realtime_execution,
            cancel=cancel,
        )
        if cancel.cancelled:
            return ("cancelled", CANCELLED_MESSAGE)
        if isinstance(final, WorkflowFailed):
            return ("failed", final.error)
        if final is None:
            return ("failed", NO_OUTCOME_MESSAGE)
        return ("completed", None)

    async def _on_event(self, event: Event) -> None:
        """Each event is appended with the small progress row; the stage's outputs and the whole
        record (its instruction may be megabytes) are written only when a stage completes."""
        apply_event(self.record, event, self.run)
        name, data = event_payload(event)
        stored = self._next(name, data)
        if isinstance(event, ScenarioExecuted):
            # It changes nothing in the record: its progress came as an AgentProgress.
            await asyncio.to_thread(self.deps.store.append_event, self.record.id, stored)
        elif isinstance(event, AgentCompleted):
            await asyncio.to_thread(self._stage_completed, stored)
        else:
            await asyncio.to_thread(self.deps.store.record_event, self.record, stored)
        self.deps.bus.publish(self.record.id, stored)

    def _stage_completed(self, stored: StoredEvent) -> None:
        self.deps.store.append_event(self.record.id, stored)
        self.deps.store.save_run(self.record.id, self._redacted_run())
        self.deps.store.save(self.record)

    async def _finish(self, outcome: Outcome) -> None:
        status, error = outcome
        self.run.finished_at = clock.now_iso()
        self.run.cancelled = status == "cancelled"
        self.run.error = error if status != "completed" else None
        # Crashed parts are notes, not failures: the status stays "completed", the notes are kept.
        self.record.incomplete = [redact_text(line, self.run.secrets) for line in self.run.incomplete]
        self.record.partial = is_partial(self.run)
        try:
            await asyncio.to_thread(self._save_outputs)
        except Exception as exc:
            log.exception("workflow %s: saving results failed", self.record.id)
            status, error = "failed", f"Saving results failed ({type(exc).__name__}): {exc}"
        finish_record(self.record, status, error)
        await self._persist_record()
        name = {"completed": "workflow_completed", "cancelled": "workflow_cancelled"}.get(
            status, "workflow_failed"
        )
        data: JsonObject = {"status": status, "timestamp": self.record.completed_at}
        if error:
            data["error"] = error
        await self._emit(name, data)
        self.deps.bus.close(self.record.id)

    def _save_outputs(self) -> None:
        evolution = self.run.evolution
        if evolution is not None and "evolution" in self.record.stages:
            cases = [
                dataclasses.replace(c, code=redact_text(c.code, self.run.secrets))
                for c in evolution.test_cases
            ]
            requirements = self.run.requirements
            scenarios = {s.id: s for s in requirements.scenarios} if requirements is not None else {}
            # Written once per workflow: a redelivered one finds its cases stored and keeps them.
            ids = self.deps.store.test_case_ids(self.record.id)
            ids = ids or self.deps.store.add_test_cases(self.record.id, cases, scenarios)
            numbered = tuple(dataclasses.replace(c, id=i) for c, i in zip(cases, ids, strict=False))
            self.run.evolution = dataclasses.replace(evolution, test_cases=numbered)
        self.deps.store.save_run(self.record.id, self._redacted_run())

    def _redacted_run(self) -> RunResult:
        if not self.run.secrets:
            return self.run
        return redact_run(self.run, self.run.secrets)

    def _next(self, name: str, data: JsonObject) -> StoredEvent:
        self.seq += 1
        return StoredEvent(seq=self.seq, event=name, data={"workflow_id": self.record.id, **data})

    async def _emit(self, name: str, data: JsonObject) -> None:
        stored = self._next(name, data)
        await asyncio.to_thread(self.deps.store.append_event, self.record.id, stored)
        self.deps.bus.publish(self.record.id, stored)

    async def _persist_record(self) -> None:
        await asyncio.to_thread(self.deps.store.save, self.record)


def event_payload(event: Event) -> tuple[str, JsonObject]:
    """The SSE event name and data of a pipeline event."""
    names: dict[type, str] = {
        AgentStarted: "agent_started",
        AgentProgress: "agent_progress",
        AgentCompleted: "agent_completed",
        ScenarioExecuted: "scenario_executed",
        WorkflowCompleted: "workflow_completed",
        WorkflowFailed: "workflow_failed",
    }
    data = to_json(event)
    payload: JsonObject = dict(data) if isinstance(data, dict) else {}
    payload.pop("kind", None)
    return names[type(event)], payload


def apply_event(record: WorkflowRecord, event: Event, run: RunResult) -> None:
    """Update the workflow's progress from one pipeline event."""
    if isinstance(event, AgentStarted | AgentProgress | AgentCompleted):
        state = record.agents.get(event.agent)
        if state is None:
            return
        if isinstance(event, AgentStarted):
            state.status, state.started_at, state.progress = "running", event.timestamp, 0.0
            record.current_agent = event.agent
        elif isinstance(event, AgentProgress):
            state.progress = max(0.0, min(1.0, event.progress))
            state.message = event.message
        else:
            state.status, state.progress, state.completed_at = "completed", 1.0, event.timestamp
            state.duration_seconds = event.duration_seconds
            state.elements_found = event.elements_found
            state.scenarios_generated = event.scenarios_generated
            state.scenarios_executed = event.scenarios_executed
            state.tests_generated = event.tests_generated
            if event.agent == "observation" and run.observation is not None:
                state.confidence = run.observation.confidence
    _update_totals(record)


def _update_totals(record: WorkflowRecord) -> None:
    states = [record.agents[a] for a in record.stages if a in record.agents]
    record.total_progress = sum(s.progress for s in states) / len(states) if states else 0.0
    if 0.0 < record.total_progress < 1.0:
        started = clock.parse(record.started_at)
        elapsed = clock.now() - started
        record.estimated_completion = clock.iso(started + elapsed / record.total_progress)
    elif record.total_progress >= 1.0:
        record.estimated_completion = None


def finish_record(record: WorkflowRecord, status: WorkflowStatus, error: str | None) -> None:
    """Mark the workflow finished; an agent still running is marked failed with why."""
    record.status, record.error, record.completed_at = status, error, clock.now_iso()
    for state in record.agents.values():
        if state.status == "running":
            state.status = "failed"
            state.message = error
    record.current_agent = None
    if status == "completed":
        record.total_progress = 1.0
    record.estimated_completion = None


def redact_run(run: RunResult, secrets: Sequence[str]) -> RunResult:
    """A copy of ``run`` whose stage outputs and findings carry no secret value."""
    from assay.domain.codec import from_json

    # Exchanges are not persisted (too large); leaving them out keeps the round trip cheap.
    bare = dataclasses.replace(run, exchanges=[], secrets=())
    return from_json(RunResult, redact_strings(to_json(bare), secrets))
