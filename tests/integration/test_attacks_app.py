"""The attack families against a FastAPI app with one planted fault per family and correct twins.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

import re
import socket
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Annotated

import jwt as pyjwt
import pytest
import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.attacks import attack_families
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.requirements.assemble import from_api
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target
from assay.spec import build_api_model

pytestmark = pytest.mark.integration

KEY = "secret"  # the planted weak JWT key
BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"


class Register(BaseModel):
    username: str
    password: str
    email: str


class Login(BaseModel):
    username: str
    password: str


class FetchIn(BaseModel):
    url: str


class BookmarkIn(BaseModel):
    link: str


class CodeIn(BaseModel):
    code: str


def build_app() -> FastAPI:
    app = FastAPI()
    bearer = HTTPBearer()
    users: dict[str, dict[str, str]] = {
        "alice": {"password": "pw-alice-1", "email": "alice@corp.example"},
        "bob": {"password": "pw-bob-1", "email": "bob@corp.example"},
    }
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE items (name TEXT)")
    db.executemany("INSERT INTO items VALUES (?)", [("apple",), ("pear",), ("plum",)])
    redeemed: set[str] = set()

    @app.middleware("http")
    async def banner_and_cors(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers["X-Powered-By"] = "FastAPI/0.110.0"
        origin = request.headers.get("origin")
        if origin and request.url.path == "/users/me":
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        return response

    def current(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> dict[str, str]:
        try:
            claims = pyjwt.decode(creds.credentials, KEY, algorithms=["HS256"])
        except pyjwt.InvalidTokenError as exc:
            raise HTTPException(401, "bad token") from exc
        return {"username": str(claims["sub"])}

    User = Annotated[dict[str, str], Depends(current)]

    @app.post("/auth/register", status_code=201)
    def register(body: Register) -> dict[str, str]:
        users[body.username] = {"password": body.password, "email": body.email}
        return {"id": body.username, "username": body.username, "email": body.email}

    @app.post("/auth/login")
    def login(body: Login) -> dict[str, str]:
        if body.username not in users:
            raise HTTPException(404, "no such user")
        if users[body.username]["password"] != body.password:
            raise HTTPException(401, "wrong password")
        return {"access_token": pyjwt.encode({"sub": body.username}, KEY), "token_type": "bearer"}

    @app.get("/users/me")
    def me(user: User) -> dict[str, str]:
        return {"id": user["username"], "username": user["username"]}  # never checks the store

    @app.delete("/users/me", status_code=204)
    def delete_me(user: User) -> Response:
        users.pop(user["username"], None)
        return Response(status_code=204)

    @app.get("/users")
    def list_users(user: User) -> list[dict[str, str]]:
        return [{"username": n, "email": u["email"], "password_hash": BCRYPT} for n, u in users.items()]

    @app.get("/people")
    def list_people(user: User) -> list[dict[str, str]]:
        return [{"username": n} for n in users]

    @app.get("/search")
    def search(name: str) -> list[dict[str, str]]:
        rows = db.execute(f"SELECT name FROM items WHERE name = '{name}'").fetchall()
        return [{"name": r[0]} for r in rows]

    @app.get("/search-safe")
    def search_safe(name: str) -> list[dict[str, str]]:
        rows = db.execute("SELECT name FROM items WHERE name = ?", (name,)).fetchall()
        return [{"name": r[0]} for r in rows]

    @app.post("/fetch")
    def fetch(body: FetchIn) -> dict[str, int]:
        try:
            with urllib.request.urlopen(body.url, timeout=2) as answer:
                return {"bytes": len(answer.read())}
        except Exception:
            return {"bytes": 0}

    @app.post("/bookmarks", status_code=201)
    def bookmark(body: BookmarkIn) -> dict[str, str]:
        return {"id": "1", "link": body.link}

    @app.post("/validate")
    def validate(body: CodeIn) -> dict[str, bool]:
        return {"ok": re.match(r"^(a+)+$", body.code) is not None}

    @app.post("/validate-safe")
    def validate_safe(body: CodeIn) -> dict[str, bool]:
        return {"ok": re.fullmatch(r"a+", body.code[:64]) is not None}

    @app.post("/coupons/redeem")
    def redeem(body: CodeIn, user: User) -> dict[str, str]:
        return {"status": "applied"}

    @app.post("/gift-cards/redeem")
    def redeem_gift(body: CodeIn, user: User) -> dict[str, str]:
        if user["username"] in redeemed:
            raise HTTPException(409, "already redeemed")
        redeemed.add(user["username"])
        return {"status": "applied"}

    @app.get("/debug", include_in_schema=False)
    def debug() -> dict[str, object]:
        return {"debug": True, "environ": {"DATABASE_URL": "sqlite://"}}

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, FastAPI]]:
    app = build_app()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=5)


async def run_all(base_url: str, app: FastAPI) -> list[FamilyReport]:
    api = build_api_model(app.openapi())
    target = Target(base_url=base_url)
    recipes = {r.name: r for r in from_api(api).recipes}
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        assert auth.session.authenticated, auth.session.notes
        ctx = SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 600)  # a cap
        return await run_families(ctx, attack_families())


@pytest.fixture(scope="module")
def reports(served: tuple[str, FastAPI]) -> list[FamilyReport]:
    import asyncio

    return asyncio.run(run_all(*served))


def found(reports: list[FamilyReport], category: str) -> list[Finding]:
    return [f for r in reports for f in r.findings if f.category == category]


def paths(findings: list[Finding]) -> set[str]:
    return {f"{f.method} {f.path}" for f in findings}


def test_no_family_crashed_and_budgets_hold(reports: list[FamilyReport]) -> None:
    for report in reports:
        assert report.crash is None, (report.family, report.notes)
        assert report.requests <= 120
    assert {r.family for r in reports} >= {"injection", "ssrf", "cors", "rate_limiting"}


def test_injection_in_the_formatted_query_only(reports: list[FamilyReport]) -> None:
    assert paths(found(reports, "injection")) == {"GET /search"}


def test_ssrf_in_the_fetcher_only(reports: list[FamilyReport]) -> None:
    assert paths(found(reports, "ssrf")) == {"POST /fetch"}


def test_weak_jwt_key_and_deleted_user(reports: list[FamilyReport]) -> None:
    titles = [f.title for f in found(reports, "broken_authentication")]
    assert any("weak secret" in t for t in titles) and not any("alg none" in t for t in titles)
    assert any("deleted user" in t for t in titles)
    for f in found(reports, "broken_authentication"):
        assert "eyJ" not in f.reproduce and "eyJ" not in str(f.evidence)  # forged tokens stay out


def test_banner_and_debug_path(reports: list[FamilyReport]) -> None:
    titles = {f.title for f in found(reports, "information_disclosure")}
    assert "Responses name the server software and its version" in titles
    assert "/debug serves a debug page" in titles
    assert not any(p in t for t in titles for p in ("/.env", "/admin", "/console", "/.git"))


def test_password_hashes_in_the_user_list_only(reports: list[FamilyReport]) -> None:
    exposure = found(reports, "data_exposure")
    assert paths(exposure) == {"GET /users"}
    assert all(BCRYPT not in str(f.evidence) for f in exposure)


def test_login_enumeration_and_no_rate_limit(reports: list[FamilyReport]) -> None:
    assert paths(found(reports, "user_enumeration")) == {"POST /auth/login"}
    limits = found(reports, "rate_limiting")
    assert "POST /auth/login" in paths(limits)


def test_catastrophic_regex_only(reports: list[FamilyReport]) -> None:
    assert paths(found(reports, "resource_exhaustion")) == {"POST /validate"}


def test_credentialed_cors_reflection_only_where_planted(reports: list[FamilyReport]) -> None:
    assert paths(found(reports, "cors")) == {"GET /users/me"}


def test_repeatable_coupon_but_not_the_one_time_gift_card(reports: list[FamilyReport]) -> None:
    business = found(reports, "business_flow")
    assert paths(business) == {"POST /coupons/redeem"}
