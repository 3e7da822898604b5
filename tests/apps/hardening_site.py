"""A site with a sign-in form whose pages lack the defensive headers and whose session cookie lacks
HttpOnly, and a twin that sends every header and sets HttpOnly (the web_hardening test bed)."""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

USER, PASSWORD = "ada", "lovelace-1815"
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


def hardening_site(flawed: bool) -> Starlette:
    sessions: set[str] = set()
    headers = {} if flawed else HEADERS

    def page(body: str) -> HTMLResponse:
        return HTMLResponse(f"<!doctype html><html><body>{body}</body></html>", headers=headers)

    async def home(request: Request) -> Response:
        signed = request.cookies.get("sid") in sessions
        return page(
            "<p>Welcome back</p><a href='/logout'>Log out</a>" if signed else "<a href='/login'>Sign in</a>"
        )

    async def login(request: Request) -> Response:
        if request.method == "POST":
            form = await request.form()
            if form.get("username") == USER and form.get("password") == PASSWORD:
                sid = secrets.token_hex(16)
                sessions.add(sid)
                answer = RedirectResponse("/", status_code=303, headers=headers)
                answer.set_cookie("sid", sid, httponly=not flawed, samesite="lax")
                return answer
        markup = (
            '<form method="post" action="/login"><input name="username">'
            '<input type="password" name="password"><button type="submit">Sign in</button></form>'
        )
        return page(markup)

    return Starlette(routes=[Route("/", home), Route("/login", login, methods=["GET", "POST"])])
