"""A run starved of time says PARTIAL, with what it skipped, instead of a silent ``completed``.

The real pipeline against a real API on 127.0.0.1 (todolist-fastapi, no pages: no browser), with
a time budget far too small for its plan (0.05 s): the scenarios past the deadline are not run
and the security families find the deadline passed before they send. Through the CLI's writer,
findings.json's summary and report.md say so; through the HTTP API (the same pipeline with the
same budget), the status and the results do, while the status stays ``completed``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from tests.api_helpers import Api, settings_for
from tests.apps.servers import Target as App
from tests.apps.servers import running

from assay.agents.pipeline import run as real_run
from assay.bootstrap import build_app
from assay.cli.run import run_and_write
from assay.demo.server import serve_in_thread
from assay.domain.events import Event
from assay.domain.ports import HttpTransport
from assay.domain.run import RunResult
from assay.domain.target import Target

pytestmark = pytest.mark.e2e

STARVED = 0.05  # seconds: far less than the plan needs


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    with running("todolist-fastapi") as served:
        yield served


def test_the_cli_outputs_say_partial_and_list_what_was_skipped(app: App, tmp_path: Path) -> None:
    target = Target(base_url=app.base_url, spec_location=app.spec_url, budget_seconds=STARVED)
    with open(tmp_path / "console.log", "w") as log:
        asyncio.run(run_and_write(target, tmp_path, execute=True, console=Console(file=log)))
    summary = json.loads((tmp_path / "findings.json").read_text())["summary"]
    assert summary["partial"] is True
    kinds = {item["kind"] for item in summary["skipped"]}
    assert {"scenario", "security_family"} <= kinds, summary["skipped"]
    assert all("time budget" in item["reason"] for item in summary["skipped"])
    report = (tmp_path / "report.md").read_text()
    assert "PARTIAL:" in report and "the time budget was spent" in report
    assert "PARTIAL:" in (tmp_path / "console.log").read_text()  # the closing summary


def _starved_pipeline(
    target: Target, transport: HttpTransport, result: RunResult, **options: Any
) -> AsyncIterator[Event]:
    """The real pipeline (no browser) with a budget too small for the plan."""
    return real_run(replace(target, budget_seconds=STARVED), transport, result, **options)


def test_the_api_status_and_results_say_partial(app: App, tmp_path: Path) -> None:
    served = build_app(settings_for(tmp_path, allowed_targets="127.0.0.1"), pipeline=_starved_pipeline)
    with (
        serve_in_thread(served) as server,
        httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=60) as client,
    ):
        body = {"url": app.base_url}
        started = client.post("/generate-tests", json=body)
        assert started.status_code == 202, started.text
        workflow_id = started.json()["workflow_id"]
        status = Api(server.base_url, client).wait(workflow_id, timeout=240)
        assert status["status"] == "completed" and status["partial"] is True, status
        results = client.get(f"/workflows/{workflow_id}/results").json()
    assert results["status"] == "completed" and results["partial"] is True
    assert results["skipped"], results
    assert {item["kind"] for item in results["skipped"]} >= {"scenario"}
    assert results["analysis_result"]["families_out_of_time"]
