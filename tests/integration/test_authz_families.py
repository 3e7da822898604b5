"""The authorization and state families against a FastAPI app with one planted fault per family.

``/notes`` carries the faults, ``/memos`` is its correct twin; ``/admin/stats`` is open to any
user while ``/admin/audit`` checks the role; ``PATCH /users/me`` lets a user raise their role.
Each family must find its fault and say nothing about the twins.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

import pytest
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request, Response
from tests.integration.test_runner_http import free_port

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.authz import authz_families
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.requirements.recipes import build_recipes
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import JsonObject, as_list
from assay.domain.operations import ApiModel, AuthFlow, Operation, RequestBody, ResponseSpec
from assay.domain.target import Credentials, Target

pytestmark = pytest.mark.integration

Users = dict[str, JsonObject]


def _auth(users: Users, tokens: dict[str, str], authorization: str | None) -> JsonObject:
    token = (authorization or "").removeprefix("Bearer ")
    if token not in tokens:
        raise HTTPException(401, "login first")
    return users[tokens[token]]


def _account_routes(api: FastAPI, users: Users, tokens: dict[str, str]) -> None:
    ids = count(100)

    @api.post("/auth/register", status_code=201, response_model=None)
    async def register(request: Request) -> JsonObject:
        body = await request.json()
        name = str(body["username"])
        if name in users:
            raise HTTPException(409, "taken")
        users[name] = {"id": next(ids), "username": name, "password": body["password"], "role": "user"}
        return {"id": users[name]["id"], "username": name}

    @api.post("/auth/login", response_model=None)
    async def login(request: Request) -> JsonObject:
        body = await request.json()
        user = users.get(str(body.get("username")))
        if user is None or user["password"] != body.get("password"):
            raise HTTPException(401, "bad credentials")
        token = secrets.token_hex(8)
        tokens[token] = str(user["username"])
        return {"access_token": token}

    @api.get("/users/me", response_model=None)
    async def me(authorization: str | None = Header(None)) -> JsonObject:
        user = _auth(users, tokens, authorization)
        return {k: v for k, v in user.items() if k != "password"}

    @api.patch("/users/me", response_model=None)
    async def update_me(request: Request, authorization: str | None = Header(None)) -> JsonObject:
        user = _auth(users, tokens, authorization)
        user.update(await request.json())  # FAULT (bfla): a user may set their own role
        return {k: v for k, v in user.items() if k != "password"}


def _admin_routes(api: FastAPI, users: Users, tokens: dict[str, str]) -> None:
    @api.get("/admin/stats", response_model=None)
    async def stats(authorization: str | None = Header(None)) -> JsonObject:
        _auth(users, tokens, authorization)  # FAULT (bfla): any user, not only admins
        return {"users": len(users)}

    @api.get("/admin/audit", response_model=None)
    async def audit(authorization: str | None = Header(None)) -> JsonObject:
        if _auth(users, tokens, authorization)["role"] != "admin":
            raise HTTPException(403, "admins only")
        return {"events": 3}

    @api.get("/catalogue", response_model=None)
    async def catalogue() -> list[JsonObject]:
        return [{"id": 1, "name": "public item"}]

    @api.get("/health", response_model=None)
    async def health() -> JsonObject:
        return {"status": "ok"}


@dataclass
class Resource:
    """One collection of the app: ``faulty`` plants every fault, else it is the correct twin."""

    name: str
    faulty: bool
    users: Users
    tokens: dict[str, str]
    store: dict[int, JsonObject] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: count(1))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    arrivals: dict[object, int] = field(default_factory=dict)
    window: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def race_window(self, title: object) -> None:
        """Between check and insert: wait for the next create of the same title (at most 0.25 s),
        so that two creates that overlap at all meet here, however busy the machine."""
        async with self.window:
            self.arrivals[title] = mine = self.arrivals.get(title, 0) + 1
            self.window.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.window.wait_for(lambda: self.arrivals[title] > mine), 0.25)

    def owned(self, item_id: int, authorization: str | None) -> JsonObject:
        user = _auth(self.users, self.tokens, authorization)
        item = self.store.get(item_id)
        if item is None or item["owner_id"] != user["id"]:
            raise HTTPException(404, "no such object")
        return item

    async def create(self, body: JsonObject, user: JsonObject) -> JsonObject:
        async with asyncio.Lock() if self.faulty else self.lock:  # FAULT (race): no shared lock
            if any(i["title"] == body.get("title") for i in self.store.values()):
                raise HTTPException(409, "title taken")
            await self.race_window(body.get("title"))
            item: JsonObject = {"id": next(self.ids), "owner_id": user["id"], "title": body.get("title")}
            item["text"] = body.get("text")
            if self.faulty:  # FAULT (mass assignment): privileged fields taken from the body
                item.update({k: body[k] for k in ("is_admin", "role", "tenant_id") if k in body})
            self.store[int(str(item["id"]))] = item
        return item


def _collection_routes(api: FastAPI, res: Resource) -> None:
    @api.post(f"/{res.name}", status_code=201, response_model=None)
    async def create(request: Request, authorization: str | None = Header(None)) -> JsonObject:
        return await res.create(await request.json(), _auth(res.users, res.tokens, authorization))

    @api.get(f"/{res.name}", response_model=None)
    async def listing(authorization: str | None = Header(None)) -> list[JsonObject]:
        user = _auth(res.users, res.tokens, authorization)
        return [i for i in res.store.values() if i["owner_id"] == user["id"]]


def _item_routes(api: FastAPI, res: Resource) -> None:
    @api.get(f"/{res.name}/{{item_id}}", response_model=None)
    async def read(item_id: int, authorization: str | None = Header(None)) -> JsonObject:
        if res.faulty:  # FAULT (missing auth + BOLA): no check at all
            if item_id not in res.store:
                raise HTTPException(404, "no such object")
            return res.store[item_id]
        return res.owned(item_id, authorization)

    @api.patch(f"/{res.name}/{{item_id}}", response_model=None)
    async def update(item_id: int, request: Request, authorization: str | None = Header(None)) -> JsonObject:
        item, body = res.owned(item_id, authorization), await request.json()
        keep = ("text",) if res.faulty else ("text", "title")  # FAULT (lost update): title dropped
        item.update({k: body[k] for k in keep if k in body})
        return item

    @api.delete(f"/{res.name}/{{item_id}}", status_code=204, response_model=None)
    async def delete(item_id: int, authorization: str | None = Header(None)) -> Response:
        res.owned(item_id, authorization)
        if not res.faulty:  # FAULT (stale resource): acknowledged, never deleted
            res.store.pop(item_id)
        return Response(status_code=204)


def build_app() -> FastAPI:
    api = FastAPI()
    users: Users = {
        "alice": {"id": 1, "username": "alice", "password": "wonderland", "role": "user"},
        "root": {"id": 2, "username": "root", "password": "toor-secret", "role": "admin"},
    }
    tokens: dict[str, str] = {}
    _account_routes(api, users, tokens)
    _admin_routes(api, users, tokens)
    for resource in (Resource("notes", True, users, tokens), Resource("memos", False, users, tokens)):
        _collection_routes(api, resource)
        _item_routes(api, resource)
    return api


def _schema(**props: str) -> JsonObject:
    properties: JsonObject = {k: {"type": v} for k, v in props.items()}
    return {"type": "object", "properties": properties, "required": list(properties)}


def _ops(name: str) -> list[Operation]:
    item = f"/{name}/{{item_id}}"
    out = _schema(id="integer", owner_id="integer", title="string", text="string")
    created = (ResponseSpec("201", schema=out),)
    body = RequestBody("application/json", _schema(title="string", text="string"), True)
    sec = ("bearer",)
    return [
        Operation("POST", f"/{name}", request_body=body, responses=created, security=sec),
        Operation("GET", f"/{name}", responses=(ResponseSpec("200"),), security=sec),
        Operation("GET", item, responses=(ResponseSpec("200", schema=out),), security=sec),
        Operation("PATCH", item, request_body=RequestBody("application/json", out), security=sec),
        Operation("DELETE", item, responses=(ResponseSpec("204"),), security=sec),
    ]


def build_model() -> ApiModel:
    login_body = RequestBody("application/json", _schema(username="string", password="string"), True)
    me_body = RequestBody(
        "application/json", {"type": "object", "properties": {"display": {"type": "string"}}}
    )
    ops = [
        Operation("POST", "/auth/register", request_body=login_body),
        Operation("POST", "/auth/login", request_body=login_body),
        Operation("GET", "/users/me", security=("bearer",)),
        Operation("PATCH", "/users/me", request_body=me_body, security=("bearer",)),
        Operation("GET", "/admin/stats", security=("bearer",)),
        Operation("GET", "/admin/audit", security=("bearer",)),
        Operation("GET", "/catalogue"),
        Operation("GET", "/health"),
        *_ops("notes"),
        *_ops("memos"),
    ]
    flow = AuthFlow(
        kind="bearer",
        login_operation="POST /auth/login",
        register_operation="POST /auth/register",
        register_fields=("username",),
        current_user_operation="GET /users/me",
    )
    return ApiModel("authz", "1", "3.0.3", "", tuple(ops), auth=flow)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(), host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def reports(base_url: str) -> list[FamilyReport]:
    return asyncio.run(_run(base_url))


async def _run(base_url: str) -> list[FamilyReport]:
    creds = (Credentials("alice", "wonderland"), Credentials("root", "toor-secret", role="admin"))
    target = Target(base_url=base_url, credentials=creds)
    api = build_model()
    recipes = {r.name: r for r in build_recipes(api).recipes}
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=5) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        ctx = SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 600)  # a cap
        return await run_families(ctx, authz_families())


def _found(reports: list[FamilyReport], family: str) -> set[tuple[str, str, str]]:
    report = next(r for r in reports if r.family == family)
    assert report.crash is None, report.notes
    return {(f.category, f.method, f.path) for f in report.findings}


def _all(reports: list[FamilyReport]) -> list[Finding]:
    return [f for r in reports for f in r.findings]


def test_each_family_finds_its_planted_fault(reports: list[FamilyReport]) -> None:
    assert ("missing_authentication", "GET", "/notes/{item_id}") in _found(reports, "missing_authentication")
    assert ("broken_object_authorization", "GET", "/notes/{item_id}") in _found(
        reports, "broken_object_authorization"
    )
    bfla = _found(reports, "broken_function_authorization")
    assert ("broken_function_authorization", "GET", "/admin/stats") in bfla
    assert ("broken_function_authorization", "PATCH", "/users/me") in bfla
    assert ("mass_assignment", "POST", "/notes") in _found(reports, "mass_assignment")
    assert _found(reports, "stale_resource") == {("stale_resource", "DELETE", "/notes/{item_id}")}
    assert _found(reports, "lost_update") == {("lost_update", "PATCH", "/notes/{item_id}")}
    assert _found(reports, "concurrency") == {("race_condition", "POST", "/notes")}


def test_correct_twins_and_public_operations_stay_quiet(reports: list[FamilyReport]) -> None:
    quiet = ("/memos", "/admin/audit", "/catalogue", "/health", "/auth/")
    noisy = [f"{f.category} {f.method} {f.path}" for f in _all(reports) if f.path.startswith(quiet)]
    assert noisy == []


def test_findings_name_identities_and_never_secrets(reports: list[FamilyReport]) -> None:
    for finding in _all(reports):
        text = repr(finding)
        assert "wonderland" not in text and "toor-secret" not in text
        assert finding.evidence["sequence"] and finding.evidence["identities"]
    bola = next(f for f in _all(reports) if f.category == "broken_object_authorization")
    assert any("alice" in str(who) for who in as_list(bola.evidence.get("identities")))


def test_every_family_stays_within_its_budget(reports: list[FamilyReport]) -> None:
    assert all(0 < r.requests <= 120 for r in reports), {r.family: r.requests for r in reports}
