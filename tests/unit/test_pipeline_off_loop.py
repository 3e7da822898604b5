"""The pure stages (requirements, evolution) compute in a worker thread: the event loop, which
serves the API, keeps running while they do."""

from __future__ import annotations

import asyncio
import sys
import threading
from types import FrameType
from typing import Any, cast

from assay.agents.pipeline import run
from assay.bootstrap import NullTransport
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.spec import build_api_model

TARGET = "http://127.0.0.1:9"
STAGE_FUNCTIONS = {"generate": "requirements", "evolve": "evolution"}


def large_spec(resources: int) -> dict[str, Any]:
    """CRUD over ``resources`` resources: enough scenarios that each pure stage takes a while."""
    item = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    paths: dict[str, Any] = {}
    for n in range(resources):
        body = {"content": {"application/json": {"schema": item}}}
        ok = {"200": {"description": "ok", "content": {"application/json": {"schema": item}}}}
        paths[f"/things{n}"] = {"get": {"responses": ok}, "post": {"requestBody": body, "responses": ok}}
        one = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        paths[f"/things{n}/{{id}}"] = {
            "parameters": one,
            "get": {"responses": ok},
            "put": {"requestBody": body, "responses": ok},
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    return {"openapi": "3.0.3", "info": {"title": "big", "version": "1"}, "paths": paths}


def stages_in_workers() -> set[str]:
    """The pure stages some thread other than this one is computing right now."""
    here = threading.get_ident()
    seen: set[str] = set()
    for ident, frame in sys._current_frames().items():
        cursor: FrameType | None = frame
        while cursor is not None and ident != here:
            stage = STAGE_FUNCTIONS.get(cursor.f_code.co_name)
            if stage is not None and "assay/agents" in cursor.f_code.co_filename:
                seen.add(stage)
            cursor = cursor.f_back
    return seen


async def test_requirements_and_evolution_compute_while_the_loop_runs() -> None:
    api = build_api_model(cast(JsonObject, large_spec(60)))
    observation = Observation(target=TARGET, kind="api", api=api)
    result = RunResult(target=TARGET, started_at="2026-12-03T00:00:00Z", observation=observation)
    seen: set[str] = set()
    done = asyncio.Event()

    async def heartbeat() -> None:  # runs only when the loop is free
        while not done.is_set():
            seen.update(stages_in_workers())
            await asyncio.sleep(0.001)

    beating = asyncio.create_task(heartbeat())
    async with NullTransport() as transport:
        stages = run(Target(base_url=TARGET), transport, result, stages=("requirements", "evolution"))
        events = [e async for e in stages]
    done.set()
    await beating
    assert type(events[-1]).__name__ == "WorkflowCompleted"
    assert result.requirements is not None and len(result.requirements.scenarios) > 100
    assert result.evolution is not None and result.evolution.test_cases
    assert seen == {"requirements", "evolution"}
