"""The FastAPI application factory: /api/v2 routes, error handlers, optional API keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from assay import __version__
from assay.api import routes, sse
from assay.api.docs import install_docs
from assay.api.errors import install_error_handlers
from assay.api.keys import KeyRing, caller, documented_key
from assay.api.limits import DEFAULT_MAX_BODY_BYTES, BodyLimit
from assay.api.schemas import WorkflowErrorResponse
from assay.services.workflows import WorkflowService

BASE = "/api/v2"
SSE_EVENTS = [
    "agent_started",
    "agent_progress",
    "agent_completed",
    "scenario_executed",
    "workflow_completed",
    "workflow_failed",
    "workflow_cancelled",
]
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One Server-Sent Event of a workflow's stream; `data` is a JSON object with "
    "`workflow_id` and the event's fields.",
    "properties": {
        "event": {"type": "string", "enum": SSE_EVENTS},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "id": {"type": "string", "description": "Sequence number; resume with Last-Event-ID."},
        "retry": {"type": "integer"},
    },
}


def create_app(
    service: WorkflowService, *, api_keys: Sequence[str] = (), max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> FastAPI:
    """The app serving ``service``; API keys, when given, guard every /api/v2 route."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await service.runner.shutdown()

    app = FastAPI(
        title="assay API",
        version=__version__,
        description="Automated QA for web apps and HTTP APIs (API v2). Triggers answer 202 and run in "
        "the background; poll /workflows/{id} or stream /workflows/{id}/stream.",
        openapi_url=f"{BASE}/openapi.json",
        docs_url=None,  # served below with assets from the package: a CDN is not reachable offline
        redoc_url=None,
        lifespan=lifespan,
        separate_input_output_schemas=False,
    )
    app.state.service = service
    app.state.keys = KeyRing(api_keys)
    dependencies = [Depends(documented_key), Depends(caller)] if api_keys else []
    unauthorized: dict[int | str, dict[str, Any]] = {
        401: {"model": WorkflowErrorResponse, "description": "Missing or unknown API key."}
    }
    extra: dict[int | str, dict[str, Any]] = unauthorized if api_keys else {}
    app.include_router(routes.router, prefix=BASE, dependencies=dependencies, responses=extra)
    app.include_router(sse.router, prefix=BASE, dependencies=dependencies, responses=extra)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    install_docs(app, f"{BASE}/docs", f"{BASE}/openapi.json")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema without the 422 it adds: invalid requests answer 400 (spec §5)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/WorkflowErrorResponse"}}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            if responses.pop("422", None) is not None and "400" not in responses:
                responses["400"] = {"description": "Invalid request (INVALID_INPUT)."}
            for status, response in responses.items():
                if status[0] in "45":  # errors are JSON whatever the success media type
                    response["content"] = dict(error)
                elif len(response.get("content", {})) > 1:
                    response["content"].pop("text/plain", None)
                    response["content"].pop("application/json", None)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    components["ServerSentEvent"] = SSE_EVENT_SCHEMA
    app.openapi_schema = schema
    return schema
