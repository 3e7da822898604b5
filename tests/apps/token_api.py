"""An API authenticated by a static token header, shaped like Jupyter Server's (issue 10).

Every call must carry ``Authorization: token <TOKEN>`` (401 without, or with another token); there
is no login or registration operation, and the OpenAPI document declares no security scheme, as
Jupyter's does not. Operations: ``GET /api/status`` (public), ``GET /api/me``,
``GET|POST /api/contents``, ``GET|DELETE /api/contents/{name}``.

The fault (``healthy=False``): ``GET /api/contents/{name}`` forgets the token check, so anyone
reads a user's file. ``healthy=True`` is the twin that checks it. Every request's Authorization
header is recorded, so a test can tell what the server saw.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel

TOKEN = "S3CRET-jupyter-7f3a9c"
HEADER = f"Authorization: token {TOKEN}"
OWNER = "jovyan"


@dataclass
class Recorder:
    """The Authorization header of every request served (None: none was sent)."""

    received: list[tuple[str, str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> list[tuple[str, str, str | None]]:
        with self.lock:
            return list(self.received)


class NewFile(BaseModel):
    name: str
    content: str = ""


def create_app(*, healthy: bool = False, protected_spec: bool = False) -> tuple[FastAPI, Recorder]:
    """``protected_spec``: the OpenAPI document is served only at ``/api/spec.json`` and only
    with the token, as Jupyter Server serves its own."""
    app = FastAPI(title="token api", version="1.0", openapi_url=None if protected_spec else "/openapi.json")
    recorder = Recorder()
    files: dict[str, dict[str, str]] = {}

    @app.middleware("http")
    async def record(request: Request, call_next):  # type: ignore[no-untyped-def]
        with recorder.lock:
            recorder.received.append((request.method, request.url.path, request.headers.get("authorization")))
        return await call_next(request)

    def check(request: Request) -> None:
        if request.headers.get("authorization", "") != f"token {TOKEN}":
            raise HTTPException(401, "token required")

    if protected_spec:

        @app.get("/api/spec.json", include_in_schema=False)
        def spec(request: Request) -> dict[str, object]:
            check(request)
            return app.openapi()

    @app.get("/api/status")
    def status() -> dict[str, str]:
        return {"status": "running"}

    @app.get("/api/me")
    def me(request: Request) -> dict[str, str]:
        check(request)
        return {"name": OWNER, "kind": "user"}

    @app.get("/api/contents")
    def list_files(request: Request) -> list[dict[str, str]]:
        check(request)
        return list(files.values())

    @app.post("/api/contents", status_code=201)
    def new_file(request: Request, body: NewFile) -> dict[str, str]:
        check(request)
        files[body.name] = {"id": body.name, "name": body.name, "content": body.content, "owner": OWNER}
        return files[body.name]

    @app.get("/api/contents/{name}")
    def read_file(request: Request, name: str) -> dict[str, str]:
        if healthy:
            check(request)
        if name not in files:
            raise HTTPException(404, "no such file")
        return files[name]

    @app.delete("/api/contents/{name}", status_code=204)
    def delete_file(request: Request, name: str) -> None:
        check(request)
        files.pop(name, None)

    return app, recorder
