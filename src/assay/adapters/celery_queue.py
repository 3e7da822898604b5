"""Workflows on a Celery queue over Redis: the API enqueues (``CeleryRunner``), ``assay worker``
runs them (``start_worker``).

A message is acknowledged only after its workflow has ended (``acks_late``), so a worker killed
mid-run leaves it unacknowledged and the broker hands it to another worker once the visibility
timeout has passed; each worker takes one message at a time (prefetch 1).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import redis
from celery import Celery
from celery.exceptions import Reject

from assay.adapters.workflow_claims import FlagToken, WorkflowClaims
from assay.domain.json import JsonObject
from assay.domain.ports import CancelToken
from assay.domain.queueing import Queueable, QueuedWorkflow
from assay.domain.workflow import Job

log = logging.getLogger("assay.worker")
TASK_NAME = "assay.run_workflow"
Handler = Callable[[QueuedWorkflow, CancelToken], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class QueueConfig:
    broker_url: str
    queue: str
    key_prefix: str
    visibility_timeout: float


def celery_app(
    config: QueueConfig, handler: Handler | None = None, claims: WorkflowClaims | None = None
) -> Celery:
    """The Celery app; with ``handler`` (a worker's) it also runs the workflow task."""
    app = Celery("assay", broker=config.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=config.queue,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a restarted Redis is waited for, never given up on
        broker_transport_options={
            "visibility_timeout": config.visibility_timeout,
            "global_keyprefix": config.key_prefix,
        },
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    if handler is not None and claims is not None:
        _register(app, handler, claims)
    return app


def _register(app: Celery, handler: Handler, claims: WorkflowClaims) -> None:
    def run_workflow(message: JsonObject) -> None:
        queued = QueuedWorkflow.decode(message)

        def body(token: FlagToken) -> None:
            asyncio.run(handler(queued, token))

        try:
            started = claims.run_claimed(queued.workflow_id, body)
        except redis.RedisError as exc:
            # Redis went away around the claim: hand the message back rather than lose it (the
            # claim and the store make a second delivery harmless).
            log.warning("workflow %s: Redis unavailable (%s); message requeued", queued.workflow_id, exc)
            time.sleep(1.0)
            raise Reject(str(exc), requeue=True) from exc
        if not started:
            log.info("workflow %s was cancelled before it started", queued.workflow_id)

    app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)(run_workflow)


def start_worker(app: Celery, config: QueueConfig, hostname: str | None = None) -> None:
    """Run workflows from the queue until stopped: one at a time in this process (run more
    processes for more at once; each workflow may drive its own browser)."""
    options: dict[str, Any] = {
        "queues": [config.queue],
        "pool": "solo",
        "concurrency": 1,
        "prefetch_multiplier": 1,
        "without_gossip": True,
        "without_mingle": True,
        "loglevel": "INFO",
    }
    if hostname:
        options["hostname"] = hostname
    app.Worker(**options).start()


class CeleryRunner:
    """Implements domain.workflow.Runner by sending each job to the queue as a message."""

    def __init__(self, app: Celery, config: QueueConfig, claims: WorkflowClaims) -> None:
        self.app = app
        self.config = config
        self.claims = claims

    def submit(self, workflow_id: str, job: Job) -> None:
        if not isinstance(job, Queueable):
            raise TypeError(f"workflow {workflow_id}: this job cannot be sent to a worker")
        self.app.send_task(TASK_NAME, args=[job.message().encode()], queue=self.config.queue)

    def cancel(self, workflow_id: str) -> bool:
        return self.claims.request_cancel(workflow_id)

    async def wait(self, workflow_id: str, timeout: float) -> bool:
        """Until the worker running it says it has ended, at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(self.claims.done, workflow_id):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def shutdown(self) -> None:
        """Nothing to stop here: the queued and running workflows belong to the workers."""
        self.app.close()
