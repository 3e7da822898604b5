"""The report claims only what the run shows: proven findings lead, limits are assay's, coverage is sent."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.sample_run import run_result

from assay.domain.analysis import ScenarioRun, StepResult
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.findings import Finding
from assay.domain.run import RunResult
from assay.report import markdown
from assay.report.endpoints import endpoint_rows
from assay.report.markdown_sections import coverage_section
from assay.report.trust import by_severity_and_proof, own_limitation, summary_findings


def _finding(category: str, severity: str, path: str, title: str, **kw: object) -> Finding:
    return Finding(category, severity, "GET", path, title, "detail", **kw)  # type: ignore[arg-type]


def test_flaky_findings_stay_out_of_the_summary_and_come_last() -> None:
    run = run_result()
    flaky = _finding("server_error", "critical", "/items/", "Listing dropped once", id="F-0009", flaky=True)
    run.findings = [flaky, *run.findings]
    text = markdown.verdict(run)
    assert "Listing dropped once" not in text and "Review an item answers 500" in text
    assert "1 finding(s) did not reproduce" in text
    high = _finding("injection", "high", "/a", "proven", id="F-0010")
    ordered = by_severity_and_proof([replace(flaky, severity="high"), high])
    assert [f.title for f in ordered] == ["proven", "Listing dropped once"]


def test_a_spec_declared_public_operation_never_leads_the_summary() -> None:
    run = run_result()
    public = _finding(
        "missing_authentication",
        "critical",
        "/stats/public",
        "GET /stats/public serves user data without credentials",
        evidence={"declared_public": True},
        id="F-0000",
    )
    run.findings = [public, *run.findings]
    text = markdown.verdict(run)
    assert not text.split("need attention first:")[1].strip().startswith("GET /stats/public")
    assert "declared public by the spec" in text
    assert public not in summary_findings(run)
    assert "GET /stats/public serves user data without credentials" in markdown.render_markdown(
        run
    )  # still listed


def _sent(operation: str, status: int, action: str, intent: str = "probe") -> Exchange:
    request = RecordedRequest("GET", "http://127.0.0.1:8000/x")
    response = RecordedResponse(status)
    return Exchange(request, response, operation=operation, action=action, intent=intent)  # type: ignore[arg-type]


def test_not_tested_is_computed_from_what_was_sent() -> None:
    run = run_result()
    assert run.analysis is not None
    before = coverage_section(run).split("### What's NOT Tested ❌")[1]
    assert "Rate limiting" in before
    run.analysis = replace(run.analysis, family_requests={"rate_limiting": 24, "injection": 40})
    run.exchanges = [
        _sent("PUT /items/{item_id}", 401, "no credentials"),
        _sent("PUT /items/{item_id}", 401, "malformed token"),
    ]
    tested, untested = coverage_section(run).split("### What's NOT Tested ❌")
    assert "Rate limiting — 24 requests by the rate_limiting check, 0 finding(s)" in tested
    assert "Rate limiting" not in untested
    assert "PUT /items/{item_id} — no update scenario; only probed: 2 requests (401×2)" in untested
    run.exchanges.append(_sent("PUT /items/{item_id}", 200, "alice: update", "valid"))
    tested, untested = coverage_section(run).split("### What's NOT Tested ❌")
    assert "PUT /items/{item_id} — 3 requests sent (200×1, 401×2)" in tested
    assert "PUT /items/{item_id}" not in untested


def _with_runs(run: RunResult, *extra: ScenarioRun) -> RunResult:
    assert run.analysis is not None
    runs = tuple(r for r in run.analysis.runs if r.scenario_id not in {e.scenario_id for e in extra})
    run.analysis = replace(run.analysis, runs=(*runs, *extra))
    return run


def test_broken_only_for_a_reproduced_5xx() -> None:
    run = run_result()
    run.findings = [replace(f, flaky=True) if f.category == "server_error" else f for f in run.findings]
    rows = {r.operation: r for r in endpoint_rows(run)}
    assert rows["POST /items/{item_id}/reviews"].status == "failing"
    assert all(r.status != "broken" for r in rows.values())


def test_assay_limits_are_not_the_targets_problems() -> None:
    run = _with_runs(
        run_result(),
        ScenarioRun("SC-API-004", "failed", (StepResult("review", False, "answered 401", 401),)),
        ScenarioRun("SC-API-007", "skipped", blocked_by="not run: time budget of 60s exhausted"),
    )
    run.findings = [f for f in run.findings if f.category not in {"server_error", "missing_endpoint"}]
    rows = {r.operation: r for r in endpoint_rows(run)}
    review = rows["POST /items/{item_id}/reviews"]
    assert review.status == "blocked" and review.detail.startswith(
        "assay could not run it: refused with HTTP 401"
    )
    assert rows["GET /stats/public"].detail == "assay could not run it: not run: time budget of 60s exhausted"
    text = markdown.test_results(run)
    assert "### ➖ Not Run: assay's own limits (2)" in text
    assert "SC-API-004" not in text.split("### ❌ Failing Tests")[1].split("###")[0]
    assert own_limitation("fixture item: POST /items/ needs auth.username")
    assert not own_limitation("fixture stats: GET /stats/public answered 500")


def test_a_refused_made_up_value_is_assays_limit() -> None:
    run = _with_runs(
        run_result(),
        ScenarioRun("SC-API-003", "failed", (StepResult("read", False, "answered 404", 404),)),
    )
    request = RecordedRequest("GET", "http://127.0.0.1:8000/items/987654")
    sent = Exchange(
        request,
        RecordedResponse(404),
        operation="GET /items/{item_id}",
        path_template="/items/{item_id}",
        scenario_id="SC-API-003",
        action="read",
        intent="valid",
    )
    run.exchanges = [sent]
    text = markdown.test_results(run)
    assert "assay made up the path value `item_id`" in text.split("Not Run: assay's own limits")[1]
    run.exchanges = [replace(sent, request=replace(request, url="http://127.0.0.1:8000/items/5"))]
    created = Exchange(
        RecordedRequest("POST", "http://127.0.0.1:8000/items/", body={"name": "x"}, has_body=True),
        RecordedResponse(201, json={"id": 5}, is_json=True),
        operation="POST /items/",
        intent="setup",
    )
    run.exchanges.insert(0, created)
    assert "Not Run: assay's own limits" not in markdown.test_results(run)  # id 5 was real: a fault


def test_security_checks_say_what_each_family_sent_and_found() -> None:
    run = run_result()
    assert run.analysis is not None
    run.analysis = replace(run.analysis, family_requests={"rate_limiting": 30, "ssrf": 0})
    run.findings.append(_finding("rate_limiting", "medium", "/auth/login", "No limit", id="F-0011"))
    text = markdown.render_markdown(run)
    assert "| rate_limiting | 30 | 1 |" in text and "| ssrf | 0 | — (not run) |" in text


def test_a_5xx_only_to_invalid_input_is_not_broken() -> None:
    run = run_result()
    request = RecordedRequest("POST", "http://127.0.0.1:8000/items/3/reviews")
    crash = Exchange(
        request, RecordedResponse(500), operation="POST /items/{item_id}/reviews", intent="invalid"
    )
    run.exchanges = [crash]
    rows = {r.operation: r for r in endpoint_rows(run)}
    assert rows["POST /items/{item_id}/reviews"].status == "failing"
    run.exchanges = [crash, replace(crash, intent="valid")]
    rows = {r.operation: r for r in endpoint_rows(run)}
    assert rows["POST /items/{item_id}/reviews"].status == "broken"
