"""``--baseline``: an earlier findings.json read and compared with this run (new / still there /
fixed / not retested), and what findings.json, report.md and the summary say of it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from tests.unit.sample_run import run_result

from assay.domain.baseline import Baseline, BaselineEntry, BaselineError, compare, parse_baseline
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.pages import LinkCheck, PageFacts
from assay.domain.run import RunResult
from assay.report.baseline import comparison, retested_by
from assay.report.findings_doc import findings_document
from assay.report.markdown import render_markdown
from assay.report.summary import summary_lines

BASE = "http://127.0.0.1:8000"


def finding(category: str, method: str, path: str, severity: str = "high", fid: str = "") -> Finding:
    return Finding(category, severity, method, path, f"{category} on {path}", "detail", id=fid)  # type: ignore[arg-type]


def entry(category: str, method: str, path: str, severity: str = "high") -> BaselineEntry:
    return BaselineEntry(category, method, path, severity, f"{category} on {path}", "F-0009")


def answered(method: str, url: str, template: str | None = None) -> Exchange:
    return Exchange(RecordedRequest(method, BASE + url), RecordedResponse(200), path_template=template)


def test_parse_reads_the_key_severity_and_title_of_each_finding() -> None:
    document = json.loads(json.dumps(findings_document(run_result())))  # a real findings.json
    baseline = parse_baseline(document, "old/findings.json")
    assert baseline.source == "old/findings.json"
    assert [e.key for e in baseline.entries] == [f.dedup_key for f in run_result().findings]
    first = baseline.entries[0]
    assert (first.severity, first.title, first.id) == ("critical", "Review an item answers 500", "F-0001")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "no 'findings' list"),
        ({"findings": {}}, "no 'findings' list"),
        ({"findings": ["x"]}, "findings[0] is not an object"),
        ({"findings": [{"category": "cors", "method": "GET", "path": "/"}]}, "findings[0]: 'severity'"),
        ({"findings": [{"category": "cors", "method": "GET", "path": "/", "severity": "dire"}]}, "'dire'"),
        ({"findings": [{"category": "", "method": "GET", "path": "/", "severity": "low"}]}, "'category'"),
    ],
)
def test_a_document_that_is_no_findings_json_says_what_is_wrong(document: Json, message: str) -> None:
    with pytest.raises(BaselineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_baseline(document, "x.json")


def test_marks_new_unchanged_fixed_and_not_retested() -> None:
    baseline = Baseline(
        "b.json",
        (
            entry("server_error", "GET", "/stats"),
            entry("data_exposure", "get", "/notes/{id}"),  # the method's case does not matter
            entry("cors", "GET", "/gone"),
        ),
    )
    now = [finding("data_exposure", "GET", "/notes/{id}"), finding("injection", "POST", "/notes")]
    result = compare(baseline, now, lambda e: e.path != "/gone")
    assert [result.mark_of(f) for f in now] == ["unchanged", "new"]
    assert [e.path for e in result.fixed] == ["/stats"]
    assert [e.path for e in result.not_retested] == ["/gone"]
    assert result.new(now) == [now[1]]


def test_the_same_category_on_another_operation_is_another_finding() -> None:
    baseline = Baseline("b.json", (entry("server_error", "GET", "/stats"),))
    now = [finding("server_error", "POST", "/stats"), finding("server_error", "GET", "/stats/{id}")]
    result = compare(baseline, now, lambda e: True)
    assert [result.mark_of(f) for f in now] == ["new", "new"] and len(result.fixed) == 1


def test_retested_means_its_operation_answered_its_page_was_opened_or_its_spec_was_read() -> None:
    page = PageFacts("/ui/", BASE + "/ui/", 200, links=(LinkCheck("/ui/", "/ui/broken?x=1", "Broken", 404),))
    run = replace(
        run_result(),
        exchanges=[
            answered("GET", "/notes/3", "/notes/{id}"),
            answered("POST", "/raw"),
            Exchange(RecordedRequest("GET", BASE + "/dead"), None, error="connection dropped"),
        ],
    )
    assert run.observation is not None
    run.observation = replace(run.observation, pages=(page,))
    retested = retested_by(run)
    assert retested(entry("server_error", "GET", "/notes/{id}"))
    assert retested(entry("server_error", "POST", "/raw"))  # no template: the concrete path
    assert not retested(entry("server_error", "DELETE", "/notes/{id}"))  # another operation
    assert not retested(entry("server_error", "GET", "/dead"))  # sent, never answered
    assert retested(entry("ui_console_error", "GET", "/ui/"))
    assert retested(entry("ui_broken_link", "GET", "/ui/broken"))
    assert retested(entry("spec_quality", "GET", "/never/sent"))  # the spec was read this run
    wide = replace(entry("information_disclosure", "GET", "/"), target_wide=True)
    assert retested(wide) and not retested(replace(wide, target_wide=False))
    run.observation = replace(run.observation, api=None)
    assert not retested_by(run)(entry("spec_quality", "GET", "/never/sent"))


def _with_baseline(entries: tuple[BaselineEntry, ...]) -> RunResult:
    run = replace(
        run_result(), exchanges=[answered("GET", "/items/"), answered("POST", "/items/", "/items/")]
    )
    run.baseline = Baseline("earlier/findings.json", entries)
    return run


def test_findings_json_marks_each_finding_and_lists_the_absent_ones() -> None:
    run = _with_baseline((entry("status_code", "POST", "/items/", "low"), entry("cors", "GET", "/items/")))
    doc = findings_document(run)
    findings = doc["findings"]
    assert isinstance(findings, list)
    marks = {(f["category"], f["baseline"]) for f in findings if isinstance(f, dict)}
    assert ("status_code", "unchanged") in marks and ("server_error", "new") in marks
    block = doc["baseline"]
    assert isinstance(block, dict)
    assert (block["file"], block["new"], block["unchanged"]) == ("earlier/findings.json", 4, 1)
    assert block["fixed"] == [
        {"id": "F-0009", "category": "cors", "severity": "high", "method": "GET", "path": "/items/",
         "title": "cors on /items/"}
    ]  # fmt: skip
    assert block["not_retested"] == []
    assert "baseline" not in findings_document(run_result())  # no baseline, no key
    plain = findings_document(run_result())["findings"]
    assert isinstance(plain, list) and all(isinstance(f, dict) and "baseline" not in f for f in plain)


def test_report_md_and_summary_show_the_marks() -> None:
    run = _with_baseline((entry("status_code", "POST", "/items/", "low"), entry("cors", "GET", "/nowhere")))
    report = render_markdown(run)
    assert "## Compared with the baseline" in report
    assert "| still there | F-0002 | low | POST /items/ | status_code |" in report
    assert "| new | F-0001 | critical | POST /items/{item_id}/reviews | server_error |" in report
    assert "| not retested | F-0009 (baseline) | high | GET /nowhere | cors |" in report
    lines = summary_lines(run)
    assert "  [low] status_code: POST /items/ — Create item answers 200 instead of 201 [still there]" in lines
    assert "baseline earlier/findings.json: 0 fixed, 1 not retested" in lines
    assert "Compared with the baseline" not in render_markdown(run_result())
    assert comparison(run_result()) is None


def test_summary_lists_every_finding_most_severe_first() -> None:
    many = [
        finding("server_error", "GET", f"/r{i}", sev, f"F-{i:04d}")
        for i, sev in enumerate(["low", "critical"] * 11)
    ]
    lines = summary_lines(replace(run_result(), findings=many))
    listed = [line for line in lines if line.startswith("  [")]
    assert len(listed) == 22
    assert all(line.startswith("  [critical]") for line in listed[:11])
    assert all(line.startswith("  [low]") for line in listed[11:])
