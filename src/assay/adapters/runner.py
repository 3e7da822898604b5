"""In-process background runner: a FIFO queue in front of at most ``limit`` running workflows.

Each running workflow is an asyncio task on the server's loop; the others wait in the queue,
``pending``, and :meth:`InProcessRunner.position` tells where. Cancellation is cooperative first
(the token the agents check between steps); a queued workflow is taken out of the queue and
started with its token already set, so its job records it ``cancelled`` and says so on its
stream at once. A job that has not stopped when the service stops waiting may be cancelled hard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from assay.domain.workflow import Job

log = logging.getLogger("assay.runner")
Closer = Callable[[], Awaitable[None]]


def default_concurrency(cpus: int | None = None) -> int:
    """Workflows run at once by default: one per two cores. A workflow drives a Chromium that
    renders on the same cores as assay's own judging, and the browser already takes one core per
    context (see ``default_contexts`` of the crawl); more at once only slows each run down, and
    a starved run exhausts its budget and finds less (issue 15: 50 at once on 2 cores)."""
    return max(1, (cpus if cpus is not None else os.cpu_count() or 2) // 2)


class Token:
    """A CancelToken (assay.domain.ports) that the runner sets."""

    def __init__(self) -> None:
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True


class InProcessRunner:
    """Implements domain.workflow.Runner (and QueueView) with asyncio tasks; call from the loop.

    ``on_shutdown`` are closed after the jobs stopped (the shared browsers).
    """

    def __init__(self, limit: int | None = None, on_shutdown: Sequence[Closer] = ()) -> None:
        self.limit = max(1, limit if limit is not None else default_concurrency())
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._tokens: dict[str, Token] = {}
        self._queue: OrderedDict[str, Job] = OrderedDict()
        self._ended: dict[str, asyncio.Event] = {}
        self._on_shutdown = tuple(on_shutdown)
        self.peak_running = 0  # the most run at once since the start: what the bound is checked by

    def submit(self, workflow_id: str, job: Job) -> None:
        self._tokens[workflow_id] = Token()
        self._ended[workflow_id] = asyncio.Event()
        self._queue[workflow_id] = job
        self._admit()

    def cancel(self, workflow_id: str) -> bool:
        token = self._tokens.get(workflow_id)
        if token is None:
            return False
        token.cancel()
        job = self._queue.pop(workflow_id, None)
        if job is not None:  # never started: it finishes at once (its token says cancelled)
            self._start(workflow_id, job)
        return True

    def position(self, workflow_id: str) -> tuple[int, int] | None:
        """(1-based place, queue length) while ``workflow_id`` waits; None once it runs."""
        if workflow_id not in self._queue:
            return None
        return list(self._queue).index(workflow_id) + 1, len(self._queue)

    def active(self) -> int:
        return len(self._tasks)

    def queued(self) -> int:
        return len(self._queue)

    async def wait(self, workflow_id: str, timeout: float) -> bool:
        """Wait for the job to end; cancel it hard when it overstays ``timeout``."""
        ended = self._ended.get(workflow_id)
        if ended is None:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended.wait(), timeout)
        task = self._tasks.get(workflow_id)
        if task is None:
            return workflow_id not in self._queue
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({task}, timeout=timeout)
        return task.done()

    async def shutdown(self) -> None:
        """Stop every job, queued ones too; they record themselves as interrupted."""
        queued = list(self._queue.items())
        self._queue.clear()
        for workflow_id, job in queued:
            self._start(workflow_id, job)
        await asyncio.sleep(0)  # each queued job enters its body, so that its cancel is recorded
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        for close in self._on_shutdown:
            try:
                await close()
            except Exception:
                log.exception("closing %r at shutdown failed", close)

    def _admit(self) -> None:
        while self._queue and len(self._tasks) < self.limit:
            workflow_id, job = self._queue.popitem(last=False)
            self._start(workflow_id, job)

    def _start(self, workflow_id: str, job: Job) -> None:
        token = self._tokens[workflow_id]
        task = asyncio.get_running_loop().create_task(job(token), name=f"workflow-{workflow_id}")
        self._tasks[workflow_id] = task
        if not token.cancelled:  # a cancelled queued job only records its end: it does not run
            self.peak_running = max(self.peak_running, len(self._tasks))
        task.add_done_callback(lambda t: self._done(workflow_id, t))

    def _done(self, workflow_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.pop(workflow_id, None)
        self._tokens.pop(workflow_id, None)
        ended = self._ended.pop(workflow_id, None)
        if ended is not None:
            ended.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("workflow %s job failed: %r", workflow_id, task.exception())
        self._admit()
