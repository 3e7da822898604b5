"""Workflow events over Redis: every API instance streams any workflow, whichever worker runs it.

Each workflow's events go to a Redis stream whose entry ids are the events' own numbers
(``<seq>-1``), so a reader resumes after a ``Last-Event-ID`` with one ``XREAD`` and replay and
live events come in one order, with no gap and no repeat. The store stays the record: a publish
that fails while Redis restarts is logged and the event is still read from the store later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import cast

import redis
import redis.asyncio as aredis

from assay.adapters.redis_keys import KEY_TTL_SECONDS, Keys
from assay.domain.workflow import StoredEvent

Backfill = Callable[[str, int], list[StoredEvent]]
Replies = list[tuple[str, list[tuple[str, dict[str, str]]]]]

log = logging.getLogger("assay.events")
CLOSED = "closed"
_BLOCK_MS = 1000


class RedisEventBus:
    """Implements domain.workflow.EventBus across processes."""

    def __init__(self, url: str, client: redis.Redis, keys: Keys, backfill: Backfill | None = None) -> None:
        self.url = url
        self.client = client
        self.keys = keys
        # The store's events after a number: what a publish lost while Redis was away is read there.
        self.backfill = backfill

    def open(self, workflow_id: str) -> None:
        self._quietly(lambda: self.client.set(self.keys.topic(workflow_id), "open", ex=KEY_TTL_SECONDS))

    def publish(self, workflow_id: str, event: StoredEvent) -> None:
        key = self.keys.events(workflow_id)
        fields = {"event": event.event, "data": json.dumps(event.data)}

        def add() -> None:
            pipe = self.client.pipeline()
            pipe.xadd(key, fields, id=f"{event.seq}-1")  # type: ignore[arg-type]
            pipe.expire(key, KEY_TTL_SECONDS)
            pipe.execute()

        self._quietly(add)

    def close(self, workflow_id: str) -> None:
        self._quietly(lambda: self.client.set(self.keys.topic(workflow_id), CLOSED, ex=KEY_TTL_SECONDS))

    def subscribe(self, workflow_id: str, after: int) -> AsyncIterator[StoredEvent] | None:
        """None when Redis knows nothing of it (or is down): the caller reads the store instead."""
        try:
            known = self.client.exists(self.keys.topic(workflow_id), self.keys.events(workflow_id))
        except redis.RedisError:
            return None
        return self._follow(workflow_id, after) if known else None

    async def _follow(self, workflow_id: str, after: int) -> AsyncIterator[StoredEvent]:
        client = aredis.Redis.from_url(self.url, decode_responses=True)
        last = after
        stream, topic = self.keys.events(workflow_id), self.keys.topic(workflow_id)
        try:
            while True:
                # Read "closed" before reading events: what was published before closing is then
                # certain to be in this read or an earlier one.
                try:
                    closed = await client.get(topic) == CLOSED
                    replies = await client.xread({stream: f"{last}-1"}, block=None if closed else _BLOCK_MS)
                except redis.ConnectionError:  # Redis restarting: resume from the same place
                    await asyncio.sleep(0.5)
                    continue
                events = [_event(entry) for _, entries in cast(Replies, replies or []) for entry in entries]
                if closed and not events:
                    for missed in await self._missed(workflow_id, last, None):
                        yield missed
                    return
                for event in events:
                    for missed in await self._missed(workflow_id, last, event.seq):
                        yield missed
                    last = event.seq
                    yield event
        finally:
            await client.aclose()

    async def _missed(self, workflow_id: str, last: int, upto: int | None) -> list[StoredEvent]:
        """The stored events between ``last`` and ``upto`` that never reached the stream."""
        if self.backfill is None or (upto is not None and upto == last + 1):
            return []
        stored = await asyncio.to_thread(self.backfill, workflow_id, last)
        return [e for e in stored if upto is None or e.seq < upto]

    def _quietly(self, write: Callable[[], object]) -> None:
        try:
            write()
        except redis.RedisError as exc:
            log.warning("event not sent over Redis (%s); readers get it from the store", exc)


def _event(entry: tuple[str, dict[str, str]]) -> StoredEvent:
    entry_id, fields = entry
    return StoredEvent(int(entry_id.split("-")[0]), fields["event"], json.loads(fields["data"]))
