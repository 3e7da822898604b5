"""The Redis keys distributed mode uses, under one prefix (a deployment's, or a test's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import redis

# Flags, leases and event streams outlive their workflow by a day: long enough for any late
# reader; the store keeps everything for good.
KEY_TTL_SECONDS = 24 * 3600
Flag = Literal["state", "cancel", "lease", "done"]


@dataclass(frozen=True)
class Keys:
    prefix: str = "assay:"

    def flag(self, workflow_id: str, name: Flag) -> str:
        """A workflow's claim ``state``, ``cancel`` flag, worker ``lease`` or ``done`` mark."""
        return f"{self.prefix}wf:{workflow_id}:{name}"

    def events(self, workflow_id: str) -> str:
        return f"{self.prefix}events:{workflow_id}"

    def topic(self, workflow_id: str) -> str:
        return f"{self.prefix}topic:{workflow_id}"


def sync_client(url: str) -> redis.Redis:
    """A client that reconnects by itself: every command retries over a restarted Redis."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=10,
        socket_connect_timeout=5,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=8),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
    )
