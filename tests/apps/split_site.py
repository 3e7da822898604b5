# ruff: noqa: E501
"""A site whose web pages live under ``/blog/`` and whose JSON API lives under ``/api/`` (issue 11).

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.

Its spec is FastAPI's own ``/openapi.json`` (no ``servers``: its paths are the origin's). The same
account signs in on both sides: the blog's sign-in form (``/blog/login``, a session cookie) and
``POST /api/auth/login`` (a bearer token for ``GET /api/notes``). Every request is recorded, so a
test can tell the API's login was sent to ``/api/auth/login`` and never under ``/blog/``.
"""

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

USER, PASSWORD = "carol", "carol-pass-4410"
_PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body><header>{nav}</header>
<main><h1>{title}</h1>{body}</main></body></html>"""
_FORM = """<form method="post" action="/blog/login"><label>Username <input name="username" autocomplete="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>"""


class Login(BaseModel):
    username: str
    password: str


@dataclass
class SplitState:
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    tokens: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)


def split_app(state: SplitState) -> FastAPI:
    app = FastAPI(title="split site")
    bearer = HTTPBearer(auto_error=False)

    @app.middleware("http")
    async def record(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        state.requests.append((request.method, request.url.path, response.status_code))
        return response

    def page(request: Request, title: str, body: str) -> HTMLResponse:
        signed = request.cookies.get("blog_session") in state.sessions
        nav = (
            f'<span>Signed in as {USER}</span> <a href="/blog/logout">Log out</a>'
            if signed
            else '<a href="/blog/login">Sign in</a>'
        )
        return HTMLResponse(_PAGE.format(title=title, nav=nav, body=body))

    @app.get("/blog/", include_in_schema=False)
    def blog(request: Request) -> HTMLResponse:
        return page(request, "Blog", '<p>Posts.</p><a href="/blog/about">About</a>')

    @app.get("/blog/about", include_in_schema=False)
    def about(request: Request) -> HTMLResponse:
        return page(request, "About", "<p>A blog with an API.</p>")

    @app.get("/blog/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "Sign in", _FORM)

    @app.post("/blog/login", include_in_schema=False)
    def blog_login(username: str = Form(""), password: str = Form("")) -> Response:
        if (username, password) != (USER, PASSWORD):
            return HTMLResponse(
                _PAGE.format(title="Sign in", nav="", body="<p role=alert>Wrong password.</p>" + _FORM)
            )
        sid = secrets.token_urlsafe(16)
        state.sessions.add(sid)
        response = RedirectResponse("/blog/", status_code=303)
        response.set_cookie("blog_session", sid, httponly=True, samesite="lax")
        return response

    @app.get("/blog/logout", include_in_schema=False)
    def blog_logout() -> Response:
        return RedirectResponse("/blog/", status_code=303)

    @app.post("/api/auth/login")
    def api_login(body: Login) -> dict[str, str]:
        if (body.username, body.password) != (USER, PASSWORD):
            raise HTTPException(401, "invalid credentials")
        token = secrets.token_urlsafe(24)
        state.tokens.add(token)
        return {"access_token": token, "token_type": "bearer"}

    @app.get("/api/notes")
    def notes(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> list[dict[str, str]]:
        if creds is None or creds.credentials not in state.tokens:
            raise HTTPException(401, "sign in first")
        return [{"id": "1", "title": "first note"}]

    return app
