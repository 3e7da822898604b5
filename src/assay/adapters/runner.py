"""In-process background runner: each workflow job is an asyncio task on the server's loop.

Cancellation is cooperative first (the token the agents check between steps); a job that
has not stopped when the service stops waiting may be cancelled hard with ``shutdown``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from assay.domain.workflow import Job

log = logging.getLogger("assay.runner")


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
    """Implements service_model.Runner with asyncio tasks; call from the event loop."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._tokens: dict[str, Token] = {}

    def submit(self, workflow_id: str, job: Job) -> None:
        token = Token()
        task = asyncio.get_running_loop().create_task(job(token), name=f"workflow-{workflow_id}")
        self._tasks[workflow_id] = task
        self._tokens[workflow_id] = token
        task.add_done_callback(lambda t: self._done(workflow_id, t))

    def cancel(self, workflow_id: str) -> bool:
        token = self._tokens.get(workflow_id)
        if token is None:
            return False
        token.cancel()
        return True

    def active(self) -> int:
        return len(self._tasks)

    async def wait(self, workflow_id: str, timeout: float) -> bool:
        """Wait for the job to end; cancel it hard when it overstays ``timeout``."""
        task = self._tasks.get(workflow_id)
        if task is None:
            return True
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if done:
            return True
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({task}, timeout=timeout)
        return task.done()

    async def shutdown(self) -> None:
        """Stop every job; they record themselves as interrupted."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=10)

    def _done(self, workflow_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.pop(workflow_id, None)
        self._tokens.pop(workflow_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("workflow %s job failed: %r", workflow_id, task.exception())
