"""One workflow's pages: overview (progress, chain, findings), a finding with its evidence, the
scenarios, the tests, the report, and the comparison of two runs of one target."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from assay.domain.errors import AssayError, NotFound, NotReady
from assay.domain.workflow import StoredTestCase, WorkflowRecord
from assay.report.documents import html_report
from assay.services.workflows import WorkflowResults, WorkflowService
from assay.web.chain import build_chain
from assay.web.compare import compare_runs
from assay.web.deps import Service, render
from assay.web.views import (
    SEVERITIES,
    TestView,
    finding_view,
    finding_views,
    scenario_views,
    summary,
    test_view,
)

router = APIRouter(include_in_schema=False)
RECENT = 200  # how far back the chain's later stages and the comparison's candidates are looked for
CHAIN_DEPTH = 4  # a chain is at most four stages long


def _missing(request: Request, error: AssayError) -> Response:
    status = 409 if isinstance(error, NotReady) else 404
    context: dict[str, object] = {"message": str(error)}
    return render(request, "missing.html", context, status_code=status)


@router.get("/workflows/{workflow_id}", response_class=HTMLResponse)
async def workflow(request: Request, workflow_id: str, svc: Service) -> Response:
    try:
        record = await svc.status_async(workflow_id)
    except AssayError as exc:
        return _missing(request, exc)
    context = await asyncio.to_thread(_overview, svc, record)
    return render(request, "workflow.html", context)


def _overview(svc: WorkflowService, record: WorkflowRecord) -> dict[str, object]:
    recent = svc.recent(RECENT)
    context: dict[str, object] = {
        "wf": record,
        "tab": "overview",
        "chain": build_chain(record, _ancestors(svc, record), _descendants(record, recent)),
        "severities": SEVERITIES,
        "peers": [r for r in recent if r.finished and r.target == record.target and r.id != record.id],
    }
    if record.finished:
        results = svc.results(record.id)
        tests = _tests(svc, results)
        context.update(
            findings=finding_views(results.run, tests),
            summary=summary(results.run, len(tests)),
            has_suite=results.run.evolution is not None,
            model=results.run.model_use,  # None without a model: the section is not shown
            tier3=[
                s.scenario_id
                for s in (results.run.analysis.execution_success if results.run.analysis else ())
                if s.tier_used == "tier3"
            ],
        )
    return context


def _ancestors(svc: WorkflowService, record: WorkflowRecord) -> list[WorkflowRecord]:
    found: list[WorkflowRecord] = []
    source = record.source_workflow_id
    while source and len(found) < CHAIN_DEPTH:
        try:
            found.append(svc.status(source))
        except NotFound:
            break
        source = found[-1].source_workflow_id
    return found


def _descendants(record: WorkflowRecord, recent: list[WorkflowRecord]) -> list[WorkflowRecord]:
    """The workflows continuing this one, stage after stage (the newest when it was continued twice)."""
    found: list[WorkflowRecord] = []
    current = record.id
    while len(found) < CHAIN_DEPTH:
        child = next((r for r in recent if r.source_workflow_id == current), None)  # newest first
        if child is None:
            break
        found.append(child)
        current = child.id
    return found


def _tests(svc: WorkflowService, results: WorkflowResults) -> list[TestView]:
    """The workflow's test cases as the store has them now (improve-tests may have rewritten them)."""
    evolution = results.run.evolution
    cases = evolution.test_cases if evolution is not None else ()
    views = []
    for case in cases:
        stored = None
        if case.id is not None:
            try:
                stored = svc.test_case(case.id)
            except NotFound:
                stored = None
        views.append(test_view(stored or StoredTestCase(case.id or 0, results.record.id, case, "")))
    return views


async def _results(svc: WorkflowService, workflow_id: str) -> WorkflowResults:
    return await asyncio.to_thread(svc.results, workflow_id)


async def _results_or_page(
    request: Request, svc: WorkflowService, workflow_id: str
) -> WorkflowResults | Response:
    """A finished workflow's results, or the page that says why there are none (yet)."""
    try:
        return await _results(svc, workflow_id)
    except AssayError as exc:
        return _missing(request, exc)


@router.get("/workflows/{workflow_id}/findings/{finding_id}", response_class=HTMLResponse)
async def finding(request: Request, workflow_id: str, finding_id: str, svc: Service) -> Response:
    try:
        results = await _results(svc, workflow_id)
        found = next((f for f in results.run.findings if f.id == finding_id), None)
        if found is None:
            raise NotFound(f"Workflow {workflow_id} has no finding {finding_id!r}.")
        tests = await asyncio.to_thread(_tests, svc, results)
    except AssayError as exc:
        return _missing(request, exc)
    context: dict[str, object] = {"wf": results.record, "tab": "findings", "view": finding_view(found, tests)}
    return render(request, "finding.html", context)


@router.get("/workflows/{workflow_id}/findings/{finding_id}/screenshots/{number}")
async def screenshot(
    request: Request, workflow_id: str, finding_id: str, number: int, svc: Service
) -> Response:
    """A picture the finding's evidence names, by its place in the list: a path typed into the
    URL is never read, only one the run itself recorded."""
    try:
        results = await _results(svc, workflow_id)
        found = next((f for f in results.run.findings if f.id == finding_id), None)
        shots = finding_view(found, []).screenshots if found is not None else ()
        path = Path(shots[number].path) if 0 <= number < len(shots) else None
        if path is None or path.suffix.lower() not in {".png", ".jpg", ".jpeg"} or not path.is_file():
            raise NotFound(f"No screenshot {number} of finding {finding_id!r} is on this server (any more).")
    except AssayError as exc:
        return _missing(request, exc)
    return FileResponse(path)


@router.get("/workflows/{workflow_id}/scenarios", response_class=HTMLResponse)
async def scenarios(request: Request, workflow_id: str, svc: Service) -> Response:
    results = await _results_or_page(request, svc, workflow_id)
    if isinstance(results, Response):
        return results
    views = scenario_views(results.run)
    context: dict[str, object] = {"wf": results.record, "tab": "scenarios", "scenarios": views}
    return render(request, "scenarios.html", context)


@router.get("/workflows/{workflow_id}/tests", response_class=HTMLResponse)
async def tests(request: Request, workflow_id: str, svc: Service) -> Response:
    return await tests_page(request, workflow_id, svc)


async def tests_page(
    request: Request, workflow_id: str, svc: WorkflowService, error: str | None = None
) -> Response:
    """The generated tests with their code, the suite download and the improve-tests form."""
    results = await _results_or_page(request, svc, workflow_id)
    if isinstance(results, Response):
        return results
    views = await asyncio.to_thread(_tests, svc, results)
    evolution = results.run.evolution
    context: dict[str, object] = {
        "wf": results.record,
        "tab": "tests",
        "tests": views,
        "files": sorted(evolution.files) if evolution is not None else [],
        "notes": evolution.notes if evolution is not None else (),
        "has_suite": evolution is not None,
        "error": error,
    }
    return render(request, "tests.html", context, status_code=400 if error else 200)


@router.get("/workflows/{workflow_id}/report.html", response_class=HTMLResponse)
async def report(request: Request, workflow_id: str, svc: Service) -> Response:
    """The HTML report, for a plain link (the API serves it on ``Accept: text/html``)."""
    results = await _results_or_page(request, svc, workflow_id)
    if isinstance(results, Response):
        return results
    return HTMLResponse(html_report(results.run))


@router.get("/compare", response_class=HTMLResponse)
async def compare(
    request: Request,
    svc: Service,
    before: Annotated[str, Query(max_length=100)] = "",
    after: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Two finished runs of one target: findings new, fixed and unchanged, and the pass rate's move."""
    try:
        old, new = await _results(svc, before), await _results(svc, after)
    except AssayError as exc:
        return _missing(request, exc)
    if old.record.started_at > new.record.started_at:  # always read as "since the earlier run"
        old, new = new, old
    context: dict[str, object] = {
        "before": old.record,
        "after": new.record,
        "same_target": old.record.target == new.record.target,
        "comparison": compare_runs(old.run, new.run),
    }
    return render(request, "compare.html", context)
