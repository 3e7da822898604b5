"""Demo routes with one planted fault per attack family (issue 4); the rest is healthy.

- ``GET /api/v1/search/notes?q=``: the query is formatted into SQLite SQL (injection), and the
  database's error comes back in the 500.
- ``POST /api/v1/imports``: fetches any ``url`` the client names, loopback included (SSRF).
- ``POST /api/v1/coupons/redeem``: the same code can be redeemed again and again (business flow).
- ``GET /debug``: not in the spec, answers with the app's settings (information disclosure).
- The bearer tokens are HS256 JWTs signed with ``changeme`` (broken authentication, store.py).

No ``from __future__ import annotations`` here: FastAPI reads the parameter annotations.
"""

import sqlite3
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assay.demo.authz_routes import AuthzState
from assay.demo.models import User
from assay.demo.routes import BAD_BODY, UNAUTHORIZED
from assay.demo.store import now

CurrentUserFn = Callable[..., User]
FETCH_TIMEOUT_S = 2.0


class SearchHit(BaseModel):
    id: str
    title: str


class ImportIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000, json_schema_extra={"format": "uri"})


class ImportResult(BaseModel):
    url: str
    fetched: bool
    bytes: int


class RedeemIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)


class Redemption(BaseModel):
    code: str
    discount_percent: int
    redeemed_at: datetime


def _search(state: AuthzState, me: User, q: str) -> list[SearchHit]:
    with state.lock:
        rows = [(str(n.id), str(n.owner_id), n.title) for n in state.notes.values() if n.owner_id == me.id]
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE notes (id TEXT, owner TEXT, title TEXT)")
        db.executemany("INSERT INTO notes VALUES (?, ?, ?)", rows)
        # The planted injection: the query string goes into the SQL text.
        sql = f"SELECT id, title FROM notes WHERE owner = ? AND title LIKE '%{q}%'"
        return [SearchHit(id=i, title=t) for i, t in db.execute(sql, (str(me.id),)).fetchall()]
    finally:
        db.close()


def search_router(state: AuthzState, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/search", tags=["search"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/notes", response_model=list[SearchHit])
    def search_notes(me: Me, q: Annotated[str, Query(max_length=200)] = "") -> JSONResponse:
        try:
            hits = _search(state, me, q)
        except sqlite3.Error as exc:
            return JSONResponse({"detail": f"sqlite3.{type(exc).__name__}: {exc}"}, status_code=500)
        return JSONResponse([h.model_dump() for h in hits])

    return router


def _fetch(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as answer:
            return len(answer.read(65536))
    except (OSError, ValueError):
        return None


def imports_router(current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/imports", tags=["imports"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.post("/", response_model=ImportResult, responses=BAD_BODY)
    def import_url(body: ImportIn, me: Me) -> ImportResult:
        size = _fetch(body.url)
        return ImportResult(url=body.url, fetched=size is not None, bytes=size or 0)

    return router


def coupons_router(current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/coupons", tags=["coupons"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.post("/redeem", response_model=Redemption, responses=BAD_BODY)
    def redeem_coupon(body: RedeemIn, me: Me) -> Redemption:
        # Never remembers a redemption: the planted business-flow abuse.
        return Redemption(code=body.code, discount_percent=10, redeemed_at=now())

    return router


def debug_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/debug")
    def debug_page() -> dict[str, object]:
        return {"debug": True, "settings": {"environment": "development", "log_level": "DEBUG"}}

    return router


def attack_routers(state: AuthzState, current_user: CurrentUserFn) -> list[APIRouter]:
    return [
        search_router(state, current_user),
        imports_router(current_user),
        coupons_router(current_user),
        debug_router(),
    ]
