"""Start the real targets our integration tests and the benchmark point assay at.

Each starter returns a running server with `base_url`, `spec_url`, `requests_served`,
`reset_request_count()` and `stop()`; requests are counted on the server side.

- the demo target (`assay.demo`), OpenAPI 3.1 at /openapi.json, faults in PLANTED_FAULTS;
- httpbin (PyPI `httpbin`, a Flask app), Swagger 2.0 at /spec.json (needs `flasgger`);
- todolist-fastapi (PyPI `todolist-fastapi`, a FastAPI app), OpenAPI 3.1 at /openapi.json.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

from werkzeug.serving import BaseWSGIServer, make_server

from assay.demo.server import RunningServer, serve_in_thread

HOST = "127.0.0.1"

WSGIEnviron = dict[str, object]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]


class TestServer(Protocol):
    """What the fixtures and the benchmark need of a started target."""

    base_url: str

    @property
    def requests_served(self) -> int: ...

    def reset_request_count(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Target:
    """A started target and where its API description lives."""

    name: str
    server: TestServer
    spec_path: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def spec_url(self) -> str:
        return self.server.base_url + self.spec_path

    def stop(self) -> None:
        self.server.stop()


class _CountingWSGI:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.count = 0

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:
            self.count += 1
        return self.app(environ, start_response)


class WSGIServerThread:
    """A werkzeug server (threaded) on a daemon thread, counting the requests it serves."""

    def __init__(self, app: WSGIApp, host: str = HOST) -> None:
        self._counter = _CountingWSGI(app)
        self._server: BaseWSGIServer = make_server(host, 0, self._counter, threaded=True)
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def requests_served(self) -> int:
        with self._counter.lock:
            return self._counter.count

    def reset_request_count(self) -> None:
        with self._counter.lock:
            self._counter.count = 0

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def start_demo() -> Target:
    from assay.demo.app import create_app

    return Target("demo", serve_in_thread(create_app()), "/openapi.json")


def start_httpbin() -> Target:
    import logging

    import httpbin

    # werkzeug logs every request at INFO; keep test and bench output readable.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    return Target("httpbin", WSGIServerThread(httpbin.app), "/spec.json")


def _import_todo_app() -> tuple[ModuleType, ModuleType]:
    # The package opens ./todos.db at import time: import it from a throwaway directory,
    # then swap its database dependency for an in-memory one per server.
    cwd = os.getcwd()
    os.chdir(tempfile.mkdtemp(prefix="assay-todo-"))
    try:
        from fastapi_todo_list import database, main  # type: ignore[import-untyped]
    finally:
        os.chdir(cwd)
    return database, main


def start_todo_app() -> Target:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.pool import StaticPool

    database, main = _import_todo_app()
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    database.Base.metadata.create_all(engine)
    factory = sessionmaker(bind=engine, autoflush=False)
    # One in-memory connection serves every thread (StaticPool): requests take turns on it.
    # Concurrent use of one sqlite3 connection segfaulted the whole test process once.
    turn = threading.Lock()

    def in_memory_db() -> Iterator[Session]:
        with turn:
            session = factory()
            try:
                yield session
            finally:
                session.close()

    main.app.dependency_overrides[database.get_db] = in_memory_db
    server: RunningServer = serve_in_thread(main.app, log_level="critical")
    return Target("todolist-fastapi", server, "/openapi.json")


def start_django_admin() -> Target:
    from tests.apps.webapps import start_django

    return Target("django-admin", start_django(), "")


def start_datasette() -> Target:
    from tests.apps.webapps import start_datasette as start

    return Target("datasette", start(), "")


STARTERS: dict[str, Callable[[], Target]] = {
    "demo": start_demo,
    "httpbin": start_httpbin,
    "todolist-fastapi": start_todo_app,
    "django-admin": start_django_admin,  # web apps (no spec): see tests/apps/webapps.py
    "datasette": start_datasette,
}


@contextmanager
def running(name: str) -> Iterator[Target]:
    """Start the named target for the duration of a `with` block."""
    target = STARTERS[name]()
    try:
        yield target
    finally:
        target.stop()
