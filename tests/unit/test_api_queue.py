"""Admission control of the in-process runner, through the served API: a bounded number of
workflows run, the others wait `pending` with their place in the queue, and none is lost."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.api_helpers import Api, FakePipeline, build_service, served, settings_for
from tests.unit.test_api_stream_cancel import parse_sse

from assay.domain.json import JsonObject, dig
from assay.services.workflows import StartRequest

TARGET = "http://127.0.0.1:9/"


def until(api: Api, check: object, workflow_ids: Sequence[str], timeout: float = 60) -> list[JsonObject]:
    """Poll the statuses until ``check(statuses)`` holds (``timeout`` is an upper bound only)."""
    deadline = time.monotonic() + timeout
    while True:
        statuses: list[JsonObject] = [api.client.get(f"/workflows/{w}").json() for w in workflow_ids]
        if check(statuses) or time.monotonic() > deadline:  # type: ignore[operator]
            return statuses
        time.sleep(0.02)


def running(statuses: Sequence[JsonObject]) -> int:
    return sum(1 for s in statuses if s["status"] == "running")


def test_two_run_at_once_the_rest_wait_in_order_and_all_complete(tmp_path: Path) -> None:
    gate = threading.Event()
    pipeline = FakePipeline(gate=gate)
    with served(settings_for(tmp_path, max_concurrent_workflows=2), pipeline) as api:
        posted = [api.client.post("/generate-tests", json={"url": TARGET}) for _ in range(6)]
        ids = [p.json()["workflow_id"] for p in posted]
        held = until(api, lambda s: running(s) == 2, ids)
        gate.set()
        finished = [api.wait(w) for w in ids]
        results = [api.client.get(f"/workflows/{w}/results") for w in ids]
    assert [s["status"] for s in held] == ["running"] * 2 + ["pending"] * 4  # FIFO: the first two run
    messages = [dig(s, "progress.observation.message") for s in held[2:]]
    assert messages == [f"queued: position {n} of 4" for n in range(1, 5)]
    assert all(s["current_agent"] is None and s["total_progress"] == 0.0 for s in held[2:])
    assert [s["status"] for s in finished] == ["completed"] * 6
    assert all(r.status_code == 200 and r.json()["test_count"] == 2 for r in results)
    assert pipeline.peak == 2 and len(pipeline.calls) == 6


def test_cancelling_a_queued_workflow_takes_it_out_of_the_queue(tmp_path: Path) -> None:
    gate = threading.Event()
    pipeline = FakePipeline(gate=gate)
    with served(settings_for(tmp_path, max_concurrent_workflows=1), pipeline) as api:
        ids = [api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"] for _ in range(3)]
        until(api, lambda s: running(s) == 1, ids)
        cancelled = api.client.delete(f"/workflows/{ids[1]}")
        after = [api.client.get(f"/workflows/{w}").json() for w in ids]
        events = parse_sse(api.client.get(f"/workflows/{ids[1]}/stream").text)
        gate.set()
        finished = [api.wait(w) for w in ids]
        results = api.client.get(f"/workflows/{ids[1]}/results")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert [s["status"] for s in after] == ["running", "cancelled", "pending"]
    assert dig(after[2], "progress.observation.message") == "queued: position 1 of 1"
    assert [name for _, name, _ in events] == ["workflow_cancelled"]
    assert [s["status"] for s in finished] == ["completed", "cancelled", "completed"]
    assert results.status_code == 200 and results.json()["status"] == "cancelled"
    assert len(pipeline.calls) == 2  # the cancelled one never ran


@dataclass
class Computation:
    """A stage's pure CPU work: it computes until the test says it was answered meanwhile (or
    ``give_up`` passes, and the test fails)."""

    answered: threading.Event = field(default_factory=threading.Event)
    computing: threading.Event = field(default_factory=threading.Event)
    computed: threading.Event = field(default_factory=threading.Event)
    give_up: float = 60.0

    def __call__(self) -> int:
        self.computing.set()
        deadline, total = time.monotonic() + self.give_up, 0
        while not self.answered.is_set() and time.monotonic() < deadline:
            total += sum(i * i for i in range(10_000))  # pure CPU, holding the GIL in turns
        self.computed.set()
        return total


def test_status_is_answered_while_a_stage_computes(tmp_path: Path) -> None:
    work = Computation()
    with served(settings_for(tmp_path), FakePipeline(stage_work=work)) as api:
        wid = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        assert work.computing.wait(60)
        during = api.client.get(f"/workflows/{wid}").json()
        still_computing = not work.computed.is_set()
        work.answered.set()
        final = api.wait(wid)
    assert still_computing  # the answer came while the stage was computing, not after it
    assert during["status"] == "running" and during["current_agent"] == "observation"
    assert final["status"] == "completed"


async def test_stopping_the_server_ends_queued_workflows_too(tmp_path: Path) -> None:
    gate = threading.Event()
    service = build_service(
        settings_for(tmp_path, max_concurrent_workflows=1), pipeline=FakePipeline(gate=gate)
    )
    started = [await service.start(StartRequest("observation", url=TARGET)) for _ in range(3)]
    queued = service.status(started[2].id)
    await service.runner.shutdown()
    ended = [await asyncio.to_thread(service.store.get, r.id) for r in started]
    assert queued.status == "pending"
    assert queued.agents["observation"].message == "queued: position 2 of 2"
    assert [r.status for r in ended if r is not None] == ["failed"] * 3
    assert all(r is not None and r.error and "server stopped" in r.error for r in ended)
    assert all(service.store.events_after(r.id, 0)[-1].event == "workflow_failed" for r in started)
