"""SSE with replay and Last-Event-ID; DELETE really cancels."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import FakePipeline, served, settings_for
from tests.distributed_helpers import MODES, FileGate, served_in

TARGET = "http://127.0.0.1:9/"


def parse_sse(text: str) -> list[tuple[int, str, dict[str, object]]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":")
        )
        if "event" in fields:
            events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


@pytest.mark.parametrize("mode", MODES)
def test_late_subscriber_gets_every_event_and_the_stream_ends(tmp_path: Path, mode: str) -> None:
    with served_in(mode, tmp_path) as api:
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        api.wait(wid)
        events = parse_sse(api.client.get(f"/workflows/{wid}/stream").text)
        resumed = parse_sse(api.client.get(f"/workflows/{wid}/stream", headers={"Last-Event-ID": "5"}).text)
    names = [name for _, name, _ in events]
    assert names[0] == "agent_started" and names[-1] == "workflow_completed"
    assert names.count("agent_started") == names.count("agent_completed") == 4
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))
    completed = {data["agent"]: data for _, name, data in events if name == "agent_completed"}
    assert completed["observation"]["elements_found"] == 1
    assert completed["requirements"]["scenarios_generated"] == 1
    assert completed["analysis"]["scenarios_executed"] == 1
    assert completed["evolution"]["tests_generated"] == 2
    assert all(isinstance(d["duration_seconds"], float) for d in completed.values())
    assert resumed == events[5:]


@pytest.mark.parametrize("mode", MODES)
def test_live_stream_follows_a_running_workflow(tmp_path: Path, mode: str) -> None:
    gate = FileGate(tmp_path / "gate")
    with served_in(mode, tmp_path, FakePipeline(gate=gate)) as api:
        wid = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        received: list[str] = []
        with httpx.stream("GET", f"{api.base}/api/v2/workflows/{wid}/stream", timeout=10) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                if line.startswith("event: "):
                    received.append(line[7:])
                    gate.set()
    assert received[0] == "agent_started" and received[-1] == "workflow_completed"


@pytest.mark.parametrize("mode", MODES)
def test_delete_cancels_at_the_next_step_and_keeps_partial_results(tmp_path: Path, mode: str) -> None:
    gate = FileGate(tmp_path / "gate")
    pipeline = FakePipeline(gate=gate)
    with served_in(mode, tmp_path, pipeline) as api:
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        deadline = time.monotonic() + 60  # an upper bound: the loop ends as soon as it runs
        while (
            api.client.get(f"/workflows/{wid}").json()["status"] != "running" and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        cancelled = api.client.delete(f"/workflows/{wid}")
        again = api.client.delete(f"/workflows/{wid}")
        results = api.client.get(f"/workflows/{wid}/results")
        events = parse_sse(api.client.get(f"/workflows/{wid}/stream").text)
        done = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        gate.set()
        api.wait(done)
        finished = api.client.delete(f"/workflows/{done}")
        unknown = api.client.delete("/workflows/unknown")
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "cancelled" and body["progress"]["observation"]["status"] == "failed"
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert results.status_code == 200 and results.json()["status"] == "cancelled"
    assert events[-1][1] == "workflow_cancelled"
    assert finished.status_code == 409 and finished.json()["code"] == "ALREADY_FINISHED"
    assert unknown.status_code == 404


def test_stream_of_unknown_workflow_is_404(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        response = api.client.get("/workflows/none/stream")
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"


def test_a_job_that_ignores_the_token_is_stopped_after_the_grace_period(tmp_path: Path) -> None:
    gate = threading.Event()
    settings = settings_for(tmp_path, cancel_grace_seconds=0.3)
    with served(settings, FakePipeline(gate=gate, cooperative=False)) as api:
        wid = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        time.sleep(0.2)
        response = api.client.delete(f"/workflows/{wid}")
        gate.set()
    # The job ignores the token and waits for a gate opened only after the DELETE returned: its
    # status is "cancelled" only if the grace period stopped it (no stopwatch needed).
    assert response.json()["status"] == "cancelled"
