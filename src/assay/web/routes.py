"""Dashboard pages: the workflow list with a start form, and one workflow with live progress.

Pages are rendered on the server (Jinja2); the only script follows a running workflow's
/api/v2 SSE stream and reloads the page when it ends, so findings are rendered here too.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from assay.domain.errors import AssayError
from assay.domain.findings import SEVERITY_ORDER, Finding
from assay.domain.workflow import WorkflowKind, WorkflowRecord
from assay.report.documents import html_report
from assay.services.workflows import StartRequest, WorkflowService

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
KINDS: dict[str, WorkflowKind] = {"generate-tests": "generate-tests", "observation": "observation"}


async def service(request: Request) -> WorkflowService:
    svc: WorkflowService = request.app.state.service
    return svc


Service = Annotated[WorkflowService, Depends(service)]


def install(app: FastAPI) -> None:
    """Serve the dashboard at / and its assets at /static on ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, svc: Service) -> Response:
    return await _index(request, svc)


async def _index(
    request: Request, svc: WorkflowService, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    workflows = await asyncio.to_thread(svc.recent, 50)
    context: dict[str, object] = {
        "workflows": workflows,
        "error": error,
        "form": form or {},
        "kinds": list(KINDS),
    }
    return templates.TemplateResponse(request, "index.html", context, status_code=400 if error else 200)


@router.post("/", response_class=HTMLResponse)
async def start(
    request: Request,
    svc: Service,
    url: Annotated[str, Form(max_length=2048)] = "",
    kind: Annotated[str, Form()] = "generate-tests",
    user_instruction: Annotated[str, Form(max_length=2000)] = "",
    depth: Annotated[int, Form(ge=1, le=3)] = 1,
) -> Response:
    form = {"url": url, "kind": kind, "user_instruction": user_instruction}
    if kind not in KINDS:
        return await _index(request, svc, f"Unknown workflow kind {kind!r}.", form)
    start_request = StartRequest(
        kind=KINDS[kind], url=url.strip(), instruction=user_instruction.strip() or None, depth=depth
    )
    try:
        record = await svc.start(start_request)
    except AssayError as exc:
        return await _index(request, svc, str(exc), form)
    return RedirectResponse(f"/workflows/{record.id}", status_code=303)


@router.get("/workflows/{workflow_id}", response_class=HTMLResponse)
async def workflow(request: Request, workflow_id: str, svc: Service) -> Response:
    try:
        record = await svc.status_async(workflow_id)
    except AssayError as exc:
        context: dict[str, object] = {"message": str(exc)}
        return templates.TemplateResponse(request, "missing.html", context, status_code=404)
    findings, test_count = await asyncio.to_thread(_outputs, svc, record)
    context = {"wf": record, "findings": findings, "test_count": test_count}
    return templates.TemplateResponse(request, "workflow.html", context)


@router.get("/workflows/{workflow_id}/report.html", response_class=HTMLResponse)
async def report(workflow_id: str, svc: Service) -> Response:
    """The HTML report, for a plain link (the API serves it on ``Accept: text/html``)."""
    results = await asyncio.to_thread(svc.results, workflow_id)
    return HTMLResponse(html_report(results.run))


@router.post("/workflows/{workflow_id}/cancel")
async def cancel(workflow_id: str, svc: Service) -> Response:
    with contextlib.suppress(AssayError):  # already finished or unknown: the page says what it is
        await svc.cancel(workflow_id)
    return RedirectResponse(f"/workflows/{workflow_id}", status_code=303)


def _outputs(svc: WorkflowService, record: WorkflowRecord) -> tuple[list[Finding], int]:
    """A finished workflow's findings, most severe first, and how many tests it generated."""
    if not record.finished:
        return [], 0
    results = svc.results(record.id)
    findings = sorted(results.run.findings, key=lambda f: -SEVERITY_ORDER[f.severity])
    return findings, len(results.test_case_ids)
