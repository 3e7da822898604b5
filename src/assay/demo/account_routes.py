"""Demo account routes with the login-side planted faults (issue 4); the main login stays healthy.

- ``POST /api/v1/auth/password-reset``: 202 for a registered email, 404 for an unknown one
  (user enumeration).
- ``POST /api/v1/auth/password-reset/confirm``: wrong reset codes are never counted, so a
  six-digit code can be guessed at full speed (rate limiting).
- ``GET /api/v1/users/``: the team directory lists every user's password hash (data exposure).
- ``GET /api/v1/users/me/sessions``: answers any ``Origin`` with that origin and
  ``Access-Control-Allow-Credentials: true`` (CORS).
- ``GET /api/v1/handles/check``: the handle is checked with a backtracking regular expression
  (resource exhaustion); its length cap keeps the worst case to a few seconds.

No ``from __future__ import annotations`` here: FastAPI reads the parameter annotations.
"""

import hashlib
import re
from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from assay.demo.models import ErrorResponse, User
from assay.demo.routes import BAD_BODY, UNAUTHORIZED, Responses
from assay.demo.store import DemoStore

CurrentUserFn = Callable[..., User]
# Nested quantifiers: "aaaa…!" makes Python's re try every split of the run (exponential time).
HANDLE_PATTERN = r"^([a-z0-9]+[._-]?)*$"
HANDLE_MAX = 26
_HANDLE = re.compile(HANDLE_PATTERN)
_TAKEN_HANDLES = frozenset({"admin", "support", "assay"})


class ResetRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320)


class ResetRequested(BaseModel):
    sent: bool


class ResetConfirm(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    code: str = Field(min_length=6, max_length=6, description="The six-digit code from the email")
    new_password: str = Field(min_length=8, max_length=128)


class DirectoryEntry(BaseModel):
    id: UUID
    email: str
    full_name: str | None
    password_hash: str


class AccountSession(BaseModel):
    id: str
    user_agent: str
    current: bool


class HandleCheck(BaseModel):
    handle: str
    valid: bool
    available: bool


def password_reset_router(store: DemoStore) -> APIRouter:
    router = APIRouter(prefix="/api/v1/auth/password-reset", tags=["auth"])
    unknown: Responses = {404: {"model": ErrorResponse, "description": "No account has this email"}}
    bad_code: Responses = {400: {"model": ErrorResponse, "description": "Invalid or expired reset code"}}

    @router.post("", response_model=ResetRequested, status_code=202, responses={**BAD_BODY, **unknown})
    def request_password_reset(body: ResetRequest) -> ResetRequested:
        # The planted user enumeration: unknown emails get their own status.
        if not store.request_reset(body.email):
            raise HTTPException(404, "No account is registered with this email")
        return ResetRequested(sent=True)

    @router.post("/confirm", status_code=204, response_class=Response, responses=bad_code)
    def confirm_password_reset(body: ResetConfirm) -> Response:
        # The planted missing rate limit: failures are neither counted nor throttled.
        if not store.confirm_reset(body.email, body.code, body.new_password):
            raise HTTPException(400, "Invalid or expired reset code")
        return Response(status_code=204)

    return router


def users_router(store: DemoStore, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=list[DirectoryEntry])
    def team_directory(me: Me) -> list[DirectoryEntry]:
        # The planted data exposure: the stored password hashes go out with the directory.
        return [
            DirectoryEntry(id=u.id, email=u.email, full_name=u.full_name, password_hash=digest)
            for u, digest in store.directory()
        ]

    @router.get("/me/sessions", response_model=list[AccountSession])
    def my_sessions(me: Me, request: Request, response: Response) -> list[AccountSession]:
        origin = request.headers.get("origin")
        if origin:  # the planted CORS fault: any origin, with credentials
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Vary"] = "Origin"
        token = request.headers.get("authorization", "")
        session_id = hashlib.sha256(token.encode()).hexdigest()[:16]
        agent = request.headers.get("user-agent", "")
        return [AccountSession(id=session_id, user_agent=agent, current=True)]

    return router


def handles_router(current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/handles", tags=["users"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]
    # Documented in the spec only: pydantic's own (linear) regex engine would refuse before the handler.
    handle_query = Query(min_length=1, max_length=HANDLE_MAX, json_schema_extra={"pattern": HANDLE_PATTERN})

    @router.get("/check", response_model=HandleCheck)
    def check_handle(me: Me, handle: Annotated[str, handle_query]) -> HandleCheck:
        if _HANDLE.match(handle) is None:  # refused like FastAPI would, after the slow match
            msg = f"String should match pattern '{HANDLE_PATTERN}'"
            loc = ("query", "handle")
            raise RequestValidationError([{"type": "string_pattern_mismatch", "loc": loc, "msg": msg}])
        return HandleCheck(handle=handle, valid=True, available=handle not in _TAKEN_HANDLES)

    return router


def account_routers(store: DemoStore, current_user: CurrentUserFn) -> list[APIRouter]:
    return [password_reset_router(store), users_router(store, current_user), handles_router(current_user)]
