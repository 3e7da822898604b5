"""GET /workflows/{id}/stream: Server-Sent Events, replaying what a late client missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from assay.api.errors import ERROR_RESPONSES
from assay.api.keys import Caller
from assay.api.result_models import MAX_ID
from assay.api.routes import Service, WorkflowId
from assay.domain.workflow import StoredEvent

router = APIRouter()
KEEPALIVE_SECONDS = 15.0
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: ERROR_RESPONSES[404],
    200: {
        "description": "text/event-stream of agent_started, agent_progress, agent_completed, "
        "scenario_executed, then one of workflow_completed, workflow_failed, workflow_cancelled. "
        "Each event has an `id`; reconnect with Last-Event-ID to resume after it.",
        "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/ServerSentEvent"}}},
    },
}


def format_event(event: StoredEvent) -> str:
    data = json.dumps(event.data, separators=(",", ":"))
    return f"id: {event.seq}\nevent: {event.event}\ndata: {data}\n\n"


def parse_last_event_id(header: str | None, query: int | None) -> int:
    if query is not None:
        return query
    try:
        return min(MAX_ID, max(0, int((header or "0").strip())))
    except ValueError:
        return 0


async def sse_lines(
    events: AsyncIterator[StoredEvent], keepalive: float = KEEPALIVE_SECONDS
) -> AsyncIterator[str]:
    """SSE text for ``events``, with a comment line every ``keepalive`` seconds of silence."""
    yield "retry: 2000\n\n"
    pending: asyncio.Future[StoredEvent] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(events))
            done, _ = await asyncio.wait({pending}, timeout=keepalive)
            if not done:
                yield ": keepalive\n\n"
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                pending = None
                return
            pending = None
            yield format_event(event)
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()


@router.get(
    "/workflows/{workflow_id}/stream",
    responses=STREAM_RESPONSES,
    response_class=StreamingResponse,
    summary="SSE progress stream",
)
async def workflow_stream(
    workflow_id: WorkflowId,
    svc: Service,
    who: Caller,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="Resume after this event id.")] = None,
) -> StreamingResponse:
    await svc.status_async(workflow_id, who)  # 404 before the stream starts
    events = svc.stream(workflow_id, parse_last_event_id(last_event_id, after), who)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(sse_lines(events), media_type="text/event-stream", headers=headers)
