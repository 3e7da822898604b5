"""Inconclusive is not clean: the rules, and what the summary, report.md and exit code say."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.sample_run import analysis, observation, run_result

from assay.cli.main import EXIT_FINDINGS, EXIT_INCONCLUSIVE, EXIT_OK, exit_code
from assay.domain.analysis import ScenarioRun
from assay.domain.exchanges import DROPPED_AGAIN, Exchange, RecordedRequest, RecordedResponse
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.verdict import coverage, incomplete_reasons, is_inconclusive, untested_line
from assay.report.findings_doc import findings_document
from assay.report.markdown import render_markdown
from assay.report.summary import summary_lines

BASE = "http://127.0.0.1:8000"


def answered(path: str = "/items/", operation: str | None = "GET /items/") -> Exchange:
    return Exchange(RecordedRequest("GET", BASE + path), RecordedResponse(200), operation=operation)


def dropped(path: str = "/items/", operation: str | None = "GET /items/") -> Exchange:
    error = f"GET {BASE}{path}: connection dropped (ReadError), {DROPPED_AGAIN}"
    return Exchange(RecordedRequest("GET", BASE + path), None, error=error, operation=operation)


def quiet_run(exchanges: list[Exchange]) -> RunResult:
    """The sample run without findings, with these exchanges."""
    return replace(run_result(), findings=[], exchanges=exchanges)


def test_a_run_that_did_what_it_planned_is_conclusive() -> None:
    run = quiet_run([answered()] * 9 + [dropped()])  # one drop in ten is a finding's business
    assert incomplete_reasons(run) == []
    assert exit_code(run) == EXIT_OK
    assert "No issue was found in what was tested." in render_markdown(run)
    assert findings_document(run)["inconclusive"] is False and "incomplete" not in findings_document(run)
    assert not [line for line in summary_lines(run) if "INCONCLUSIVE" in line]


def test_every_connection_dropped_is_inconclusive_everywhere() -> None:
    run = quiet_run([dropped(), dropped("/stats/public", "GET /stats/public"), dropped()])
    [reason] = incomplete_reasons(run)
    assert reason.startswith("no answer to any of the 3 requests sent (3 connection dropped)")
    assert exit_code(run) == EXIT_INCONCLUSIVE
    doc = findings_document(run)
    assert doc["inconclusive"] is True and doc["incomplete"] == [reason]
    report = render_markdown(run)
    assert "INCONCLUSIVE" in report and "No issue was found" not in report
    assert (
        "**Not tested** (no answer from the target):" in report
        and "GET /stats/public" in report
        and "GET /items/," in report
    )
    lines = summary_lines(run)
    assert any(line.startswith("INCONCLUSIVE") for line in lines)
    assert f"  - {reason}" in lines
    assert any(line.startswith("tested: ") and "0 of 3 requests answered" in line for line in lines)


def test_most_requests_unanswered_is_inconclusive_and_counts_each_kind() -> None:
    timeout = Exchange(RecordedRequest("GET", BASE + "/a"), None, error="GET /a: no answer within 10s")
    run = quiet_run([answered(), dropped(), dropped(), timeout])
    [reason] = incomplete_reasons(run)
    assert "3 of the 4 requests" in reason and "2 connection dropped, 1 timed out" in reason


def test_requests_refused_by_assays_own_policy_do_not_count() -> None:
    refused = Exchange(RecordedRequest("DELETE", BASE + "/a"), None, error="refused by the safety policy: x")
    assert incomplete_reasons(quiet_run([answered(), refused, refused, refused])) == []


def test_a_high_finding_still_exits_1_and_the_report_says_both() -> None:
    run = replace(run_result(), exchanges=[dropped()] * 4)
    assert is_inconclusive(run) and exit_code(run) == EXIT_FINDINGS
    assert "INCONCLUSIVE" in render_markdown(run)


def test_scenarios_left_unrun_by_the_budget_are_named() -> None:
    skipped = ScenarioRun("SC-API-009", "skipped", blocked_by="not run: time budget of 60s exhausted")
    base = analysis()
    run = replace(quiet_run([answered()]), analysis=replace(base, runs=(*base.runs, skipped, skipped)))
    assert incomplete_reasons(run) == ["2 of 9 scenarios not run to the end: time budget of 60s exhausted"]
    assert exit_code(run) == EXIT_INCONCLUSIVE


def test_what_observation_and_other_stages_could_not_do_is_carried_once() -> None:
    obs = replace(observation(), incomplete=("3 pages never settled: /a, /b, /c",))
    run = replace(
        quiet_run([answered()]), observation=obs, incomplete=["family ssrf crashed", "family ssrf crashed"]
    )
    assert incomplete_reasons(run) == ["family ssrf crashed", "3 pages never settled: /a, /b, /c"]


def test_a_run_that_found_nothing_to_test_is_inconclusive() -> None:
    empty = Observation(target=BASE, kind="unknown")
    run = RunResult(target=BASE, started_at="t", observation=empty)
    assert incomplete_reasons(run) == ["nothing to test was found: no operation, endpoint or page element"]
    assert exit_code(run) == EXIT_INCONCLUSIVE


def test_coverage_names_the_operations_that_never_answered() -> None:
    run = quiet_run([answered(), dropped("/stats/public", "GET /stats/public")])
    cov = coverage(run)
    assert "1 of 2 requests answered" in cov.tested
    assert "GET /items/" not in cov.untested_operations and "GET /stats/public" in cov.untested_operations
    assert "1 of 9 operations got an answer" in cov.tested
    assert untested_line(replace(cov, untested_operations=tuple(f"GET /{i}" for i in range(10)))).endswith(
        "GET /7 and 2 more"
    )


def test_an_observation_whose_requests_got_no_answer_says_so() -> None:
    log = (
        "GET http://x/ -> ConnectionDropped: GET http://x/: connection dropped (ReadError)",
        "GET http://x/openapi.json -> TargetTimeout: no answer within 20s",
        "stopped: 3 transport errors in a row",
        "probe GET http://x/api -> ConnectionDropped",
        "probe GET http://x/health -> 404",
    )
    run = RunResult(target=BASE, started_at="t", observation=Observation(BASE, "unknown", discovery_log=log))
    assert incomplete_reasons(run)[0] == (
        "observation got no answer to 3 of its 4 requests (2 connection dropped, 1 timed out): "
        "the target could not be read"
    )


def test_a_spec_refused_for_its_size_is_named() -> None:
    url = "http://x/openapi.yaml"
    line = f"GET {url} -> 200 application/yaml (refused: its aliases expand to more than 3 values)"
    obs = Observation(BASE, "unknown", discovery_log=(line,))
    reasons = incomplete_reasons(RunResult(target=BASE, started_at="t", observation=obs))
    assert f"the spec at {url} was not read: its aliases expand to more than 3 values" in reasons


def test_bodies_cut_at_the_limits_are_counted_in_the_summary_not_made_inconclusive() -> None:
    cut = Exchange(RecordedRequest("GET", BASE + "/items/"), RecordedResponse(200, truncated=True))
    run = quiet_run([cut, answered()])
    assert incomplete_reasons(run) == []
    [line] = [line for line in summary_lines(run) if line.startswith("limits:")]
    assert line.startswith("limits: 1 response(s) cut at assay's body limits (20 MB each")


def test_a_plan_without_execution_is_not_inconclusive() -> None:
    planned_only = replace(quiet_run([]), analysis=replace(analysis(), runs=()))
    assert incomplete_reasons(planned_only) == []
    assert exit_code(planned_only) == EXIT_OK


def test_scenarios_skipped_by_the_safety_rules_are_untested_not_inconclusive() -> None:
    why = "not run: assay's safety rule: GET /reset resets the application's state; pass --destructive"
    runs = (*analysis().runs, ScenarioRun("SC-API-099", "skipped", (), 0.0, why))
    run = replace(quiet_run([answered()]), analysis=replace(analysis(), runs=runs))
    assert not [r for r in incomplete_reasons(run) if "safety rule" in r]
    budget = (*runs, ScenarioRun("SC-API-100", "skipped", (), 0.0, "not run: time budget"))
    assert is_inconclusive(replace(run, analysis=replace(analysis(), runs=budget)))
