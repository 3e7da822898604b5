"""The runner against a real FastAPI app on 127.0.0.1, through the real HttpxTransport."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from itertools import count

import pytest
import uvicorn
from fastapi import FastAPI, HTTPException, Request, Response

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.runner import ExecutionReport, execute
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import Json
from assay.domain.operations import ApiModel, AuthFlow, Operation
from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe, Scenario
from assay.domain.target import Credentials, Target

pytestmark = pytest.mark.integration

Scope = MutableMapping[str, object]
Message = MutableMapping[str, object]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def build_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    api = FastAPI()
    items: dict[int, dict[str, Json]] = {}
    ids = count(1)

    @api.post("/api/auth/login")
    async def login(request: Request) -> dict[str, str]:
        body = await request.json()
        if body != {"username": "alice", "password": "wonderland"}:
            raise HTTPException(401, "bad credentials")
        return {"access_token": "tok-alice", "token_type": "bearer"}

    @api.post("/api/items", status_code=201, response_model=None)
    async def create(request: Request) -> dict[str, Json]:
        if request.headers.get("authorization") != "Bearer tok-alice":
            raise HTTPException(401, "login first")
        body = await request.json()
        item: dict[str, Json] = {"id": next(ids), "name": body.get("name")}
        items[int(str(item["id"]))] = item
        return item

    @api.get("/api/items/{item_id}", response_model=None)
    async def read(item_id: int) -> dict[str, Json]:
        if item_id not in items:
            raise HTTPException(404, "no such item")
        return items[item_id]

    @api.delete("/api/items/{item_id}", status_code=204)
    async def delete(item_id: int) -> Response:
        items.pop(item_id, None)
        return Response(status_code=204)

    @api.get("/api/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("kaboom")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/api/drop":
            # Headers go out, then the app dies mid-body: the server closes the connection.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]}
            )
            await send({"type": "http.response.body", "body": b"partial", "more_body": True})
            raise RuntimeError("dropped")
        await api(scope, receive, send)

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(build_app(), host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


MODEL = ApiModel(
    "items",
    "1",
    "3.0.3",
    "/api",
    (
        Operation("POST", "/auth/login"),
        Operation("POST", "/items", security=("bearer",)),
        Operation("GET", "/items/{item_id}"),
        Operation("DELETE", "/items/{item_id}"),
        Operation("GET", "/boom"),
        Operation("GET", "/drop"),
    ),
    auth=AuthFlow(kind="bearer", login_operation="POST /auth/login"),
)


def act(op: str, *, params: dict[str, Json] | None = None, body: Json = None, **kw: object) -> Action:
    method, path = op.split(" ", 1)
    spec = RequestSpec(op, method, path, path_params=params or {}, body=body, has_body=body is not None)
    expect = kw.get("expect", Expectation())
    save = kw.get("save", {})
    assert isinstance(expect, Expectation) and isinstance(save, dict)
    return Action(op, spec, expect, save)


def scen(sid: str, *actions: Action, fixtures: tuple[str, ...] = ()) -> Scenario:
    ops = tuple(a.request.operation for a in actions)
    return Scenario(sid, "items", sid, "crud_lifecycle", (), ops, (), actions, fixtures=fixtures)


RECIPE = ResourceRecipe("item", act("POST /items", body={"name": "fixture-${unique}"}))
GONE = Expectation(statuses=(404,), status_classes=())


async def run(base_url: str, groups: list[list[Scenario]], creds: bool = True) -> ExecutionReport:
    target = Target(base_url=base_url, credentials=(Credentials("alice", "wonderland"),) if creds else ())
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=5) as transport:
        auth = Authenticator(MODEL, target, transport)
        await auth.login()
        return await execute(groups, (RECIPE,), MODEL, target, transport, auth=auth)


async def test_crud_lifecycle_with_fixture_and_auth(base_url: str) -> None:
    crud = scen(
        "SC-CRUD",
        act("POST /items", body={"name": "mine-${unique}"}, save={"mine": "id"}),
        act("GET /items/{item_id}", params={"item_id": "${mine}"}),
        act("DELETE /items/{item_id}", params={"item_id": "${mine}"}),
        act("GET /items/{item_id}", params={"item_id": "${mine}"}, expect=GONE),
    )
    read_fixture = scen(
        "SC-READ", act("GET /items/{item_id}", params={"item_id": "${item.id}"}), fixtures=("item",)
    )
    report = await run(base_url, [[crud, read_fixture]])
    runs = {r.scenario_id: r for r in report.runs}
    assert runs["SC-CRUD"].status == "passed", runs["SC-CRUD"]
    assert runs["SC-READ"].status == "passed", runs["SC-READ"]
    assert report.requests_sent == 6
    created = [e for e in report.exchanges if e.request.method == "POST"]
    assert all(e.status == 201 and e.request.headers["Authorization"] == "Bearer tok-alice" for e in created)
    bodies = [e.response.json for e in created if e.response]
    assert any(isinstance(b, dict) and str(b["name"]).startswith("fixture-") for b in bodies)


async def test_server_error_and_dropped_connection_are_recorded(base_url: str) -> None:
    report = await run(base_url, [[scen("SC-500", act("GET /boom"))], [scen("SC-DROP", act("GET /drop"))]])
    runs = {r.scenario_id: r for r in report.runs}
    boom = [e for e in report.exchanges if e.scenario_id == "SC-500"]  # not the runner's reset watch
    assert runs["SC-500"].status == "failed" and boom[0].status == 500
    drops = [e for e in report.exchanges if e.operation == "GET /drop"]
    assert [e.retried for e in drops] == [False, True]
    assert all(e.response is None and e.error for e in drops)
    assert runs["SC-DROP"].status == "error"


async def test_failing_fixture_blocks_when_login_is_refused(base_url: str) -> None:
    # Without credentials there is no token: the fixture's create answers 401 and blocks.
    report = await run(
        base_url,
        [[scen("SC-B", act("GET /items/{item_id}", params={"item_id": "${item.id}"}), fixtures=("item",))]],
        creds=False,
    )
    assert report.runs[0].status == "blocked"
    assert report.runs[0].blocked_by == "fixture item: POST /items answered 401"


async def test_dead_target_is_reported() -> None:
    target = Target(base_url=f"http://127.0.0.1:{free_port()}")
    groups = [[scen(f"S{i}", act("GET /boom"))] for i in range(4)]
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=2) as transport:
        report = await execute(groups, (), MODEL, target, transport)
    assert report.target_failure and "stopped answering" in report.target_failure
    assert [r.status for r in report.runs] == ["error", "error", "error", "skipped"]
