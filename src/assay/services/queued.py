"""A worker's side of distributed mode: run a workflow taken from the queue, or resume it.

A message can arrive twice (its first worker died; the broker redelivers it). The store says
how far the workflow got: a finished one is left alone, and a running one goes on from the
first stage it had not completed, numbering its events after the stored ones. Stage outputs and
findings are saved when a stage completes, so a resumed stage starts from what was saved before
it and nothing it adds is counted twice.
"""

from __future__ import annotations

import asyncio
import logging

from assay.domain.ports import CancelToken
from assay.domain.queueing import QueuedWorkflow
from assay.domain.run import RunResult
from assay.services.improve import ImproveJob
from assay.services.job import JobDeps, WorkflowJob

log = logging.getLogger("assay.worker")


def resumed_job(message: QueuedWorkflow, deps: JobDeps) -> WorkflowJob | None:
    """The job for ``message`` from where the store says it stands; None when nothing is left."""
    record = deps.store.get(message.workflow_id)
    if record is None or record.finished:
        return None
    run = deps.store.load_run(record.id) or RunResult(target=record.target, started_at=record.started_at)
    run.secrets = message.secrets
    run.incomplete = list(record.incomplete)
    done = {name for name, state in record.agents.items() if state.status == "completed"}
    remaining = tuple(a for a in record.stages if a not in done)
    events = deps.store.events_after(record.id, 0)
    if len(remaining) < len(record.stages):
        log.info("workflow %s resumes at %s", record.id, remaining[0] if remaining else "its results")
    seq = events[-1].seq if events else 0
    if message.improve_cases:
        # improve-tests: the same job with the cases it improves (as stored now: a redelivered
        # message finds those an earlier delivery already improved).
        cases = tuple(c for c in map(deps.store.get_test_case, message.improve_cases) if c is not None)
        return ImproveJob(
            record, message.target, run, deps, message.realtime_execution, seq, remaining,
            cases=cases, max_iterations=message.max_iterations,
        )  # fmt: skip
    return WorkflowJob(
        record,
        message.target,
        run,
        deps,
        realtime_execution=message.realtime_execution,
        seq=seq,
        stages=remaining,
    )


async def run_queued(message: QueuedWorkflow, cancel: CancelToken, deps: JobDeps) -> None:
    """Run (or resume) one queued workflow to its end."""
    job = await asyncio.to_thread(resumed_job, message, deps)
    if job is None:
        log.info("workflow %s has already ended; nothing to do", message.workflow_id)
        return
    await job(cancel)
