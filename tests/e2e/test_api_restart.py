"""Kill the server (SIGKILL) mid-workflow, start it again: nothing completed is lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import database_url_for

from assay.demo.app import create_app
from assay.demo.server import RunningServer, serve_in_thread

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(port: int, database: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSAY_DATABASE_URL": database, "ASSAY_ALLOWED_TARGETS": "127.0.0.1"}
    code = f"from assay.cli.serve import serve; serve('127.0.0.1', {port})"
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v2/openapi.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the API server did not start")


@pytest.fixture(scope="module")
def demo() -> Iterator[RunningServer]:
    with serve_in_thread(create_app(), log_level="critical") as server:
        yield server


def wait_for(
    client: httpx.Client, workflow_id: str, statuses: set[str], timeout: float = 120
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(f"/workflows/{workflow_id}").json()
        if body["status"] in statuses:
            return body
        time.sleep(0.05)
    raise AssertionError(f"{workflow_id} never reached {statuses}")


def test_sigkill_mid_workflow_then_restart(demo: RunningServer, tmp_path: Path) -> None:
    port, database = free_port(), database_url_for(tmp_path)
    base = f"http://127.0.0.1:{port}/api/v2"
    server = start_server(port, database)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            done = client.post("/generate-tests", json={"url": demo.base_url + "/"}).json()["workflow_id"]
            assert wait_for(client, done, {"completed", "failed"})["status"] == "completed"
            before = client.get(f"/workflows/{done}/results").json()
            victim = client.post("/generate-tests", json={"url": demo.base_url + "/"}).json()["workflow_id"]
            wait_for(client, victim, {"running"})
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    server = start_server(port, database)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            after = client.get(f"/workflows/{done}/results").json()
            interrupted = client.get(f"/workflows/{victim}").json()
            cases = [client.get(f"/test-cases/{i}").status_code for i in before["test_case_ids"]]
            stream = client.get(f"/workflows/{victim}/stream").text
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    assert after == before
    assert cases == [200] * len(before["test_case_ids"]) and cases
    assert interrupted["status"] == "failed"
    assert "server stopped" in str(interrupted["error"])
    assert "event: workflow_failed" in stream
