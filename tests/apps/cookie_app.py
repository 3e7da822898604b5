"""A small API whose login sets a session cookie, and which records every request it receives.

The server side of "anonymous requests carry no credential": a cookie jar anywhere between
assay and the target (httpx's, a shared client's) would put the session cookie on requests meant
to be anonymous, and only the server can see that. Each received request is kept as a
``Received`` (method, path with query, body, credential headers), so a test can compare what
assay meant to send with what arrived.

Operations: ``POST /api/login`` (JSON username/password; sets ``session``), ``GET /api/me``,
``GET|POST /api/notes``, ``GET /api/notes/{note_id}`` (all need the cookie) and
``GET /api/status`` (public). Anonymous calls to protected operations answer 401. ``/api/me``
rotates the session id (a new Set-Cookie): a client keeping each identity's own jar follows it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

USERNAME = "alice"
SESSION_COOKIE = "session"


@dataclass(frozen=True)
class Received:
    method: str
    target: str  # path and query, as sent
    body: bytes
    cookie: str | None
    authorization: str | None


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    rotated: set[str] = field(default_factory=set)  # session ids handed out by /api/me
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Received) -> None:
        with self.lock:
            self.received.append(item)

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)


class Login(BaseModel):
    username: str
    password: str


class NoteIn(BaseModel):
    title: str


def create_app(password: str) -> tuple[FastAPI, Recorder]:
    """The app, accepting ``alice`` with ``password``, and the record of what it received."""
    recorder = Recorder()
    sessions: set[str] = set()
    notes: dict[int, dict[str, object]] = {}
    app = FastAPI(title="Cookie notes", version="1.0")

    @app.middleware("http")
    async def record(request: Request, call_next):  # type: ignore[no-untyped-def]
        body = await request.body()
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = request.headers
        recorder.add(
            Received(request.method, target, body, headers.get("cookie"), headers.get("authorization"))
        )
        return await call_next(request)

    def user_of(request: Request) -> str:
        if request.cookies.get(SESSION_COOKIE) not in sessions:
            raise HTTPException(401, "sign in first")
        return USERNAME

    @app.post("/api/login")
    def login(body: Login, response: Response) -> dict[str, str]:
        if body.username != USERNAME or body.password != password:
            raise HTTPException(401, "invalid credentials")
        token = secrets.token_urlsafe(16)
        sessions.add(token)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
        return {"username": USERNAME}

    @app.get("/api/me")
    def me(request: Request, response: Response) -> dict[str, str]:
        username = user_of(request)
        # Rotates the session id, as many frameworks do (the old one stays valid: no races).
        token = secrets.token_urlsafe(16)
        sessions.add(token)
        recorder.rotated.add(token)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
        return {"username": username}

    @app.get("/api/notes")
    def list_notes(request: Request) -> list[dict[str, object]]:
        user_of(request)
        return list(notes.values())

    @app.post("/api/notes", status_code=201)
    def create_note(note: NoteIn, request: Request) -> dict[str, object]:
        owner = user_of(request)
        created: dict[str, object] = {"id": len(notes) + 1, "title": note.title, "owner": owner}
        notes[len(notes) + 1] = created
        return created

    @app.get("/api/notes/{note_id}")
    def read_note(note_id: int, request: Request) -> dict[str, object]:
        user_of(request)
        if note_id not in notes:
            raise HTTPException(404, "no such note")
        return notes[note_id]

    @app.get("/api/status")
    def status() -> dict[str, str]:
        return {"status": "ok"}

    _declare_cookie_auth(app)
    return app, recorder


def _declare_cookie_auth(app: FastAPI) -> None:
    """Say in the spec that every operation but login and status takes the session cookie."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        spec = original()
        components = spec.setdefault("components", {})
        assert isinstance(components, dict)
        components["securitySchemes"] = {
            "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE}
        }
        paths = spec["paths"]
        assert isinstance(paths, dict)
        for path, item in paths.items():
            for op in item.values():
                if path not in {"/api/login", "/api/status"}:
                    op["security"] = [{"session": []}]
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
