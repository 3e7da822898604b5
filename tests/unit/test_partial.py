"""PARTIAL: planned work the time budget cut, defined once in domain.partial and said by every output."""

from __future__ import annotations

from dataclasses import replace

from tests.unit import sample_run

from assay.domain.analysis import ScenarioRun
from assay.domain.json import as_list, as_object
from assay.domain.pages import CrawlFacts, DiscoveredUrl
from assay.domain.partial import is_partial, partial_line, skipped
from assay.domain.run import RunResult
from assay.report.findings_doc import findings_document
from assay.report.html import render_html
from assay.report.markdown import render_markdown
from assay.report.summary import summary_lines


def _run(
    *runs: ScenarioRun, out_of_time: tuple[str, ...] = (), sent: dict[str, int] | None = None
) -> RunResult:
    run = sample_run.run_result()
    assert run.analysis is not None
    run.analysis = replace(
        run.analysis, runs=runs, families_out_of_time=out_of_time, family_requests=sent or {}
    )
    return run


def test_a_run_that_did_all_it_planned_is_not_partial() -> None:
    run = _run(ScenarioRun("SC-1", "passed"), ScenarioRun("SC-2", "failed"))
    assert not is_partial(run) and skipped(run) == []
    assert as_object(findings_document(run)["summary"])["partial"] is False
    assert "PARTIAL" not in render_markdown(run)


def test_skips_by_safety_rule_or_cancel_are_not_partial() -> None:
    safety = ScenarioRun("SC-1", "skipped", blocked_by="not run: assay's safety rule: it resets the state")
    cancel = ScenarioRun("SC-2", "skipped", blocked_by="not run: the workflow was cancelled")
    assert not is_partial(_run(safety, cancel))


def test_scenarios_families_and_pages_cut_by_the_time_budget_make_it_partial() -> None:
    budget = ScenarioRun("SC-2", "skipped", blocked_by="not run: time budget of 60s exhausted")
    run = _run(ScenarioRun("SC-1", "passed"), budget, out_of_time=("xss", "sqli"), sent={"sqli": 4})
    assert run.observation is not None
    pages = (
        DiscoveredUrl("/a", "anchor", 1, visited=True),
        DiscoveredUrl("/b", "anchor", 1, skipped="not opened: the crawl's time budget was spent"),
        DiscoveredUrl("/c", "anchor", 9, skipped="not opened: past the crawl's depth (1)"),
    )
    run.observation = replace(run.observation, crawl=CrawlFacts("http://t/", discovered=pages))
    items = skipped(run)
    assert [(s.kind, s.name) for s in items] == [
        ("scenario", "SC-2"),
        ("security_family", "xss"),
        ("security_family", "sqli"),
        ("page", "/b"),
    ]
    assert items[1].reason == "sent nothing: the time budget was spent"
    assert items[2].reason == "stopped after 4 requests: the time budget was spent"
    line = partial_line(items)
    assert line == "PARTIAL: 1 scenario, 2 security families, 1 page skipped, the time budget was spent"
    summary = as_object(findings_document(run)["summary"])
    assert summary["partial"] is True
    page = {"kind": "page", "name": "/b", "reason": "the crawl's time budget was spent"}
    assert page in as_list(summary["skipped"])
    assert line in render_markdown(run)
    assert line in summary_lines(run)
    page_html = render_html(run)
    assert f"<strong>{line}.</strong>" in page_html and "security family xss: sent nothing" in page_html
