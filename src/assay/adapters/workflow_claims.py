"""Who runs a queued workflow: a worker claims it, keeps a lease on it, and hears its cancel.

The claim is one ``SET NX`` that a cancel of a not-yet-started workflow races for too, so a
workflow is either cancelled before any worker starts it or started and told to stop, never both.
A redelivered message (its worker died, or the visibility timeout passed) waits for the lease of
the worker that may still run it to lapse before taking over.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

import redis

from assay.adapters.redis_keys import KEY_TTL_SECONDS, Keys

log = logging.getLogger("assay.worker")
CLAIMED, CANCELLED = "claimed", "cancelled"
# How often a running workflow looks for its cancel flag: well inside the API's cancel grace.
CANCEL_POLL_SECONDS = 0.2


class FlagToken:
    """A CancelToken (assay.domain.ports) set by the lease keeper when the cancel flag appears."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()


class WorkflowClaims:
    def __init__(self, client: redis.Redis, keys: Keys, lease_seconds: float) -> None:
        self.client = client
        self.keys = keys
        self.lease_seconds = lease_seconds
        self.worker_id = uuid.uuid4().hex

    def request_cancel(self, workflow_id: str) -> bool:
        """True: a worker has it and is told to stop. False: no worker will ever start it."""
        if self.client.set(self.keys.flag(workflow_id, "state"), CANCELLED, nx=True, ex=KEY_TTL_SECONDS):
            return False
        if self.client.get(self.keys.flag(workflow_id, "state")) == CANCELLED:
            return False
        self.client.set(self.keys.flag(workflow_id, "cancel"), "1", ex=KEY_TTL_SECONDS)
        return True

    def done(self, workflow_id: str) -> bool:
        return bool(self.client.exists(self.keys.flag(workflow_id, "done")))

    def run_claimed(self, workflow_id: str, body: Callable[[FlagToken], None]) -> bool:
        """Run ``body`` under this worker's claim; False when the workflow was cancelled first."""
        self.client.set(self.keys.flag(workflow_id, "state"), CLAIMED, nx=True, ex=KEY_TTL_SECONDS)
        if self.client.get(self.keys.flag(workflow_id, "state")) == CANCELLED:
            return False
        self._wait_for_lapsed_lease(workflow_id)
        token = FlagToken()
        stop = threading.Event()
        keeper = threading.Thread(
            target=self._keep, args=(workflow_id, token, stop), name=f"lease-{workflow_id}", daemon=True
        )
        self._renew(workflow_id, token)
        keeper.start()
        try:
            body(token)
        finally:
            stop.set()
            keeper.join(timeout=5)
            self.client.delete(self.keys.flag(workflow_id, "lease"))
            self.client.set(self.keys.flag(workflow_id, "done"), "1", ex=KEY_TTL_SECONDS)
        return True

    def _wait_for_lapsed_lease(self, workflow_id: str) -> None:
        while True:
            holder = self.client.get(self.keys.flag(workflow_id, "lease"))
            if holder is None or holder == self.worker_id:
                return
            log.info("workflow %s is leased by another worker; waiting for it to end or lapse", workflow_id)
            time.sleep(min(1.0, self.lease_seconds / 3))

    def _keep(self, workflow_id: str, token: FlagToken, stop: threading.Event) -> None:
        # A thread, not the job's event loop: stages that hold the loop must not let the lease lapse.
        renewed = time.monotonic()
        while not stop.wait(CANCEL_POLL_SECONDS):
            try:
                if time.monotonic() - renewed >= self.lease_seconds / 3:
                    self._renew(workflow_id, token)
                    renewed = time.monotonic()
                elif self.client.exists(self.keys.flag(workflow_id, "cancel")):
                    token.cancel()
            except redis.RedisError as exc:  # Redis restarting: the next round tries again
                log.warning("workflow %s: lease or cancel flag not read (%s)", workflow_id, exc)

    def _renew(self, workflow_id: str, token: FlagToken) -> None:
        ttl = max(1, round(self.lease_seconds))
        self.client.set(self.keys.flag(workflow_id, "lease"), self.worker_id, ex=ttl)
        if self.client.exists(self.keys.flag(workflow_id, "cancel")):
            token.cancel()
