"""Use cases shared by the HTTP API and the CLI: start, status, results, cancel, stream."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from assay.agents.model_session import AiTier
from assay.domain.analysis import AnalysisResult
from assay.domain.clock import now_iso
from assay.domain.codec import from_json
from assay.domain.errors import MissingInput, NotFound, NotReady, UsageError
from assay.domain.events import AGENTS, AgentName
from assay.domain.host_policy import TargetPolicy
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.scenarios import RequirementsResult
from assay.domain.suite_run import SuiteRunner
from assay.domain.target import Credentials, MailServer, Target
from assay.domain.workflow import (
    AgentState,
    AlreadyFinished,
    EventBus,
    PipelineFn,
    QueueView,
    Runner,
    StageMissing,
    StoredEvent,
    StoredTestCase,
    TransportFactory,
    WorkflowKind,
    WorkflowRecord,
    WorkflowStore,
)
from assay.services.job import INTERRUPTED_MESSAGE, JobDeps, WorkflowJob, finish_record

STAGES: dict[WorkflowKind, tuple[AgentName, ...]] = {
    "generate-tests": AGENTS,
    "observation": ("observation",),
    "requirements": ("requirements",),
    "analysis": ("analysis",),
    "evolution": ("evolution",),
    "improve-tests": ("analysis", "evolution"),
}


@dataclass(frozen=True)
class StartRequest:
    """A trigger, already validated for shape by the edge (API schemas or CLI flags)."""

    kind: WorkflowKind
    url: str | None = None
    instruction: str | None = None
    depth: int = 1
    credentials: tuple[Credentials, ...] = ()
    extra_secrets: tuple[str, ...] = field(default=(), repr=False)
    source_workflow_id: str | None = None
    observation: JsonObject | None = None
    requirements: JsonObject | None = None
    analysis: JsonObject | None = None
    owner: str | None = None  # the caller (a digest of its API key); None on an open server


def visible(record: WorkflowRecord, caller: str | None) -> bool:
    """``caller`` may see ``record``: its own, or anything on an open server (no API keys)."""
    return caller is None or record.owner == caller


def _not_found(workflow_id: str) -> NotFound:
    # The same words for an unknown id and another key's workflow: existence is not disclosed.
    return NotFound(f"No workflow {workflow_id!r}; start one with a POST and use the id it returns.")


class RecordCache:
    """Workflow records served from memory: the live ones this process runs (the job mutates them
    in place, so they are always current) and recently read finished ones (which never change).

    A workflow running in another process, or evicted, is read from the store instead.
    """

    def __init__(self, size: int = 4096) -> None:
        self._records: OrderedDict[str, WorkflowRecord] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, workflow_id: str) -> WorkflowRecord | None:
        with self._lock:
            record = self._records.get(workflow_id)
            if record is not None:
                self._records.move_to_end(workflow_id)
            return record

    def put(self, record: WorkflowRecord) -> None:
        with self._lock:
            self._records[record.id] = record
            self._records.move_to_end(record.id)
            while len(self._records) > self._size:
                self._records.popitem(last=False)


@dataclass(frozen=True)
class WorkflowResults:
    record: WorkflowRecord
    run: RunResult
    test_case_ids: list[int]


class WorkflowService:
    """The workflow use cases; built once by ``assay.bootstrap``."""

    def __init__(
        self,
        *,
        store: WorkflowStore,
        bus: EventBus,
        runner: Runner,
        pipeline: PipelineFn,
        transport_factory: TransportFactory,
        policy: TargetPolicy,
        realtime_execution: bool = True,
        cancel_grace_seconds: float = 5.0,
        mail_server: MailServer | None = None,
        local_jobs: bool = True,
        ai: AiTier | None = None,
        suite_runner: SuiteRunner | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.runner = runner
        self.policy = policy
        self.realtime_execution = realtime_execution
        self.cancel_grace_seconds = cancel_grace_seconds
        self.mail_server = mail_server or MailServer()
        self.deps = JobDeps(
            store=store,
            bus=bus,
            pipeline=pipeline,
            transport_factory=transport_factory,
            ai=ai,
            suite_runner=suite_runner,
        )
        self.records = RecordCache()
        # False in distributed mode: jobs run on workers, so a live record is read from the store.
        self.local_jobs = local_jobs
        self.queue = runner if isinstance(runner, QueueView) else None

    async def start(self, request: StartRequest) -> WorkflowRecord:
        """Create a workflow, queue its job, and return its handle (status ``pending``)."""
        run, target = await asyncio.to_thread(self._prepare, request)
        record = self.new_record(request, target)
        # Without a known target URL (inline inputs) there is nothing to execute against.
        realtime = self.realtime_execution and bool(target.base_url)
        return await self.launch(WorkflowJob(record, target, run, self.deps, realtime_execution=realtime))

    async def launch(self, job: WorkflowJob) -> WorkflowRecord:
        """Persist a new workflow with its (pre-filled) run and queue its job."""
        await asyncio.to_thread(self._persist_new, job.record, job.run)
        if self.local_jobs:
            self.records.put(job.record)
        self.bus.open(job.record.id)
        self.runner.submit(job.record.id, job)
        return job.record

    def status(self, workflow_id: str, caller: str | None = None) -> WorkflowRecord:
        """The workflow's record: from memory when this process runs it or it has finished; a
        queued one says where it stands in its first agent's message.

        NotFound when there is none, or when it is another caller's.
        """
        return self._shown(self._record(workflow_id, caller))

    async def status_async(self, workflow_id: str, caller: str | None = None) -> WorkflowRecord:
        """``status`` for the event loop: the store, when needed, is read in a worker thread."""
        return self._shown(await self._record_async(workflow_id, caller))

    def _shown(self, record: WorkflowRecord) -> WorkflowRecord:
        """``record`` as a client sees it: while queued, a copy saying its place in the queue."""
        queued = self.queue is not None and record.status == "pending"
        place = self.queue.position(record.id) if self.queue is not None and queued else None
        if place is None or not record.stages:
            return record
        first = record.stages[0]
        agents = dict(record.agents)
        if first in agents:
            agents[first] = dataclasses.replace(agents[first], message=queued_message(*place))
        return dataclasses.replace(record, agents=agents)

    def _record(self, workflow_id: str, caller: str | None) -> WorkflowRecord:
        record = self.records.get(workflow_id)
        if record is None:
            # No id holds a NUL (ids are UUIDs), and PostgreSQL refuses one even in a query.
            record = self.store.get(workflow_id) if "\x00" not in workflow_id else None
            if record is not None and record.finished:
                self.records.put(record)
        if record is None or not visible(record, caller):
            raise _not_found(workflow_id)
        return record

    async def _record_async(self, workflow_id: str, caller: str | None) -> WorkflowRecord:
        record = self.records.get(workflow_id)
        if record is None:
            return await asyncio.to_thread(self._record, workflow_id, caller)
        if not visible(record, caller):
            raise _not_found(workflow_id)
        return record

    def recent(self, limit: int = 50, caller: str | None = None) -> list[WorkflowRecord]:
        """The newest workflows first (``caller``'s only, when given); live ones as they are now."""
        return [self._shown(self.records.get(r.id) or r) for r in self.store.recent(limit, caller)]

    def results(self, workflow_id: str, caller: str | None = None) -> WorkflowResults:
        """Results of a finished workflow; NotReady while it is pending or running."""
        record = self.status(workflow_id, caller)
        if not record.finished:
            raise NotReady(f"Workflow {workflow_id} is {record.status}; poll its status until it finishes.")
        run = self.store.load_run(workflow_id) or RunResult(
            target=record.target, started_at=record.started_at
        )
        run.incomplete = run.incomplete or list(record.incomplete)  # kept on the record, see job
        return WorkflowResults(record, run, self.store.test_case_ids(workflow_id))

    async def cancel(self, workflow_id: str, caller: str | None = None) -> WorkflowRecord:
        """Stop a workflow at its next step (a queued one at once); returns its final status."""
        record = await self._record_async(workflow_id, caller)
        if record.status in {"completed", "failed"}:
            raise AlreadyFinished(f"Workflow {workflow_id} already {record.status}; nothing to cancel.")
        if record.status == "cancelled":
            return record
        if self.runner.cancel(workflow_id):
            await self.runner.wait(workflow_id, self.cancel_grace_seconds)
        else:  # no live job (not started on a worker, or lost): mark it here and tell the stream
            finish_record(record, "cancelled", "Workflow cancelled on request.")
            await asyncio.to_thread(self._record_cancelled, record)
            self.records.put(record)
        return await self.status_async(workflow_id)

    async def stream(
        self, workflow_id: str, after: int = 0, caller: str | None = None
    ) -> AsyncIterator[StoredEvent]:
        """The workflow's events after ``after`` (Last-Event-ID), then live ones until it ends."""
        await self.status_async(workflow_id, caller)
        live = self.bus.subscribe(workflow_id, after)
        if live is not None:
            async for event in live:
                yield event
            return
        for event in await asyncio.to_thread(self.store.events_after, workflow_id, after):
            yield event

    def test_case(self, case_id: int, caller: str | None = None) -> StoredTestCase:
        """A stored test case; NotFound when there is none or its workflow is another caller's."""
        case = self.store.get_test_case(case_id)
        if case is not None and caller is not None:
            owner = self.store.get(case.workflow_id)
            case = case if owner is not None and visible(owner, caller) else None
        if case is None:
            raise NotFound(f"No test case {case_id}; test case ids come from a workflow's results.")
        return case

    def recover(self) -> int:
        """At start: mark workflows left running by a stopped server as failed, with why."""
        stale = self.store.unfinished()
        for record in stale:
            where = f" (during {record.current_agent})" if record.current_agent else ""
            finish_record(record, "failed", INTERRUPTED_MESSAGE.replace("running;", f"running{where};"))
            self.store.save(record)
            events = self.store.events_after(record.id, 0)
            seq = events[-1].seq + 1 if events else 1
            data: JsonObject = {"workflow_id": record.id, "status": "failed", "error": record.error}
            data["timestamp"] = record.completed_at
            self.store.append_event(record.id, StoredEvent(seq, "workflow_failed", data))
        return len(stale)

    def _record_cancelled(self, record: WorkflowRecord) -> None:
        self.store.save(record)
        events = self.store.events_after(record.id, 0)
        data: JsonObject = {"workflow_id": record.id, "status": "cancelled", "timestamp": record.completed_at}
        event = StoredEvent(events[-1].seq + 1 if events else 1, "workflow_cancelled", data)
        self.store.append_event(record.id, event)
        self.bus.publish(record.id, event)
        self.bus.close(record.id)

    def _persist_new(self, record: WorkflowRecord, run: RunResult) -> None:
        self.store.create(record)
        self.store.save_run(record.id, run)

    def new_record(self, request: StartRequest, target: Target) -> WorkflowRecord:
        stages = STAGES[request.kind]
        return WorkflowRecord(
            id=str(uuid.uuid4()),
            kind=request.kind,
            status="pending",
            target=target.base_url,
            started_at=now_iso(),
            stages=stages,
            agents={a: AgentState(agent=a) for a in stages},
            instruction=request.instruction,
            depth=request.depth,
            source_workflow_id=request.source_workflow_id,
            had_credentials=bool(request.credentials),
            owner=request.owner,
        )

    def _prepare(self, request: StartRequest) -> tuple[RunResult, Target]:
        """Check the input rules of the spec and build the (pre-filled) run and target."""
        if request.kind in {"generate-tests", "observation"}:
            if not request.url:
                raise MissingInput("`url` is required: the address of the site or API to test.")
            self.policy.check(request.url)
            run = RunResult(target=request.url, started_at=now_iso())
        else:
            run = self._chained_run(request)
            if run.target and "analysis" in STAGES[request.kind] and self.realtime_execution:
                self.policy.check(run.target)
        secrets = tuple(s for c in request.credentials for s in c.secrets) + request.extra_secrets
        run.secrets = tuple(s for s in secrets if s)
        target = Target(
            base_url=run.target,
            credentials=tuple(self.mail_server.serve(c) for c in request.credentials),
            instruction=request.instruction,
            depth=request.depth,
        )
        return run, target

    def _chained_run(self, request: StartRequest) -> RunResult:
        needs = _needed_inputs(request.kind)
        inline = {"observation": request.observation, "requirements": request.requirements}
        inline["analysis"] = request.analysis
        if request.source_workflow_id is not None:
            if all(inline[n] is not None for n in needs):
                raise MissingInput("Give either `workflow_id` or the inline results, not both.")
            return self._run_from_workflow(request.source_workflow_id, needs, request.owner)
        missing = [f"{n}_result" for n in needs if inline[n] is None]
        if missing:
            raise MissingInput(f"Give `workflow_id` of an earlier workflow, or inline {', '.join(missing)}.")
        return _inline_run(request)

    def _run_from_workflow(self, source_id: str, needs: tuple[str, ...], caller: str | None) -> RunResult:
        source = self.status(source_id, caller)
        if source.status != "completed":
            raise NotReady(f"Workflow {source_id} is {source.status}; chain from it once it has completed.")
        run = self.store.load_run(source_id)
        missing = [n for n in needs if run is None or getattr(run, n) is None]
        if run is None or missing:
            names = ", ".join(m + "_result" for m in missing)
            raise StageMissing(f"Workflow {source_id} has no {names}; run the earlier stage on it first.")
        fresh = RunResult(target=run.target, started_at=now_iso(), observation=run.observation)
        fresh.requirements, fresh.analysis, fresh.findings = (
            run.requirements,
            run.analysis,
            list(run.findings),
        )
        return fresh


def queued_message(place: int, of: int) -> str:
    """What a queued workflow's first agent says (its status stays ``pending``)."""
    return f"queued: position {place} of {of}"


def _needed_inputs(kind: WorkflowKind) -> tuple[str, ...]:
    return {
        "requirements": ("observation",),
        "analysis": ("observation", "requirements"),
        "evolution": ("observation", "requirements", "analysis"),
    }.get(kind, ())


def _inline_run(request: StartRequest) -> RunResult:
    try:
        observation = from_json(Observation, request.observation) if request.observation else None
        requirements = from_json(RequirementsResult, request.requirements) if request.requirements else None
        analysis = from_json(AnalysisResult, request.analysis) if request.analysis else None
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(
            f"An inline result could not be read ({exc}); send what a results call returned."
        ) from exc
    target = observation.target if observation is not None else ""
    run = RunResult(target=target, started_at=now_iso(), observation=observation)
    run.requirements, run.analysis = requirements, analysis
    return run
