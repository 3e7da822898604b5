"""The spec's flows 7.1 and 7.2 over HTTP (by id and inline), real pipeline, against the demo on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api_helpers import settings_for

from assay.bootstrap import build_app
from assay.demo.app import create_app
from assay.demo.server import RunningServer, serve_in_thread

pytestmark = pytest.mark.e2e


@pytest.fixture()
def demo() -> Iterator[RunningServer]:
    # A fresh demo per test: a run leaves state behind (users, notes, failed-login windows of 60 s,
    # the planted race and lost-update rows), and a later test must not depend on how fast it ran.
    with serve_in_thread(create_app(), log_level="critical") as server:
        yield server


@pytest.fixture()
def api(tmp_path: Path) -> Iterator[httpx.Client]:
    app = build_app(settings_for(tmp_path, allowed_targets="127.0.0.1"))
    with (
        serve_in_thread(app) as server,
        httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=60) as client,
    ):
        yield client


def wait(client: httpx.Client, workflow_id: str, timeout: float = 240.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(f"/workflows/{workflow_id}").json()
        if body["status"] in {"completed", "failed", "cancelled"}:
            return body
        time.sleep(0.2)
    raise AssertionError(f"workflow {workflow_id} did not finish in {timeout}s")


def sse_events(client: httpx.Client, workflow_id: str) -> list[tuple[str, dict[str, object]]]:
    events, name = [], ""
    with client.stream("GET", f"/workflows/{workflow_id}/stream") as response:
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    return events


def test_7_1_one_call_generates_tests_and_streams_progress(demo: RunningServer, api: httpx.Client) -> None:
    started = api.post("/generate-tests", json={"url": demo.base_url + "/", "user_instruction": "items"})
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]
    events = sse_events(api, workflow_id)  # live from the start, ends when the workflow does
    status = wait(api, workflow_id)
    assert status["status"] == "completed", status["error"]
    names = [n for n, _ in events]
    assert names.count("agent_completed") == 4, names
    assert names[0] == "agent_started" and names[-1] == "workflow_completed"
    assert [d["agent"] for n, d in events if n == "agent_completed"] == [
        "observation",
        "requirements",
        "analysis",
        "evolution",
    ]
    results = api.get(f"/workflows/{workflow_id}/results").json()
    assert results["test_count"] > 0 and len(results["test_case_ids"]) == results["test_count"]
    assert results["analysis_result"]["execution_success"], "real-time execution is on by default"
    assert results["requirements_result"]["scenarios"]
    case = api.get(f"/test-cases/{results['test_case_ids'][0]}").json()
    assert case["code"].lstrip().startswith(("def ", "async def ", "@"))
    findings = api.get(f"/workflows/{workflow_id}/findings").json()
    assert findings["findings"], "the demo target has known faults"
    assert api.get(f"/workflows/{workflow_id}/suite").headers["content-type"] == "application/zip"
    # One scenario_executed per scenario the analysis ran, with its id, name and outcome.
    runs = {r["scenario_id"]: r for r in results["analysis_result"]["runs"]}
    executed = [d for n, d in events if n == "scenario_executed"]
    assert sorted(str(d["scenario_id"]) for d in executed) == sorted(runs), "one event per scenario"
    titles = {s["id"]: s["title"] for s in results["requirements_result"]["scenarios"]}
    for data in executed:
        assert data["workflow_id"] == workflow_id and data["name"] == titles[data["scenario_id"]]
        assert data["status"] == runs[data["scenario_id"]]["status"], data
        assert isinstance(data["duration_seconds"], float)
    assert sse_events(api, workflow_id) == events, "the store's event log replays the same stream"
    report = api.get(f"/workflows/{workflow_id}/report", headers={"Accept": "text/html"})
    assert report.headers["content-type"].startswith("text/html")
    assert all(f'id="finding-{f["id"].lower()}"' in report.text for f in findings["findings"])


def test_7_2_stages_chained_by_workflow_id(demo: RunningServer, api: httpx.Client) -> None:
    previous = api.post("/observation", json={"url": demo.base_url + "/"}).json()["workflow_id"]
    assert wait(api, previous)["status"] == "completed"
    for stage in ("requirements", "analysis", "evolution"):
        response = api.post(f"/{stage}", json={"workflow_id": previous})
        assert response.status_code == 202, response.text
        current = response.json()["workflow_id"]
        assert current != previous
        status = wait(api, current)
        assert status["status"] == "completed", (stage, status["error"])
        previous = current
    results = api.get(f"/workflows/{previous}/results").json()
    assert results["observation_result"]["target"] == demo.base_url + "/"
    assert results["analysis_result"]["final_prioritization"]
    assert results["test_count"] > 0


def results_of(client: httpx.Client, workflow_id: str) -> dict[str, Any]:
    status = wait(client, workflow_id)
    assert status["status"] == "completed", status["error"]
    body: dict[str, Any] = client.get(f"/workflows/{workflow_id}/results").json()
    return body


def test_ui_steps_survive_results_and_inline_chaining(demo: RunningServer, api: httpx.Client) -> None:
    # Real observation and requirements of the demo's web pages (chained by id), then a client
    # posting those results inline to /analysis and /evolution, as §3.4 and §3.5 allow.
    observed = api.post("/observation", json={"url": demo.base_url + "/ui/"}).json()["workflow_id"]
    wait(api, observed)
    chained = api.post("/requirements", json={"workflow_id": observed}).json()["workflow_id"]
    results = results_of(api, chained)
    requirements = results["requirements_result"]
    ui = [s for s in requirements["scenarios"] if s["ui_steps"]]
    assert ui, "the demo's /ui/ pages give UI scenarios"
    assert all(step["action"] and step["description"] for s in ui for step in s["ui_steps"])
    # What the client changes must be what the next stage uses: a step only the client wrote.
    ui[0]["ui_steps"][0]["description"] = "the step this client wrote"
    # Without a target, analysis scores but executes nothing (the inline case of docs/api.md).
    observation = {**results["observation_result"], "target": ""}
    inline = {"observation_result": observation, "requirements_result": requirements}
    analysed = results_of(api, api.post("/analysis", json=inline).json()["workflow_id"])
    assert analysed["requirements_result"] == requirements  # ui_steps included, unchanged
    assert analysed["observation_result"] == observation
    analysis = analysed["analysis_result"]
    assert "family_requests" in analysis
    evolved = results_of(
        api, api.post("/evolution", json={**inline, "analysis_result": analysis}).json()["workflow_id"]
    )
    assert evolved["analysis_result"] == analysis
    cases = {c["scenario_id"]: c for c in evolved["evolution_result"]["test_cases"]}
    for scenario in ui:
        case = cases[scenario["id"]]
        assert case["framework"] == "pytest-playwright"
        comments = [" ".join(s["description"].split()) for s in scenario["ui_steps"]]
        assert all(f"# {c}" in case["code"] for c in comments), (scenario["id"], case["code"])
    assert "# the step this client wrote" in cases[ui[0]["id"]]["code"]
