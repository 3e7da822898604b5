"""A small signed-in notes app, open to cross-site request forgery or not, by three switches.

``build_csrf_app(samesite, tokens, get_writes)``:

- ``samesite``: the session cookie's ``SameSite`` attribute set at sign-in (None: none at all).
- ``tokens``: the notes form carries a hidden ``csrf_token`` bound to the session and the server
  refuses a POST without it (403 "CSRF token missing"), as Django and Flask-WTF do.
- ``get_writes``: the page's scripts change state by GET, pyLoad's shape (GHSA-pgpj-v85q-h5fm):
  ``$.get("/api/pause_reminders")`` inline and ``fetch("/api/add_reminder?text=hi")`` in
  ``/static/app.js``, both served by GET. Without it both writes take only POST, and the scripts
  send them by POST.

Sign-in: ``POST /login`` with admin / secret. ``app.state.notes``, ``reminders`` and ``paused``
show what the requests changed.
"""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

USER, PASSWORD = "admin", "secret"
LOGIN_PAGE = """<html><body><h1>Sign in</h1><form method="post" action="/login">
<input name="username"><input type="password" name="password"><button type="submit">Sign in</button>
</form></body></html>"""


def build_csrf_app(samesite: str | None, tokens: bool, get_writes: bool) -> Starlette:
    sessions: dict[str, str] = {}  # session id -> its anti-forgery token

    def session_of(request: Request) -> str | None:
        sid = request.cookies.get("sid", "")
        return sid if sid in sessions else None

    async def login_page(request: Request) -> Response:
        return HTMLResponse(LOGIN_PAGE)

    async def login(request: Request) -> Response:
        form = await request.form()
        if form.get("username") != USER or form.get("password") != PASSWORD:
            return HTMLResponse(LOGIN_PAGE, status_code=401)
        sid = secrets.token_urlsafe(16)
        sessions[sid] = secrets.token_urlsafe(16)
        answer = RedirectResponse("/notes", status_code=303)
        flag = f"; SameSite={samesite}" if samesite else ""
        answer.headers.append("Set-Cookie", f"sid={sid}; HttpOnly; Path=/{flag}")
        return answer

    async def notes(request: Request) -> Response:
        sid = session_of(request)
        if sid is None:
            return RedirectResponse("/login", status_code=302)
        token = f'<input type="hidden" name="csrf_token" value="{sessions[sid]}">' if tokens else ""
        listed = "".join(f"<li>{n}</li>" for n in app.state.notes)
        pause = (
            '$.get("/api/pause_reminders");'
            if get_writes
            else 'fetch("/api/pause_reminders", {method: "POST"});'
        )
        return HTMLResponse(
            f"""<html><body><h1>Notes</h1><ul>{listed}</ul>
<form method="post" action="/notes">{token}<input name="title"><button type="submit">Add note</button></form>
<button id="pause" onclick='{pause}'>Pause reminders</button>
<script src="/static/app.js"></script></body></html>"""
        )

    async def add_note(request: Request) -> Response:
        sid = session_of(request)
        if sid is None:
            return RedirectResponse("/login", status_code=302)
        form = await request.form()
        if tokens and form.get("csrf_token") != sessions[sid]:
            return PlainTextResponse("CSRF token missing or incorrect.", status_code=403)
        app.state.notes.append(str(form.get("title", "")))
        return RedirectResponse("/notes", status_code=303)

    async def script(request: Request) -> Response:
        call = (
            'fetch("/api/add_reminder?text=hi")'
            if get_writes
            else 'fetch("/api/add_reminder", {method: "POST"})'
        )
        return Response(f"function remind() {{ {call}; }}\n", media_type="text/javascript")

    async def pause_reminders(request: Request) -> Response:
        if session_of(request) is None:
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        app.state.paused = True
        return JSONResponse(True)

    async def add_reminder(request: Request) -> Response:
        if session_of(request) is None:
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        app.state.reminders.append(request.query_params.get("text", "reminder"))
        return JSONResponse({"id": len(app.state.reminders)})

    writes = ["GET", "POST"] if get_writes else ["POST"]
    app = Starlette(
        routes=[
            Route("/login", login_page, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/notes", notes, methods=["GET"]),
            Route("/notes", add_note, methods=["POST"]),
            Route("/static/app.js", script, methods=["GET"]),
            Route("/api/pause_reminders", pause_reminders, methods=writes),
            Route("/api/add_reminder", add_reminder, methods=writes),
        ]
    )
    app.state.notes = []
    app.state.reminders = []
    app.state.paused = False
    return app
