"""A fake pipeline and a served API for the API and store tests (no network beyond 127.0.0.1)."""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assay.bootstrap import build_app, build_service
from assay.domain.analysis import (
    AnalysisResult,
    BusinessValue,
    ExecutionStrategy,
    ExecutionSuccess,
    ExecutionTime,
    FinalPriority,
    RiskScore,
    RoiScore,
    ScenarioDependency,
)
from assay.domain.clock import now_iso
from assay.domain.events import (
    AGENTS,
    AgentCompleted,
    AgentName,
    AgentProgress,
    AgentStarted,
    Event,
    WorkflowCompleted,
    WorkflowFailed,
)
from assay.domain.evolution import EvolutionResult, TestCase
from assay.domain.findings import Finding
from assay.domain.host_policy import TargetPolicy
from assay.domain.json import JsonObject
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import PageFacts
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.run import RunResult
from assay.domain.scenarios import (
    Action,
    CoverageItem,
    CoverageMetrics,
    Expectation,
    RequestSpec,
    RequirementsResult,
    Scenario,
    Step,
)
from assay.domain.target import Target
from assay.settings import Settings


def observation(target: str) -> Observation:
    element = UiElement(page="/", role="button", name="Login", locator="#login")
    return Observation(
        target=target,
        kind="web",
        ui_elements=(element,),
        pages=(PageFacts("/", target + "/", 200, "Home"),),
        confidence=0.9,
    )


def requirements() -> RequirementsResult:
    action = Action("list", RequestSpec("GET /items", "GET", "/items"), Expectation(statuses=(200,)))
    scenario = Scenario(
        "SC-API-001",
        "Items",
        "List items",
        "list_read",
        ("@smoke",),
        ("GET /items",),
        (Step("When", "I list items"),),
        (action,),
    )
    coverage = CoverageMetrics(1, 1, {"list_read": 1}, (CoverageItem("GET /items"),), ())
    return RequirementsResult((scenario,), (), {"user": "alice"}, coverage)


def analysis() -> AnalysisResult:
    sid = "SC-API-001"
    return AnalysisResult(
        risk_scores=(RiskScore(sid, 8, 5, 3, 120, "critical"),),
        business_values=(BusinessValue(sid, 0.5, 0.5, 0.1, 0.4),),
        roi_scores=(RoiScore(sid, 2.0, 0.8, 0.4),),
        execution_times=(ExecutionTime(sid, 0.2, "fast"),),
        dependencies=(ScenarioDependency(sid, (), 1, True),),
        final_prioritization=(FinalPriority(sid, 0.9, 1, "critical", 1),),
        execution_strategy=ExecutionStrategy((sid,), ((sid,),), 0.2, 0.2),
        execution_success=(ExecutionSuccess(sid, 1.0, 1, 1, "tier1", "high"),),
    )


def evolution(secret_hint: str = "") -> EvolutionResult:
    code = (
        f"def test_list_items(client):\n    assert client.get('/items').status_code == 200  # {secret_hint}\n"
    )
    cases = (
        TestCase("SC-API-001", "test_list_items", "test_items.py", "pytest-httpx", code),
        TestCase("SC-API-001", "test_list_items_again", "test_items.py", "pytest-httpx", code),
    )
    return EvolutionResult(cases, files={"test_items.py": code, "conftest.py": "import pytest\n"})


@dataclass
class FakePipeline:
    """Follows assay.agents.pipeline.run's contract with canned outputs; ``gate`` holds it mid-stage."""

    fail_at: AgentName | None = None
    gate: threading.Event | None = None
    step_delay: float = 0.0
    cooperative: bool = True  # False: ignores the cancel token while held at the gate
    crash_at: AgentName | None = None  # this stage "crashes": a note, as the real pipeline makes it
    touch_target: bool = False  # observation GETs the target through the real transport first
    # Run in a worker thread as each stage starts, as the real stages' pure CPU parts are.
    stage_work: Callable[[], object] | None = None
    calls: list[tuple[str, tuple[AgentName, ...], bool]] = field(default_factory=list)
    running: int = 0  # runs under way now, and the most at once
    peak: int = 0

    async def __call__(
        self,
        target: Target,
        transport: HttpTransport,
        result: RunResult,
        *,
        stages: Sequence[AgentName] = AGENTS,
        realtime_execution: bool = True,
        cancel: CancelToken | None = None,
    ) -> AsyncIterator[Event]:
        self.calls.append((target.base_url, tuple(stages), realtime_execution))
        self.running += 1  # only the server's loop runs this: no lock needed
        self.peak = max(self.peak, self.running)
        try:
            async for event in self._stages(target, transport, result, stages, cancel):
                yield event
        finally:
            self.running -= 1

    async def _stages(
        self,
        target: Target,
        transport: HttpTransport,
        result: RunResult,
        stages: Sequence[AgentName],
        cancel: CancelToken | None,
    ) -> AsyncIterator[Event]:
        for agent in stages:
            yield AgentStarted(agent, now_iso())
            if agent == "observation" and self.touch_target:
                problem = await _unanswered(transport, target.base_url)
                if problem:
                    yield WorkflowFailed(now_iso(), problem)
                    return
            if self.stage_work is not None:
                await asyncio.to_thread(self.stage_work)
            for step in range(3):
                if cancel is not None and cancel.cancelled:
                    yield WorkflowFailed(now_iso(), "cancelled")
                    return
                await self._wait(cancel)
                yield AgentProgress(agent, (step + 1) / 3, f"{agent} step {step + 1}")
            if agent == self.fail_at:
                result.error = f"{agent} broke"
                yield WorkflowFailed(now_iso(), f"{agent} broke")
                return
            if agent == self.crash_at:
                hint = target.credentials[0].password if target.credentials else ""
                result.incomplete.append(f"{agent} agent crashed (RuntimeError: planted {hint})")
                yield AgentCompleted(agent, now_iso(), 0.01)
                continue
            self._fill(agent, target, result)
            yield AgentCompleted(agent, now_iso(), 0.01, **_counts(agent))
        yield WorkflowCompleted(now_iso())

    async def _wait(self, cancel: CancelToken | None) -> None:
        if self.step_delay:
            await asyncio.sleep(self.step_delay)
        while self.gate is not None and not self.gate.is_set():
            if self.cooperative and cancel is not None and cancel.cancelled:
                return
            await asyncio.sleep(0.01)

    def _fill(self, agent: AgentName, target: Target, result: RunResult) -> None:
        if agent == "observation":
            result.observation = observation(target.base_url)
        elif agent == "requirements":
            result.requirements = requirements()
        elif agent == "analysis":
            result.analysis = analysis()
            result.findings.append(
                Finding("server_error", "critical", "GET", "/items", "500", "boom", id="F-0001")
            )
        else:
            hint = target.credentials[0].password if target.credentials else ""
            result.evolution = evolution(hint)


async def _unanswered(transport: HttpTransport, url: str) -> str | None:
    """Why ``url`` gave no answer (the transport's words), None when it answered."""
    from assay.domain.errors import AssayError
    from assay.domain.exchanges import RecordedRequest

    try:
        await transport.send(RecordedRequest("GET", url), timeout=2.0)
    except AssayError as exc:
        return f"the target did not answer: {exc}"
    return None


def _counts(agent: AgentName) -> dict[str, int]:
    return {
        "observation": {"elements_found": 1},
        "requirements": {"scenarios_generated": 1},
        "analysis": {"scenarios_executed": 1},
        "evolution": {"tests_generated": 2},
    }[agent]


# ASSAY_DATABASE_URL=postgresql+psycopg://... in the test run's environment runs every API test
# against that PostgreSQL: each test gets a throwaway schema, dropped when the run ends.
TEST_DATABASE = os.environ.get("ASSAY_DATABASE_URL", "")
_SCHEMAS: list[tuple[str, str]] = []


def on_postgres() -> bool:
    return TEST_DATABASE.startswith("postgresql")


def database_url_for(tmp: Path) -> str:
    """A fresh, empty database for one test: a SQLite file in ``tmp``, or a new PostgreSQL schema."""
    if not on_postgres():
        return f"sqlite:///{tmp / 'assay.db'}"
    return postgres_schema_url(TEST_DATABASE)


def postgres_schema_url(base: str) -> str:
    """``base`` (a PostgreSQL URL) pointed at a new, empty schema, dropped when the run ends."""
    from sqlalchemy import create_engine, text

    schema = f"assay_api_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    if not _SCHEMAS:
        atexit.register(_drop_schemas)
    _SCHEMAS.append((base, schema))
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def _drop_schemas() -> None:
    from sqlalchemy import create_engine, text

    for base, schema in _SCHEMAS:
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def stored_bytes(settings: Settings, tmp: Path) -> bytes:
    """Everything the store holds, as bytes: to check that no secret was written."""
    if not settings.database_url.startswith("postgresql"):
        return b"".join(p.read_bytes() for p in tmp.glob("assay.db*"))
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(settings.database_url)
    chunks: list[str] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            chunks += [str(row) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    engine.dispose()
    return "\n".join(chunks).encode()


def settings_for(tmp: Path, **values: object) -> Settings:
    return Settings(database_url=database_url_for(tmp), **values)  # type: ignore[arg-type]


@dataclass
class Api:
    base: str
    client: httpx.Client
    settings: Settings | None = None  # what the server was built with

    def wait(self, workflow_id: str, timeout: float = 120.0) -> JsonObject:  # an upper bound
        import time

        deadline = time.monotonic() + timeout
        while True:
            body: JsonObject = self.client.get(f"/workflows/{workflow_id}").json()
            if body["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
                return body
            time.sleep(0.02)


@contextmanager
def served(
    settings: Settings,
    pipeline: FakePipeline | None = None,
    policy: TargetPolicy | None = None,
    **app_options: object,
) -> Iterator[Api]:
    from assay.demo.server import serve_in_thread

    app = build_app(
        settings, pipeline=pipeline or FakePipeline(), policy=policy or TargetPolicy(resolve=False)
    )
    server = serve_in_thread(app)
    try:
        with httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=10, **app_options) as client:  # type: ignore[arg-type]
            yield Api(server.base_url, client, settings)
    finally:
        server.stop()


__all__ = ["FakePipeline", "build_service", "database_url_for", "served", "settings_for", "stored_bytes"]
