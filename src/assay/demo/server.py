"""Serve an ASGI app with uvicorn in a daemon thread: for `assay demo`, tests and the benchmark."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send


class RequestCounter:
    """ASGI wrapper that counts the HTTP requests the wrapped app receives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._count = 0

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def reset(self) -> None:
        with self._lock:
            self._count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            with self._lock:
                self._count += 1
        await self.app(scope, receive, send)


class ServerThread(threading.Thread):
    """uvicorn running one app on a background daemon thread."""

    def __init__(
        self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        super().__init__(name=f"assay-server-{host}:{port}", daemon=True)
        config = uvicorn.Config(
            app, host=host, port=port, log_level=log_level, server_header=False, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.server.run()
        except BaseException as exc:  # reported to the thread that waits for readiness
            self.error = exc

    def wait_ready(self, timeout: float = 10.0) -> int:
        """Block until the server listens; the port it listens on."""
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {self.error!r}")
            time.sleep(0.01)
        sockets = self.server.servers[0].sockets
        port: int = sockets[0].getsockname()[1]
        return port

    def shutdown(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.join(timeout)


class RunningServer:
    """A started server: its base URL, how many requests it served, and how to stop it."""

    def __init__(self, thread: ServerThread, counter: RequestCounter, host: str, port: int) -> None:
        self._thread = thread
        self._counter = counter
        self.host = host
        self.port = port
        self.base_url = f"http://{host}:{port}"

    @property
    def requests_served(self) -> int:
        return self._counter.count

    def reset_request_count(self) -> None:
        self._counter.reset()

    def stop(self) -> None:
        self._thread.shutdown()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning"
) -> RunningServer:
    """Start `app` on host:port (0: a free port) and return once it accepts connections.

    `log_level="critical"` silences the tracebacks uvicorn logs for a third-party app's 500s.
    """
    counter = RequestCounter(app)
    thread = ServerThread(counter, host, port, log_level)
    thread.start()
    actual_port = thread.wait_ready()
    return RunningServer(thread, counter, host, actual_port)
