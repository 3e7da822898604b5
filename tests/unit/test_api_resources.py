"""Test cases, the suite zip, findings.json and the report; target policy; API keys; OpenAPI."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.api_helpers import FakePipeline, served, settings_for

from assay.bootstrap import build_service

TARGET = "http://127.0.0.1:9/"


def test_test_cases_suite_findings_and_report(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        api.wait(wid)
        ids = api.client.get(f"/workflows/{wid}/results").json()["test_case_ids"]
        case = api.client.get(f"/test-cases/{ids[0]}").json()
        suite = api.client.get(f"/workflows/{wid}/suite")
        findings = api.client.get(f"/workflows/{wid}/findings").json()
        markdown = api.client.get(f"/workflows/{wid}/report")
        html = api.client.get(f"/workflows/{wid}/report", headers={"Accept": "text/html"})
        missing_case = api.client.get("/test-cases/999999")
    assert case["id"] == ids[0] and case["workflow_id"] == wid and case["framework"] == "pytest-httpx"
    assert "def test_list_items" in case["code"] and case["scenario"]["id"] == "SC-API-001"
    assert suite.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(suite.content)).namelist()
    assert any(n.endswith("/test_items.py") for n in names) and any(n.endswith("/conftest.py") for n in names)
    assert findings["target"] == TARGET and findings["findings"][0]["category"] == "server_error"
    assert findings["findings"][0]["id"].startswith("F-")
    # The whole findings.json, as the CLI writes it: the summary and the verdict too.
    assert findings["summary"]["findings"] == len(findings["findings"])
    assert set(findings["summary"]["scenarios"]) >= {"total", "passed", "failed", "skipped"}
    assert isinstance(findings["inconclusive"], bool)
    assert markdown.headers["content-type"].startswith("text/markdown") and "/items" in markdown.text
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text.lower()
    # The HTML report proper (report.html), not the Markdown one wrapped in <pre>.
    assert "<td>F-0001</td>" in html.text and "<h2>Endpoint Status</h2>" in html.text
    assert "## " not in html.text
    assert missing_case.status_code == 404


def test_suite_of_a_run_without_evolution_is_404(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        wid = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        api.wait(wid)
        response = api.client.get(f"/workflows/{wid}/suite")
        results = api.client.get(f"/workflows/{wid}/results").json()
    assert response.status_code == 404
    assert results["test_case_ids"] == [] and results["test_count"] == 0


def test_allowed_targets_and_metadata_addresses(tmp_path: Path) -> None:
    from assay.domain.host_policy import TargetPolicy

    policy = TargetPolicy(("127.0.0.1", "*.internal.test", "10.0.0.0/8"), resolve=False)
    with served(settings_for(tmp_path), policy=policy) as api:
        allowed = [
            api.client.post("/observation", json={"url": u})
            for u in (TARGET, "http://api.internal.test/", "http://10.2.3.4:8080/x")
        ]
        refused = api.client.post("/observation", json={"url": "http://example.com/"})
    assert [r.status_code for r in allowed] == [202, 202, 202]
    assert refused.status_code == 400 and refused.json()["code"] == "TARGET_NOT_ALLOWED"
    with served(settings_for(tmp_path)) as api:
        metadata = api.client.post("/generate-tests", json={"url": "http://169.254.169.254/latest/meta-data"})
    assert metadata.status_code == 400 and metadata.json()["code"] == "TARGET_NOT_ALLOWED"


def test_api_keys_guard_every_route_when_set(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, api_keys="k-one,k-two")
    with served(settings) as api:
        anonymous = api.client.post("/observation", json={"url": TARGET})
        wrong = api.client.get("/workflows/x", headers={"X-API-Key": "nope"})
        right = api.client.post("/observation", json={"url": TARGET}, headers={"X-API-Key": "k-two"})
        spec = api.client.get("/openapi.json").json()
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHORIZED"
    assert wrong.status_code == 401
    assert right.status_code == 202
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]


def test_openapi_is_typed_and_documents_400_not_422(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        spec = api.client.get("/openapi.json").json()
        docs = api.client.get("/docs")
    assert docs.status_code == 200
    paths = spec["paths"]
    for path in (
        "/api/v2/generate-tests",
        "/api/v2/observation",
        "/api/v2/requirements",
        "/api/v2/analysis",
        "/api/v2/evolution",
        "/api/v2/improve-tests",
    ):
        responses = paths[path]["post"]["responses"]
        assert set(responses) >= {"202", "400"} and "422" not in responses
        assert responses["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "WorkflowStatusResponse"
        )
    for operations in paths.values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is not None:
                    assert "$ref" in schema, (operation["summary"], status)
    analysis = spec["components"]["schemas"]["AnalysisResultModel"]["properties"]
    assert set(analysis) >= {
        "risk_scores",
        "business_values",
        "roi_scores",
        "execution_times",
        "dependencies",
        "final_prioritization",
        "execution_strategy",
        "execution_success",
    }


def test_a_restart_marks_interrupted_workflows_failed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    first = build_service(settings, pipeline=FakePipeline())
    from assay.domain.workflow import AgentState, WorkflowRecord

    record = WorkflowRecord(
        "wf-1",
        "generate-tests",
        "running",
        TARGET,
        "2026-01-01T00:00:00Z",
        ("observation",),
        {"observation": AgentState("observation", "running")},
        current_agent="observation",
    )
    first.store.create(record)
    second = build_service(settings, pipeline=FakePipeline())
    after = second.status("wf-1")
    assert after.status == "failed" and after.error and "server stopped" in after.error
    assert "observation" in after.error and after.agents["observation"].status == "failed"
    assert second.store.events_after("wf-1", 0)[-1].event == "workflow_failed"


def test_values_postgresql_cannot_store_are_handled_on_every_backend(tmp_path: Path) -> None:
    # Found by schemathesis against PostgreSQL: NUL characters and ids beyond 32 bits were 500s.
    with served(settings_for(tmp_path)) as api:
        nul = api.client.post("/observation", json={"url": TARGET, "user_instruction": "a\u0000b"})
        status = api.wait(nul.json()["workflow_id"])
        events = api.client.get(f"/workflows/{status['workflow_id']}/stream", params={"after": 2**31 - 1})
        nul_id = api.client.get("/workflows/a%00b")
        biggest = api.client.get(f"/test-cases/{2**31 - 1}")
        too_big = api.client.get(f"/test-cases/{2**31}")
        improve = api.client.post("/improve-tests", json={"test_case_ids": [2**31]})
    assert nul.status_code == 202 and status["status"] == "completed"
    assert events.status_code == 200
    assert nul_id.status_code == 404 and biggest.status_code == 404
    assert too_big.status_code == 400 and improve.status_code == 400
