"""Distributed mode survives its faults: a worker killed with ``kill -9`` mid-workflow, the API
killed the same way, Redis restarted mid-run. Real Redis, PostgreSQL, Celery workers and
``assay serve`` processes on 127.0.0.1; the fake pipeline stands in for the agents."""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import Api, FakePipeline, served
from tests.distributed_helpers import (
    ROOT,
    FileGate,
    Worker,
    distributed_settings,
    needs_services,
    remove_keys,
    workers,
)
from tests.unit.test_api_stream_cancel import parse_sse

from assay.domain.json import JsonObject
from assay.settings import Settings

pytestmark = [pytest.mark.integration, needs_services]
TARGET = "http://127.0.0.1:9/"
BOUND = 120.0  # an upper bound on every wait: each ends as soon as its condition holds


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stage_done(api: Api, wid: str, agent: str) -> bool:
    body: JsonObject = api.client.get(f"/workflows/{wid}").json()
    progress = body["progress"]
    assert isinstance(progress, dict)
    return bool(progress[agent]["status"] == "completed")  # type: ignore[index, call-overload]


def test_a_worker_killed_mid_workflow_is_redelivered_and_completes_once(tmp_path: Path) -> None:
    settings = distributed_settings(broker_visibility_seconds=3)
    body = {"url": TARGET, "login_credentials": {"username": "alice", "password": "pa55-W0rd-xyz"}}
    with ExitStack() as stack:
        stack.callback(remove_keys, settings)
        api = stack.enter_context(served(settings, FakePipeline()))
        first = Worker(settings, FakePipeline(step_delay=0.5), tmp_path / "first.log")
        stack.callback(first.stop)
        wid = api.client.post("/generate-tests", json=body).json()["workflow_id"]
        wait_until(lambda: stage_done(api, wid, "requirements"), "requirements completed")
        first.kill()
        second = Worker(settings, FakePipeline(), tmp_path / "second.log")
        stack.callback(second.stop)
        status = api.wait(wid, BOUND)
        results = api.client.get(f"/workflows/{wid}/results").json()
        findings = api.client.get(f"/workflows/{wid}/findings").json()
        events = parse_sse(api.client.get(f"/workflows/{wid}/stream").text)
    assert status["status"] == "completed" and status["error"] is None
    assert len(results["test_case_ids"]) == 2 and len(findings["findings"]) == 1
    names = [name for _, name, _ in events]
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))
    assert names.count("workflow_completed") == 1 and "workflow_failed" not in names
    started = [data["agent"] for _, name, data in events if name == "agent_started"]
    # Resumed where it stood: the stages done before the kill ran once, the others ran to the end.
    assert started.count("observation") == 1 and started.count("requirements") == 1
    assert started.count("evolution") == 1
    assert "resumes at" in (tmp_path / "second.log").read_text()


class ApiProcess:
    """``assay serve`` in its own process, to be killed with ``kill -9``."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "ASSAY_DATABASE_URL": settings.database_url,
            "ASSAY_BROKER_URL": settings.broker_url,
            "ASSAY_BROKER_PREFIX": settings.broker_prefix,
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "assay", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}/api/v2", timeout=BOUND)
        wait_until(self._answers, "the API answers")

    def _answers(self) -> bool:
        assert self.process.poll() is None, "assay serve exited"
        try:
            return self.client.get("/workflows/none").status_code == 404
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def test_killing_the_api_loses_nothing_and_streams_resume_with_last_event_id(tmp_path: Path) -> None:
    settings = distributed_settings()
    with ExitStack() as stack:
        stack.callback(remove_keys, settings)
        stack.enter_context(workers(settings, FakePipeline(step_delay=0.1), tmp_path))
        first = ApiProcess(settings, tmp_path / "api-1.log")
        stack.callback(first.kill)
        posted = [first.client.post("/generate-tests", json={"url": TARGET}) for _ in range(3)]
        ids = [response.json()["workflow_id"] for response in posted]
        seen: list[str] = []
        with first.client.stream("GET", f"/workflows/{ids[0]}/stream") as response:
            for line in response.iter_lines():
                if line.startswith("id: "):
                    seen.append(line[4:])
                if len(seen) == 3:
                    break
        first.kill()
        second = ApiProcess(settings, tmp_path / "api-2.log")
        stack.callback(second.kill)
        api = Api(f"http://127.0.0.1:{second.port}", second.client)
        statuses = [api.wait(wid, BOUND)["status"] for wid in ids]
        resumed = parse_sse(
            second.client.get(f"/workflows/{ids[0]}/stream", headers={"Last-Event-ID": seen[-1]}).text
        )
        everything = parse_sse(second.client.get(f"/workflows/{ids[0]}/stream").text)
    assert statuses == ["completed"] * 3
    assert seen == ["1", "2", "3"]
    assert resumed == everything[3:] and resumed[-1][1] == "workflow_completed"
    assert [seq for seq, _, _ in everything] == list(range(1, len(everything) + 1))


class OwnRedis:
    """A redis-server of this test's own, appending every write to disk, to be restarted."""

    def __init__(self, tmp: Path) -> None:
        self.port, folder = free_port(), tmp / "redis"
        folder.mkdir()
        self.command = ["redis-server", "--port", str(self.port), "--dir", str(folder), "--save", ""]
        self.command += ["--appendonly", "yes", "--appendfsync", "always", "--bind", "127.0.0.1"]
        self.processes = [subprocess.Popen(self.command, stdout=subprocess.DEVNULL)]
        wait_until(self._ready, "redis started")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def restart(self) -> None:
        self.processes[-1].terminate()  # SIGTERM: Redis shuts down cleanly, its data on disk
        self.processes[-1].wait(timeout=30)
        assert not self._ready()
        self.processes.append(subprocess.Popen(self.command, stdout=subprocess.DEVNULL))
        wait_until(self._ready, "redis restarted")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def own_redis(tmp: Path) -> Iterator[OwnRedis]:
    redis = OwnRedis(tmp)
    try:
        yield redis
    finally:
        redis.stop()


def test_workers_reconnect_after_redis_restarts_mid_run(tmp_path: Path) -> None:
    with own_redis(tmp_path) as redis:
        settings = distributed_settings(redis.url)
        gate = FileGate(tmp_path / "gate")
        pipeline = FakePipeline(gate=gate)
        with workers(settings, pipeline, tmp_path), served(settings, pipeline) as api:
            wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
            wait_until(lambda: api.client.get(f"/workflows/{wid}").json()["status"] == "running", "running")
            redis.restart()
            gate.set()
            first = api.wait(wid, BOUND)
            after = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
            second = api.wait(after, BOUND)
            events = parse_sse(api.client.get(f"/workflows/{wid}/stream").text)
    assert first["status"] == "completed" and second["status"] == "completed"
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))
    assert events[-1][1] == "workflow_completed"


class BadTarget:
    """A TCP server on 127.0.0.1 that either never answers (``hang``) or resets every connection."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            if self.behaviour == "hang":
                self.held.append(connection)  # read nothing, answer nothing
            else:  # SO_LINGER 0: close() sends RST
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.close()

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


def test_a_target_that_hangs_or_resets_fails_its_own_workflow_only(tmp_path: Path) -> None:
    from assay.demo.app import create_app
    from assay.demo.server import serve_in_thread

    settings = distributed_settings()
    pipeline = FakePipeline(touch_target=True)
    hang, reset = BadTarget("hang"), BadTarget("reset")
    good = serve_in_thread(create_app())
    with ExitStack() as stack:
        stack.callback(remove_keys, settings)
        stack.callback(hang.close)
        stack.callback(reset.close)
        stack.callback(good.stop)
        stack.enter_context(workers(settings, pipeline, tmp_path))
        api = stack.enter_context(served(settings, pipeline))
        urls = [f"http://127.0.0.1:{hang.port}/", f"http://127.0.0.1:{reset.port}/", good.base_url + "/"]
        ids = [api.client.post("/generate-tests", json={"url": url}).json()["workflow_id"] for url in urls]
        hung, dropped, fine = (api.wait(wid, BOUND) for wid in ids)
    assert hung["status"] == "failed" and "no answer within" in str(hung["error"])
    assert dropped["status"] == "failed" and "the target did not answer" in str(dropped["error"])
    assert fine["status"] == "completed" and fine["error"] is None


def test_a_workflow_cancelled_while_queued_is_never_started(tmp_path: Path) -> None:
    settings = distributed_settings()
    with ExitStack() as stack:
        stack.callback(remove_keys, settings)
        api = stack.enter_context(served(settings, FakePipeline()))
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        cancelled = api.client.delete(f"/workflows/{wid}")  # no worker is running yet
        stack.enter_context(workers(settings, FakePipeline(), tmp_path))
        later = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        assert api.wait(later, BOUND)["status"] == "completed"  # the worker has read the queue
        status = api.client.get(f"/workflows/{wid}").json()
        events = parse_sse(api.client.get(f"/workflows/{wid}/stream").text)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert status["status"] == "cancelled"
    assert [name for _, name, _ in events] == ["workflow_cancelled"]
    assert "cancelled before it started" in (tmp_path / "worker-0.log").read_text()
