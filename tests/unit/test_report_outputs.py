"""findings.json, report.md, junit.xml, the endpoint table and the artifacts folder."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.unit.sample_run import SECRET, TOKEN, run_result

from assay import __version__
from assay.agents.evolution.agent import evolve
from assay.domain.run import RunResult
from assay.report.artifacts import write_artifacts
from assay.report.endpoints import endpoint_rows
from assay.report.findings_doc import findings_document
from assay.report.junit import render_junit
from assay.report.markdown import render_markdown

SNAPSHOT = Path(__file__).parent.parent / "snapshots" / "report.md"
CONTRACT_KEYS = [
    "id",
    "category",
    "severity",
    "method",
    "path",
    "title",
    "detail",
    "evidence",
    "reproduce",
    "scenario_id",
    "recommendation",
]


def full_run() -> RunResult:
    run = run_result()
    assert run.observation and run.requirements
    run.evolution = evolve(run.observation, run.requirements, run.analysis, run.findings)
    return run


def test_findings_document_follows_the_contract() -> None:
    doc = findings_document(full_run())
    assert doc["assay_version"] == __version__
    assert (doc["target"], doc["started_at"], doc["finished_at"]) == (
        "http://127.0.0.1:8000",
        "2026-11-23T10:00:00Z",
        "2026-11-23T10:00:41Z",
    )
    first = doc["findings"][0]  # type: ignore[index]
    assert list(first)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS  # type: ignore[arg-type]
    summary = doc["summary"]
    assert summary["by_severity"] == {"critical": 1, "high": 0, "medium": 2, "low": 1, "info": 1}  # type: ignore[index,call-overload]
    assert summary["scenarios"]["passed"] == 3 and summary["pass_rate"] == round(3 / 7, 4)  # type: ignore[index,call-overload]
    assert summary["requests_sent"] == 25  # type: ignore[index,call-overload]
    json.dumps(doc)


def test_secrets_never_appear() -> None:
    run = full_run()
    outputs = [json.dumps(findings_document(run)), render_markdown(run), render_junit(run)]
    for text in outputs:
        assert SECRET not in text and TOKEN not in text
    assert "***" in outputs[0]


def test_markdown_matches_snapshot() -> None:
    text = render_markdown(full_run())
    if os.environ.get("ASSAY_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "run with ASSAY_UPDATE_SNAPSHOTS=1 to accept the new output"


def test_markdown_has_the_report_structure() -> None:
    text = render_markdown(full_run())
    for heading in (
        "# assay report: http://127.0.0.1:8000",
        "## Executive Summary",
        "**Test Results**: 3/7 scenarios passing (42.9% pass rate)",
        "### ✅ Passing Tests (3)",
        "### ❌ Failing Tests (3)",
        "## Identified Issues",
        "## Redirects and Conventions",
        "## Schema Requirements Discovered",
        "## Endpoint Status",
        "### API Endpoints Not Yet Deployed",
        "### API Endpoints Returning Errors",
        "## Test Coverage Analysis",
        "### What's NOT Tested ❌",
        "### Immediate Action Required (P0)",
        "BASE_URL=http://127.0.0.1:8000 ASSAY_USERNAME=... ASSAY_PASSWORD=... pytest tests/",
    ):
        assert heading in text, heading
    assert text.index("Review an item answers 500 (Critical)") < text.index("(Low)")


def test_markdown_of_a_failed_early_run() -> None:
    run = RunResult(target="http://x", started_at="2026-01-01T00:00:00Z", error="spec not found")
    text = render_markdown(run)
    assert "did not complete (spec not found)" in text and "No scenario was executed" in text
    # No finding here is no clean bill: the issues and recommendations say the run stopped.
    assert "None found, and none could be: the run stopped early: spec not found" in text
    assert "Make the run complete" in text and "Nothing to fix" not in text


def test_endpoint_rows_classify_each_operation() -> None:
    rows = {r.operation: r for r in endpoint_rows(full_run())}
    assert rows["GET /stats/public"].status == "missing"
    assert rows["POST /items/{item_id}/reviews"].status == "broken"
    assert "HTTP 500" in rows["POST /items/{item_id}/reviews"].detail
    assert rows["GET /items/{item_id}"].status == "passing"
    assert rows["GET /items/"].status == "passing"  # the trailing-slash variant failing is not an error
    assert rows["PUT /items/{item_id}"].status == "untested"
    assert rows["PUT /items/{item_id}"].detail == "no update scenario"


def test_endpoint_blocked_by_a_fixture() -> None:
    run = full_run()
    run.findings = [f for f in run.findings if f.id != "F-0003"]
    row = next(r for r in endpoint_rows(run) if r.operation == "GET /stats/public")
    assert row.status == "blocked" and row.detail.startswith("blocked by fixture stats")


def test_junit_is_valid_xml_with_scenarios_and_findings() -> None:
    root = ET.fromstring(render_junit(full_run()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"Items", "Reviews", "Conventions", "Stats", "findings"}
    assert suites["findings"].get("failures") == "5"
    stats = suites["Stats"].find("testcase")
    assert stats is not None and stats.find("skipped") is not None
    assert root.get("tests") == str(7 + 5)


def test_junit_survives_control_characters() -> None:
    run = full_run()
    run.findings[0] = run.findings[0].__class__(**{**run.findings[0].__dict__, "detail": "bad \x00 byte <&>"})
    ET.fromstring(render_junit(run))


def test_write_artifacts(tmp_path: Path) -> None:
    run = full_run()
    paths = write_artifacts(run, tmp_path / "out")
    names = {p.relative_to(tmp_path / "out").as_posix() for p in paths}
    expected = {"findings.json", "report.md", "report.html", "analysis.json", "junit.xml", "observation.json"}
    assert expected | {"findings.sarif", "wfc-report.json"} <= names
    sarif = json.loads((tmp_path / "out" / "findings.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == len(run.findings)
    wfc = json.loads((tmp_path / "out" / "wfc-report.json").read_text())
    assert all((tmp_path / "out" / path).is_file() for path in wfc["testFilePaths"])
    assert "tests/conftest.py" in names and "tests/test_items.py" in names
    assert any(n.startswith("scenarios/") and n.endswith(".feature") for n in names)
    for path in paths:
        text = path.read_text()
        assert SECRET not in text and TOKEN not in text
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text())
    assert analysis["coverage"]["operations_total"] == 9 and analysis["analysis"]["requests_sent"] == 21


def test_write_artifacts_of_an_empty_run(tmp_path: Path) -> None:
    paths = write_artifacts(RunResult(target="http://x", started_at="t"), tmp_path)
    expected = {"findings.json", "report.md", "report.html", "junit.xml", "created.json"}
    assert {p.name for p in paths} == expected | {"findings.sarif", "wfc-report.json"}
    assert json.loads((tmp_path / "created.json").read_text())["created"] == []


def test_created_json_lists_the_ledger(tmp_path: Path) -> None:
    run = RunResult(target="http://x", started_at="t")
    run.ledger.record("object", "42", via="POST /items", path="/items/42")
    run.ledger.record("account", "assay-user", via="registration")
    write_artifacts(run, tmp_path)
    created = json.loads((tmp_path / "created.json").read_text())["created"]
    assert created == [
        {"kind": "object", "key": "42", "via": "POST /items", "path": "/items/42"},
        {"kind": "account", "key": "assay-user", "via": "registration", "path": ""},
    ]


def test_family_request_counts_in_the_summary_and_the_report() -> None:
    from dataclasses import replace

    from assay.report.summary import summary_lines

    run = run_result()
    assert run.analysis is not None
    assert "Security Checks" not in render_markdown(run)  # no family ran: no section
    run.analysis = replace(run.analysis, family_requests={"injection": 40, "cors": 9, "ssrf": 0})
    lines = summary_lines(run)
    assert "security: 49 requests by family:" in lines and "  injection 40, cors 9, ssrf 0" in lines
    report = render_markdown(run)
    assert "## Security Checks" in report
    assert "| injection | 40 |" in report and "| **total** | **49** |" in report


def test_screen_and_report_share_one_denominator() -> None:
    from assay.report.common import tally
    from assay.report.summary import summary_lines

    run = full_run()
    line = tally(run).line()
    assert line.startswith("3/7 scenarios passing") and "6 of 7 executed, 1 not" in line
    assert any(line in printed for printed in summary_lines(run))
    assert line in render_markdown(run)
