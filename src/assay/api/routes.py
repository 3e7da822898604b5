"""The /api/v2 routes of the spec (seed 002), plus test cases, findings, report and suite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from assay.api import mapping
from assay.api.errors import ERROR_RESPONSES
from assay.api.keys import Caller
from assay.api.result_models import MAX_ID
from assay.api.schemas import (
    AnalysisRequest,
    EvolutionRequest,
    FindingsDocument,
    GenerateTestsRequest,
    ImproveTestsRequest,
    ModelPromptsDocument,
    ObservationRequest,
    RequirementsRequest,
    TestCaseResponse,
    WorkflowErrorResponse,
    WorkflowResultsResponse,
    WorkflowStatusResponse,
)
from assay.domain.errors import NotFound
from assay.domain.run import RunResult
from assay.report.documents import (
    findings_document,
    html_report,
    markdown_report,
    model_prompts_document,
    suite_zip,
)
from assay.services.workflows import WorkflowService

router = APIRouter()
WorkflowId = Annotated[str, Path(description="UUID returned from any POST entry point.", max_length=100)]
Responses = dict[int | str, dict[str, Any]]
ONLY_404: Responses = {404: ERROR_RESPONSES[404]}
CONFLICT: Responses = {
    409: {"model": WorkflowErrorResponse, "description": "Already finished (ALREADY_FINISHED)."}
}


def _trigger_route(path: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return router.post(
        path,
        status_code=202,
        response_model=WorkflowStatusResponse,
        responses=ERROR_RESPONSES,
        summary=summary,
    )


async def service(request: Request) -> WorkflowService:
    # async: a plain def dependency would cost every request a hop through the thread pool.
    svc: WorkflowService = request.app.state.service
    return svc


Service = Annotated[WorkflowService, Depends(service)]


async def _trigger(svc: WorkflowService, body: mapping.Trigger, who: str | None) -> WorkflowStatusResponse:
    record = await svc.start(replace(mapping.start_request(body), owner=who))
    return mapping.status_response(record)


@_trigger_route("/generate-tests", "Full 4-agent pipeline from a URL")
async def generate_tests(body: GenerateTestsRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return await _trigger(svc, body, who)


@_trigger_route("/observation", "ObservationAgent only")
async def observation(body: ObservationRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return await _trigger(svc, body, who)


@_trigger_route("/requirements", "RequirementsAgent only")
async def requirements(body: RequirementsRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return await _trigger(svc, body, who)


@_trigger_route("/analysis", "AnalysisAgent only")
async def analysis(body: AnalysisRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return await _trigger(svc, body, who)


@_trigger_route("/evolution", "EvolutionAgent only (test generation)")
async def evolution(body: EvolutionRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return await _trigger(svc, body, who)


@_trigger_route("/improve-tests", "Iterative improvement of test cases by id")
async def improve_tests(body: ImproveTestsRequest, svc: Service, who: Caller) -> WorkflowStatusResponse:
    from assay.services.improve import start_improvement

    record = await start_improvement(
        svc, tuple(body.test_case_ids), body.user_instruction, body.max_iterations, who
    )
    return mapping.status_response(record)


@router.get("/workflows/{workflow_id}", responses=ONLY_404, summary="Workflow status")
async def workflow_status(workflow_id: WorkflowId, svc: Service, who: Caller) -> WorkflowStatusResponse:
    # On the loop: a live or finished workflow comes from memory, others from the store in a thread.
    return mapping.status_response(await svc.status_async(workflow_id, who))


@router.get(
    "/workflows/{workflow_id}/results", responses=ONLY_404, summary="Workflow results (partial or full)"
)
def workflow_results(workflow_id: WorkflowId, svc: Service, who: Caller) -> WorkflowResultsResponse:
    return mapping.results_response(svc.results(workflow_id, who))


@router.delete(
    "/workflows/{workflow_id}",
    responses={**ONLY_404, **CONFLICT},
    summary="Cancel a workflow (really: stops at the next step; see docs/api.md)",
)
async def cancel_workflow(workflow_id: WorkflowId, svc: Service, who: Caller) -> WorkflowStatusResponse:
    return mapping.status_response(await svc.cancel(workflow_id, who))


def _finished_run(svc: WorkflowService, workflow_id: str, who: str | None) -> RunResult:
    return svc.results(workflow_id, who).run


@router.get("/workflows/{workflow_id}/findings", responses=ONLY_404, summary="findings.json of a workflow")
def workflow_findings(workflow_id: WorkflowId, svc: Service, who: Caller) -> FindingsDocument:
    return FindingsDocument.model_validate(findings_document(_finished_run(svc, workflow_id, who)))


@router.get(
    "/workflows/{workflow_id}/model-prompts",
    responses=ONLY_404,
    summary="model-prompts.json: what the language model was sent",
)
def workflow_model_prompts(workflow_id: WorkflowId, svc: Service, who: Caller) -> ModelPromptsDocument:
    # Kept with the run's results, redacted as they are (the model session masked them first).
    return ModelPromptsDocument.model_validate(model_prompts_document(_finished_run(svc, workflow_id, who)))


REPORT_RESPONSES: Responses = {
    **ONLY_404,
    200: {
        "description": "The report: Markdown, or HTML when the Accept header asks for text/html.",
        "content": {
            "text/markdown": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
}


@router.get(
    "/workflows/{workflow_id}/report",
    responses=REPORT_RESPONSES,
    response_class=PlainTextResponse,
    summary="The run's report",
)
def workflow_report(
    workflow_id: WorkflowId, svc: Service, who: Caller, accept: Annotated[str | None, Header()] = None
) -> Response:
    run = _finished_run(svc, workflow_id, who)
    if accept and "text/html" in accept:
        return HTMLResponse(html_report(run))
    return PlainTextResponse(markdown_report(run), media_type="text/markdown; charset=utf-8")


SUITE_RESPONSES: Responses = {
    **ONLY_404,
    200: {
        "description": "The generated test suite as a zip archive.",
        "content": {
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    },
}


@router.get(
    "/workflows/{workflow_id}/suite",
    responses=SUITE_RESPONSES,
    response_class=Response,
    summary="Generated test suite (zip)",
)
def workflow_suite(workflow_id: WorkflowId, svc: Service, who: Caller) -> Response:
    run = _finished_run(svc, workflow_id, who)
    if run.evolution is None:
        raise NotFound(f"Workflow {workflow_id} generated no tests; run /evolution or /generate-tests.")
    headers = {"Content-Disposition": f'attachment; filename="assay-suite-{workflow_id[:8]}.zip"'}
    return Response(suite_zip(run, workflow_id), media_type="application/zip", headers=headers)


@router.get("/test-cases/{test_case_id}", responses=ONLY_404, summary="One generated test case")
def test_case(
    test_case_id: Annotated[int, Path(ge=0, le=MAX_ID)], svc: Service, who: Caller
) -> TestCaseResponse:
    stored = svc.test_case(test_case_id, who)
    return mapping.test_case_response(stored, stored.scenario)
