"""What the workflow service keeps about a workflow, and the ports it is served through.

Records are plain dataclasses; ``adapters.store`` persists them, ``adapters.events`` fans
their events out, ``adapters.runner`` runs their jobs. The API and the CLI only see these.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from assay.domain.errors import UsageError
from assay.domain.events import AgentName, Event
from assay.domain.evolution import TestCase
from assay.domain.json import JsonObject
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario
from assay.domain.target import Target

WorkflowStatus = Literal["pending", "running", "completed", "failed", "cancelled"]
AgentStatus = Literal["pending", "running", "completed", "failed"]
WorkflowKind = Literal[
    "generate-tests", "observation", "requirements", "analysis", "evolution", "improve-tests"
]
TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})


class AlreadyFinished(UsageError):
    """A finished workflow cannot be cancelled; read its results instead."""

    code = "ALREADY_FINISHED"


class StageMissing(UsageError):
    """The workflow named to chain from lacks the stage this one needs (run that stage first)."""

    code = "MISSING_STAGE"


@dataclass
class AgentState:
    """One agent's progress inside a workflow (the spec's AgentProgress)."""

    agent: AgentName
    status: AgentStatus = "pending"
    progress: float = 0.0
    message: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    duration_seconds: float | None = None
    confidence: float | None = None
    elements_found: int | None = None
    scenarios_generated: int | None = None
    scenarios_executed: int | None = None
    tests_generated: int | None = None


@dataclass
class WorkflowRecord:
    """A workflow's handle: what GET /workflows/{id} answers. Never holds a secret."""

    id: str
    kind: WorkflowKind
    status: WorkflowStatus
    target: str
    started_at: str
    stages: tuple[AgentName, ...]
    agents: dict[str, AgentState] = field(default_factory=dict)
    instruction: str | None = None
    depth: int = 1
    source_workflow_id: str | None = None
    current_agent: AgentName | None = None
    total_progress: float = 0.0
    estimated_completion: str | None = None
    completed_at: str | None = None
    error: str | None = None
    had_credentials: bool = False
    # Who started it: a digest of the API key (never the key), None on an open server. Another
    # key is told the workflow does not exist.
    owner: str | None = None
    # What the run could not do (a stage, family or check that crashed), one line each.
    incomplete: list[str] = field(default_factory=list)
    # The finished run skipped planned work for its time budget (domain.partial.is_partial).
    partial: bool = False

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class StoredEvent:
    """One event of a workflow's stream, numbered from 1 (the SSE ``id``)."""

    seq: int
    event: str
    data: JsonObject


@dataclass(frozen=True)
class StoredTestCase:
    id: int
    workflow_id: str
    case: TestCase
    created_at: str
    last_result: JsonObject | None = None
    scenario: Scenario | None = None


class WorkflowStore(Protocol):
    """Persistence of workflows, their results, events and test cases."""

    def create(self, record: WorkflowRecord) -> None: ...
    def save(self, record: WorkflowRecord) -> None: ...
    def get(self, workflow_id: str) -> WorkflowRecord | None: ...
    def save_run(self, workflow_id: str, run: RunResult) -> None: ...
    def load_run(self, workflow_id: str) -> RunResult | None: ...
    def add_test_cases(
        self, workflow_id: str, cases: Sequence[TestCase], scenarios: Mapping[str, Scenario] | None = None
    ) -> list[int]: ...
    def test_case_ids(self, workflow_id: str) -> list[int]: ...
    def get_test_case(self, case_id: int) -> StoredTestCase | None: ...
    def update_test_case(self, case_id: int, case: TestCase, last_result: JsonObject | None) -> None: ...
    def append_event(self, workflow_id: str, event: StoredEvent) -> None: ...
    def record_event(self, record: WorkflowRecord, event: StoredEvent) -> None:
        """Append ``event`` with the record's progress (status, agents, totals), not the record."""
        ...

    def events_after(self, workflow_id: str, seq: int) -> list[StoredEvent]: ...
    def unfinished(self) -> list[WorkflowRecord]: ...
    def recent(self, limit: int, owner: str | None = None) -> list[WorkflowRecord]: ...


class EventBus(Protocol):
    """Fans a workflow's events out to live subscribers, replaying what they missed."""

    def open(self, workflow_id: str) -> None: ...
    def publish(self, workflow_id: str, event: StoredEvent) -> None: ...
    def close(self, workflow_id: str) -> None: ...
    def subscribe(self, workflow_id: str, after: int) -> AsyncIterator[StoredEvent] | None: ...


Job = Callable[[CancelToken], Coroutine[Any, Any, None]]


class Runner(Protocol):
    """Runs workflow jobs in the background (in-process now; a queue in distributed mode)."""

    def submit(self, workflow_id: str, job: Job) -> None: ...
    def cancel(self, workflow_id: str) -> bool: ...
    async def wait(self, workflow_id: str, timeout: float) -> bool: ...
    async def shutdown(self) -> None: ...


@runtime_checkable
class QueueView(Protocol):
    """A runner that queues workflows before running them says where a waiting one stands."""

    def position(self, workflow_id: str) -> tuple[int, int] | None:
        """(1-based place, queue length) while it waits; None when it is not queued."""
        ...


class PipelineFn(Protocol):
    """``assay.agents.pipeline.run``'s signature, injected so tests can hand in a fake."""

    def __call__(
        self,
        target: Target,
        transport: HttpTransport,
        result: RunResult,
        *,
        stages: Sequence[AgentName] = ...,
        realtime_execution: bool = True,
        cancel: CancelToken | None = None,
    ) -> AsyncIterator[Event]: ...


TransportFactory = Callable[[Target], AbstractAsyncContextManager[HttpTransport]]
