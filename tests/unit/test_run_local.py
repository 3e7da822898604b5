"""services.run_local: the CLI's run, on the same core as the API's job (services.drive)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.api_helpers import FakePipeline

from assay.bootstrap import NullTransport
from assay.domain.events import AGENTS, AgentCompleted, AgentStarted, Event, WorkflowCompleted, WorkflowFailed
from assay.domain.run import RunResult
from assay.domain.target import Credentials, Target
from assay.services.drive import PipelineDeps
from assay.services.run_local import Consume, new_run, run_to_completion

TARGET = Target("http://127.0.0.1:9")


def _deps(pipeline: FakePipeline) -> PipelineDeps:
    return PipelineDeps(pipeline=pipeline, transport_factory=lambda _target: NullTransport())


@contextmanager
def _collect(into: list[Event], fail_on: type | None = None) -> Iterator[Consume]:
    def consume(event: Event) -> None:
        into.append(event)
        if fail_on is not None and isinstance(event, fail_on):
            raise RuntimeError("the consumer broke")

    into.append(AgentStarted("observation", "entered"))  # a marker: the sink was entered first
    yield consume


def _run(pipeline: FakePipeline, out: Path, events: list[Event], fail_on: type | None = None) -> RunResult:
    result = new_run(TARGET)
    outputs = asyncio.run(
        run_to_completion(_deps(pipeline), TARGET, result, out, _collect(events, fail_on), execute=True)
    )
    assert outputs.error is None
    assert {p.name for p in outputs.files} >= {"findings.json", "report.md"}
    return result


def test_every_event_reaches_the_sink_the_final_one_last(tmp_path: Path) -> None:
    events: list[Event] = []
    pipeline = FakePipeline()
    result = _run(pipeline, tmp_path, events)
    assert events[0] == AgentStarted("observation", "entered")
    assert isinstance(events[-1], WorkflowCompleted)
    assert sum(isinstance(e, AgentCompleted) for e in events) == 4
    assert pipeline.calls == [(TARGET.base_url, AGENTS, True)]
    stored = json.loads((tmp_path / "findings.json").read_text())
    assert stored["started_at"] == result.started_at and result.finished_at


def test_a_failed_workflow_still_writes_its_outputs(tmp_path: Path) -> None:
    events: list[Event] = []
    result = _run(FakePipeline(fail_at="analysis"), tmp_path, events)
    assert isinstance(events[-1], WorkflowFailed)
    assert result.error == "analysis broke"
    assert "analysis broke" in (tmp_path / "report.md").read_text()


def test_a_consumer_crash_is_a_note_and_the_outputs_are_written(tmp_path: Path) -> None:
    events: list[Event] = []
    result = _run(FakePipeline(), tmp_path, events, fail_on=AgentCompleted)
    assert result.error is not None and "the run crashed (RuntimeError: the consumer broke)" in result.error
    assert result.incomplete == [result.error]
    assert result.finished_at


def test_secrets_are_known_before_the_pipeline_runs() -> None:
    target = Target("http://127.0.0.1:9", credentials=(Credentials("ann", "s3cret-pw"),))
    assert "s3cret-pw" in new_run(target).secrets
