"""A crash in one stage, family, oracle or analysis sub-part is one line; the rest of the run goes on.

The crashes are planted by monkeypatching assay's own functions to raise, which is what a bug in
them would do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.fakes import FakeTransport, json_response

from assay.agents import pipeline
from assay.agents.analysis import ui_security as analysis_ui_security
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext, run_families
from assay.agents.observation import agent as observation_agent
from assay.cli.log import run_log
from assay.domain.crashes import crash_note, describe
from assay.domain.events import AgentCompleted, AgentProgress, Event, WorkflowCompleted
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.oracles import registry
from assay.oracles.base import OracleContext

BASE = "http://127.0.0.1:9"
SPEC: JsonObject = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}},
        "/broken": {"get": {"operationId": "broken", "responses": {"200": {"description": "ok"}}}},
    },
}


def _answers(request: RecordedRequest) -> RecordedResponse:
    if request.url.endswith("/openapi.json"):
        return json_response(200, SPEC)
    if "/broken" in request.url:
        return json_response(500, {"detail": "internal error"})
    return json_response(200, [])


async def _run(transport: FakeTransport | None = None) -> tuple[RunResult, list[Event]]:
    result = RunResult(target=BASE, started_at="t")
    stream = pipeline.run(Target(BASE, budget_seconds=600), transport or FakeTransport(_answers), result)
    return result, [e async for e in stream]


def _planted(exc: BaseException):  # type: ignore[no-untyped-def]
    def raise_it(*_args: object, **_kwargs: object) -> None:
        raise exc

    return raise_it


def _planted_async(exc: BaseException):  # type: ignore[no-untyped-def]
    async def raise_it(*_args: object, **_kwargs: object) -> None:
        raise exc

    return raise_it


@pytest.fixture(autouse=True)
def _no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", "/nonexistent")


def _completed_run(events: list[Event]) -> None:
    completed = [e.agent for e in events if isinstance(e, AgentCompleted)]
    assert completed == ["observation", "requirements", "analysis", "evolution"], events
    assert isinstance(events[-1], WorkflowCompleted), events[-1]


def test_a_crash_note_is_one_line_with_what_failed_why_and_what_was_skipped() -> None:
    line = crash_note("security family cors", ValueError("no origin\nsecond line"), "its checks were skipped")
    assert line == "security family cors crashed (ValueError: no origin); its checks were skipped"
    assert describe(TimeoutError()) == "TimeoutError"
    assert len(describe(ValueError("x" * 5000))) < 250


async def test_an_observation_crash_still_runs_the_later_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "observe", _planted_async(RuntimeError("planted observation bug")))
    result, events = await _run()
    _completed_run(events)
    assert result.error is None
    assert result.incomplete == [
        "observation agent crashed (RuntimeError: planted observation bug); "
        "nothing was observed; the later stages ran with an empty observation"
    ]
    assert result.observation is not None and result.observation.kind == "unknown"
    assert result.requirements is not None and result.evolution is not None
    notes = [e.message for e in events if isinstance(e, AgentProgress) and e.agent == "observation"]
    assert notes[-1] == result.incomplete[0]  # the progress view shows it on the stage's line


async def test_a_browser_crash_in_observation_keeps_the_api_side(monkeypatch: pytest.MonkeyPatch) -> None:
    # As a Playwright TimeoutError in sign-in did: the HTTP observation must survive it.
    monkeypatch.setattr(observation_agent, "observe_pages", _planted_async(TimeoutError("click timed out")))
    result, events = await _run()
    _completed_run(events)
    assert result.observation is not None and result.observation.api is not None
    assert result.incomplete == [
        "observation: browser crawl crashed (TimeoutError: click timed out); the pages were not observed"
    ]
    assert any(f.path == "/broken" and f.category == "server_error" for f in result.findings)


async def test_a_requirements_crash_leaves_an_empty_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "generate", _planted(ValueError("planted")))
    result, events = await _run()
    _completed_run(events)
    assert result.requirements is not None and result.requirements.scenarios == ()
    assert [line.split(" (")[0] for line in result.incomplete] == ["requirements agent crashed"]
    assert result.evolution is not None


async def test_an_evolution_crash_keeps_the_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "evolve", _planted(ValueError("planted")))
    result, events = await _run()
    _completed_run(events)
    assert result.evolution is None and result.analysis is not None
    assert any(f.path == "/broken" for f in result.findings)
    assert result.incomplete[0].startswith("evolution agent crashed (ValueError: planted)")


async def test_a_ui_crash_in_analysis_keeps_the_api_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis_ui_security, "analyse_ui", _planted_async(RuntimeError("page closed")))
    result, events = await _run()
    _completed_run(events)
    assert any(f.path == "/broken" and f.category == "server_error" for f in result.findings)
    assert result.analysis is not None and result.analysis.runs
    assert result.incomplete == [
        "analysis: UI execution crashed (RuntimeError: page closed); "
        "UI scenarios and page findings were skipped"
    ]


async def test_a_crashed_oracle_judges_nothing_and_the_others_still_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = ("status_code", _planted(ZeroDivisionError("division by zero")))
    oracles = tuple(broken if name == "status_code" else (name, j) for name, j in registry.HTTP_ORACLES)
    monkeypatch.setattr(registry, "HTTP_ORACLES", oracles)
    result, events = await _run()
    _completed_run(events)
    assert any(f.path == "/broken" and f.category == "server_error" for f in result.findings)
    assert result.incomplete == [
        "oracle status_code crashed (ZeroDivisionError: division by zero); "
        "no status_code findings were judged"
    ]


def test_judge_all_collects_the_crash_lines_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    def judge(_e: Sequence[Exchange], _a: ApiModel | None, _c: OracleContext) -> list[Finding]:
        raise KeyError("schema")

    monkeypatch.setattr(registry, "HTTP_ORACLES", (("first", judge), ("second", judge)))
    crashes: list[str] = []
    assert registry.judge_all([], None, OracleContext(), crashes) == []
    assert [c.split(" (")[0] for c in crashes] == ["oracle first crashed", "oracle second crashed"]


class _SendsThenCrashes:
    name = "crashing"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        await client.send(RecordedRequest("GET", f"{BASE}/items"))
        await client.send(RecordedRequest("GET", f"{BASE}/items?page=2"))
        raise IndexError("list index out of range")


class _Healthy:
    name = "healthy"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        await client.send(RecordedRequest("GET", f"{BASE}/items"))
        return FamilyReport(self.name, client.exchanges, [], client.sent)


async def test_a_crashed_family_is_a_note_with_its_requests_counted_and_the_next_runs() -> None:
    from assay.agents.analysis.execution.auth import Authenticator

    transport = FakeTransport(_answers)
    api = ApiModel(title="t", version="1", spec_version="3.0.3", base_path="", operations=())
    target = Target(BASE)
    auth = Authenticator(api, target, transport)
    ctx = SecurityContext(api, target, transport, {}, auth, time.monotonic() + 60)
    crashed, healthy = await run_families(ctx, [_SendsThenCrashes(), _Healthy()])
    assert crashed.crash == (
        "security family crashing crashed (IndexError: list index out of range); "
        "its remaining checks were skipped"
    )
    assert crashed.requests == 2 and len(crashed.exchanges) == 2 and crashed.notes == [crashed.crash]
    assert healthy.crash is None and healthy.requests == 1 and len(transport.requests) == 3


def test_the_run_log_has_the_traceback_and_no_secret(tmp_path: Path) -> None:
    secret = "hunter2-secret-pw"
    with run_log(tmp_path, lambda: (secret,)) as path:
        try:
            raise RuntimeError(f"login failed for password {secret}")
        except RuntimeError as exc:
            crash_note("analysis: authentication", exc)
        logging.getLogger("assay.test").info("sent Authorization: Bearer abcdefghijklmnopqrstuv")
    text = path.read_text()
    assert "Traceback (most recent call last)" in text and "test_the_run_log_has_the_traceback" in text
    assert secret not in text and "login failed for password ***" in text
    assert "abcdefghijklmnopqrstuv" not in text
    assert not logging.getLogger("assay").handlers  # the handler is gone after the run
