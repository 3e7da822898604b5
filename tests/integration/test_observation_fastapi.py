"""Observation against real FastAPI apps served by uvicorn on 127.0.0.1.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

import socket
import threading
import time
from collections.abc import Iterator
from typing import Annotated
from uuid import UUID, uuid4

import pytest
import uvicorn
from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

from assay.adapters.http import HttpxTransport
from assay.agents.observation.agent import observe
from assay.domain.errors import TargetUnreachable
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target

pytestmark = pytest.mark.integration


class Credentials(BaseModel):
    username: str
    password: str


class Registration(BaseModel):
    email: str
    password: str
    full_name: str | None = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class User(BaseModel):
    id: UUID
    email: str


class DatasetIngest(BaseModel):
    name: str
    records: list[dict[str, int]]


class Dataset(BaseModel):
    id: UUID
    name: str


class AgentKitCreate(BaseModel):
    name: str


class AgentKit(BaseModel):
    id: UUID
    name: str


class SessionCreate(BaseModel):
    title: str | None = None
    dataset_id: UUID
    agent_kit_id: UUID


class ChatSession(BaseModel):
    id: UUID
    title: str | None = None


def seed_like_app(openapi_url: str = "/openapi.json") -> FastAPI:
    """A small app shaped like the seed's: auth, trailing-slash collections, ids in bodies."""
    app = FastAPI(title="Seed-like", openapi_url=openapi_url)
    oauth = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login")
    Auth = Annotated[str, Depends(oauth)]

    @app.post("/api/v1/auth/register", response_model=User)
    def register(body: Registration) -> User:
        return User(id=uuid4(), email=body.email)

    @app.post("/api/v1/auth/login", response_model=Token)
    def login(body: Credentials) -> Token:
        return Token(access_token="t")

    @app.get("/api/v1/users/me", response_model=User)
    def me(token: Auth) -> User:
        return User(id=uuid4(), email="a@b.c")

    @app.post("/api/v1/datasets/ingest", response_model=Dataset)
    def ingest(body: DatasetIngest, token: Auth) -> Dataset:
        return Dataset(id=uuid4(), name=body.name)

    @app.get("/api/v1/datasets/", response_model=list[Dataset])
    def datasets(token: Auth) -> list[Dataset]:
        return []

    @app.post("/api/v1/agent_kits/", response_model=AgentKit, status_code=201)
    def create_kit(body: AgentKitCreate, token: Auth) -> AgentKit:
        return AgentKit(id=uuid4(), name=body.name)

    @app.post("/api/v1/chat/sessions/", response_model=ChatSession)
    def create_session(body: SessionCreate, token: Auth) -> ChatSession:
        return ChatSession(id=uuid4(), title=body.title)

    @app.post("/api/v1/chat/sessions/{session_id}/messages")
    def send(session_id: UUID, body: dict[str, str], token: Auth) -> dict[str, object]:
        return {}

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """Two apps: the spec at /openapi.json, and the spec hidden behind the /docs page only."""
    started: list[tuple[uvicorn.Server, threading.Thread]] = []
    urls: dict[str, str] = {}
    for name, app in (("plain", seed_like_app()), ("hidden", seed_like_app("/internal/schema.json"))):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        started.append((server, thread))
        urls[name] = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while not all(s.started for s, _ in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    yield urls
    for server, thread in started:
        server.should_exit = True
        thread.join(timeout=5)


def transport_for(target: Target) -> HttpxTransport:
    return HttpxTransport(SafetyPolicy.for_target(target))


async def test_discovers_and_models_the_seed_like_api(servers: dict[str, str]) -> None:
    target = Target(servers["plain"] + "/api/v1")
    async with transport_for(target) as transport:
        obs = await observe(target, transport)
    assert obs.kind == "api" and obs.api is not None
    assert obs.spec_location == servers["plain"] + "/openapi.json"
    api = obs.api
    assert api.spec_version.startswith("3.1")
    edges = {(d.consumer, d.parameter, d.producer, d.source_field) for d in api.dependencies}
    assert edges == {
        ("POST /api/v1/chat/sessions/", "dataset_id", "POST /api/v1/datasets/ingest", "id"),
        ("POST /api/v1/chat/sessions/", "agent_kit_id", "POST /api/v1/agent_kits/", "id"),
        (
            "POST /api/v1/chat/sessions/{session_id}/messages",
            "session_id",
            "POST /api/v1/chat/sessions/",
            "id",
        ),
    }
    auth = api.auth
    assert (auth.kind, auth.login_operation, auth.login_format) == (
        "bearer",
        "POST /api/v1/auth/login",
        "json",
    )
    assert auth.register_operation == "POST /api/v1/auth/register"
    assert auth.register_fields == ("email", "password")
    assert auth.current_user_operation == "GET /api/v1/users/me"
    untyped = {i.operation for i in api.spec_issues if i.kind == "untyped_response"}
    assert untyped == {"POST /api/v1/chat/sessions/{session_id}/messages"}
    assert "the spec's paths already start with the base URL's path /api/v1" in obs.notes
    # the base URL, the 16 well-known paths under /api/v1, then the host root's /openapi.json
    assert obs.requests_sent == 19


async def test_spec_found_through_the_docs_page(servers: dict[str, str]) -> None:
    target = Target(servers["hidden"])
    async with transport_for(target) as transport:
        obs = await observe(target, transport)
    assert obs.spec_location == servers["hidden"] + "/internal/schema.json"
    assert obs.api is not None and len(obs.api.operations) == 8
    assert any(line.startswith(f"GET {servers['hidden']}/docs -> 200") for line in obs.discovery_log)


async def test_spec_given_as_url(servers: dict[str, str]) -> None:
    target = Target(servers["hidden"], spec_location=servers["hidden"] + "/internal/schema.json")
    async with transport_for(target) as transport:
        obs = await observe(target, transport)
    assert obs.api is not None and obs.requests_sent == 2 and obs.confidence == 0.95


async def test_unreachable_target() -> None:
    target = Target(f"http://127.0.0.1:{free_port()}")
    async with transport_for(target) as transport:
        with pytest.raises(TargetUnreachable):
            await observe(target, transport)
