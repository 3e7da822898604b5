"""The resource routes of the demo target: projects, datasets, agent kits, chat, analytics.

No ``from __future__ import annotations`` here: FastAPI reads the parameter annotations at
route registration, and they name dependencies local to each router factory.
"""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from assay.demo.models import (
    AgentKit,
    AgentKitIn,
    AgentKitList,
    AnalyticsSummary,
    ChatSession,
    ChatSessionIn,
    ChatSessionList,
    Dataset,
    DatasetIn,
    DatasetList,
    ErrorResponse,
    Message,
    MessageIn,
    Project,
    ProjectIn,
    ProjectList,
    TODOSchema,
    User,
)
from assay.demo.store import DemoStore, now

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000, description="Items to skip")]
CurrentUserFn = Callable[..., User]

Responses = dict[int | str, dict[str, object]]
UNAUTHORIZED: Responses = {401: {"model": ErrorResponse, "description": "Missing or invalid bearer token"}}
# FastAPI answers 400 itself when a JSON body does not parse; document it on every body.
BAD_BODY: Responses = {400: {"model": ErrorResponse, "description": "The body is not valid JSON"}}
NOT_FOUND: Responses = {404: {"model": ErrorResponse, "description": "No such object for this user"}}


class ModelProviderError(RuntimeError):
    """The language model behind chat could not be called."""


def _not_found(kind: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{kind} not found")


def projects_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/projects", tags=["projects"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=ProjectList)
    def list_projects(me: Me, limit: Limit = 20, offset: Offset = 0) -> ProjectList:
        items, total = store.projects.page(me.id, limit, offset)
        return ProjectList(items=items, total=total, limit=limit, offset=offset)

    @router.post("/", response_model=Project, status_code=201, responses=BAD_BODY)
    def create_project(body: ProjectIn, me: Me) -> Project:
        stamp = now()
        project = Project(id=uuid4(), created_at=stamp, updated_at=stamp, **body.model_dump())
        return store.projects.add(me.id, project.id, project)

    @router.get("/{project_id}", response_model=Project, responses=NOT_FOUND)
    def get_project(project_id: UUID, me: Me) -> Project:
        project = store.projects.get(me.id, project_id)
        if project is None:
            raise _not_found("Project")
        return project

    @router.put("/{project_id}", response_model=Project, responses={**NOT_FOUND, **BAD_BODY})
    def replace_project(project_id: UUID, body: ProjectIn, me: Me) -> Project:
        def update(old: Project) -> Project:
            return old.model_copy(update={**body.model_dump(), "updated_at": now()})

        project = store.projects.replace(me.id, project_id, update)
        if project is None:
            raise _not_found("Project")
        return project

    @router.delete("/{project_id}", status_code=204, response_class=Response, responses=NOT_FOUND)
    def delete_project(project_id: UUID, me: Me) -> None:
        if not store.projects.delete(me.id, project_id):
            raise _not_found("Project")

    return router


def projects_redirect_router() -> APIRouter:
    """FastAPI's trailing-slash redirect, kept for the projects collection only (a planted fault)."""
    router = APIRouter()

    @router.api_route("/api/v1/projects", methods=["GET", "POST"], include_in_schema=False)
    def projects_without_slash(request: Request) -> RedirectResponse:
        target = request.url.replace(path=request.url.path + "/")
        return RedirectResponse(str(target), status_code=307)

    return router


def datasets_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/datasets", tags=["datasets"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=DatasetList)
    @router.get("", include_in_schema=False)
    def list_datasets(me: Me, limit: Limit = 20, offset: Offset = 0) -> DatasetList:
        items, total = store.datasets.page(me.id, limit, offset)
        return DatasetList(items=items, total=total, limit=limit, offset=offset)

    @router.post("/", response_model=Dataset, status_code=201, responses=BAD_BODY)
    @router.post("", status_code=201, include_in_schema=False)
    def create_dataset(body: DatasetIn, me: Me) -> Dataset:
        columns = sorted({key for record in body.records for key in record})
        dataset = Dataset(
            id=uuid4(),
            name=body.name,
            description=body.description,
            record_count=len(body.records),
            columns=columns,
            created_at=now(),
        )
        with store.lock:
            store.records[dataset.id] = [dict(record) for record in body.records]
        return store.datasets.add(me.id, dataset.id, dataset)

    @router.get("/{dataset_id}", response_model=Dataset, responses=NOT_FOUND)
    def get_dataset(dataset_id: UUID, me: Me) -> Dataset:
        dataset = store.datasets.get(me.id, dataset_id)
        if dataset is None:
            raise _not_found("Dataset")
        return dataset

    @router.get("/{dataset_id}/preview", response_model=TODOSchema, responses=NOT_FOUND)
    def preview_dataset(dataset_id: UUID, me: Me) -> JSONResponse:
        dataset = store.datasets.get(me.id, dataset_id)
        if dataset is None:
            raise _not_found("Dataset")
        with store.lock:
            rows = list(store.records.get(dataset_id, [])[:10])
        return JSONResponse({"columns": dataset.columns, "rows": rows})

    return router


def _require_primary_objective(body: AgentKitIn) -> None:
    # The spec calls config.primary_objective optional; this check makes it required
    # (the planted spec_drift).
    if not body.config.primary_objective:
        raise RequestValidationError(
            [
                {
                    "type": "missing",
                    "loc": ("body", "config", "primary_objective"),
                    "msg": "Field required",
                    "input": body.config.model_dump(mode="json"),
                }
            ]
        )


def agent_kits_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/agent-kits", tags=["agent-kits"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=AgentKitList)
    @router.get("", include_in_schema=False)
    def list_agent_kits(me: Me, limit: Limit = 20, offset: Offset = 0) -> AgentKitList:
        items, total = store.agent_kits.page(me.id, limit, offset)
        return AgentKitList(items=items, total=total, limit=limit, offset=offset)

    @router.post("/", response_model=AgentKit, status_code=201, responses=BAD_BODY)
    @router.post("", status_code=201, include_in_schema=False)
    def create_agent_kit(body: AgentKitIn, me: Me) -> AgentKit:
        _require_primary_objective(body)
        kit = AgentKit(id=uuid4(), created_at=now(), **body.model_dump())
        return store.agent_kits.add(me.id, kit.id, kit)

    @router.get("/{agent_kit_id}", response_model=AgentKit, responses=NOT_FOUND)
    def get_agent_kit(agent_kit_id: UUID, me: Me) -> AgentKit:
        kit = store.agent_kits.get(me.id, agent_kit_id)
        if kit is None:
            raise _not_found("Agent kit")
        return kit

    return router


def _ask_model(session: ChatSession, content: str) -> str:
    # The provider key is never configured in the demo: every valid message fails here,
    # and the app's handler turns the error into a bare 500 (the planted server_error).
    raise ModelProviderError(f"no API key configured for chat session {session.id}")


def chat_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/chat/sessions", tags=["chat"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=ChatSessionList)
    @router.get("", include_in_schema=False)
    def list_chat_sessions(me: Me, limit: Limit = 20, offset: Offset = 0) -> ChatSessionList:
        items, total = store.chat_sessions.page(me.id, limit, offset)
        return ChatSessionList(items=items, total=total, limit=limit, offset=offset)

    @router.post("/", response_model=ChatSession, status_code=201, responses={**NOT_FOUND, **BAD_BODY})
    @router.post("", status_code=201, include_in_schema=False)
    def create_chat_session(body: ChatSessionIn, me: Me) -> ChatSession:
        if store.datasets.get(me.id, body.dataset_id) is None:
            raise _not_found("Dataset")
        if store.agent_kits.get(me.id, body.agent_kit_id) is None:
            raise _not_found("Agent kit")
        session = ChatSession(id=uuid4(), created_at=now(), **body.model_dump())
        return store.chat_sessions.add(me.id, session.id, session)

    @router.get("/{session_id}", response_model=ChatSession, responses=NOT_FOUND)
    def get_chat_session(session_id: UUID, me: Me) -> ChatSession:
        session = store.chat_sessions.get(me.id, session_id)
        if session is None:
            raise _not_found("Chat session")
        return session

    @router.post(
        "/{session_id}/messages", response_model=Message, status_code=201, responses={**NOT_FOUND, **BAD_BODY}
    )
    def send_message(session_id: UUID, body: MessageIn, me: Me) -> Message:
        session = store.chat_sessions.get(me.id, session_id)
        if session is None:
            raise _not_found("Chat session")
        reply = _ask_model(session, body.content)
        return Message(id=uuid4(), session_id=session_id, role="assistant", content=reply, created_at=now())

    return router


def analytics_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/summary", response_model=AnalyticsSummary)
    def analytics_summary(me: Me) -> JSONResponse:
        # Built by hand and never validated against AnalyticsSummary: `generated_at`, which
        # the schema requires, is missing (the planted response_schema fault).
        return JSONResponse(
            {
                "projects": store.projects.count(me.id),
                "datasets": store.datasets.count(me.id),
                "agent_kits": store.agent_kits.count(me.id),
                "chat_sessions": store.chat_sessions.count(me.id),
            }
        )

    return router
