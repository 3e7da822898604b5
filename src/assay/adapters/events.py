"""In-memory event fan-out with replay: a late subscriber first gets what it missed.

Loop-bound: publish and subscribe from the event loop the server runs on. Closed topics
stay replayable until ``retain`` newer topics have closed; older ones are read from the store.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from assay.domain.workflow import StoredEvent

_CLOSED = None


@dataclass
class _Topic:
    history: list[StoredEvent] = field(default_factory=list)
    subscribers: set[asyncio.Queue[StoredEvent | None]] = field(default_factory=set)
    closed: bool = False


class InMemoryEventBus:
    """Implements service_model.EventBus inside one process."""

    def __init__(self, retain: int = 256) -> None:
        self._topics: OrderedDict[str, _Topic] = OrderedDict()
        self._retain = retain

    def open(self, workflow_id: str) -> None:
        self._topics.setdefault(workflow_id, _Topic())

    def publish(self, workflow_id: str, event: StoredEvent) -> None:
        topic = self._topics.get(workflow_id)
        if topic is None or topic.closed:
            return
        topic.history.append(event)
        for queue in topic.subscribers:
            queue.put_nowait(event)

    def close(self, workflow_id: str) -> None:
        topic = self._topics.get(workflow_id)
        if topic is None or topic.closed:
            return
        topic.closed = True
        for queue in topic.subscribers:
            queue.put_nowait(_CLOSED)
        self._topics.move_to_end(workflow_id)
        self._evict()

    def subscribe(self, workflow_id: str, after: int) -> AsyncIterator[StoredEvent] | None:
        topic = self._topics.get(workflow_id)
        if topic is None:
            return None
        return self._follow(topic, after)

    def subscriber_count(self, workflow_id: str) -> int:
        topic = self._topics.get(workflow_id)
        return len(topic.subscribers) if topic else 0

    async def _follow(self, topic: _Topic, after: int) -> AsyncIterator[StoredEvent]:
        queue: asyncio.Queue[StoredEvent | None] = asyncio.Queue()
        # Snapshot and registration happen without an await between them: no gap, no repeat.
        backlog = [e for e in topic.history if e.seq > after]
        closed = topic.closed
        if not closed:
            topic.subscribers.add(queue)
        try:
            for event in backlog:
                yield event
            last = backlog[-1].seq if backlog else after
            while not closed:
                item = await queue.get()
                if item is None:
                    break
                if item.seq > last:
                    last = item.seq
                    yield item
        finally:
            topic.subscribers.discard(queue)

    def _evict(self) -> None:
        closed = [k for k, t in self._topics.items() if t.closed and not t.subscribers]
        for key in closed[: max(0, len(closed) - self._retain)]:
            del self._topics[key]
