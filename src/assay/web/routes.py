"""Dashboard actions: the workflow list with its start form, cancel, improve-tests, compare.

Pages are rendered on the server (Jinja2); the one script (static/dashboard.js) follows a
running workflow's /api/v2 SSE stream. Every action goes through the same WorkflowService the
API uses. The workflow's own pages are in ``workflow_pages``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from assay.domain.errors import AssayError
from assay.services.improve import start_improvement
from assay.services.workflows import WorkflowService
from assay.web import workflow_pages
from assay.web.deps import HERE, Service, render
from assay.web.start_form import FROM_URL, KINDS, TAKES_LOGIN, StartForm, start_request

router = APIRouter(include_in_schema=False)
RECENT = 50


def install(app: FastAPI) -> None:
    """Serve the dashboard at / and its assets at /static on ``app``."""
    app.include_router(router)
    app.include_router(workflow_pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, svc: Service) -> Response:
    return await _index(request, svc)


async def _index(
    request: Request, svc: WorkflowService, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    workflows = await asyncio.to_thread(svc.recent, RECENT)
    context: dict[str, object] = {
        "workflows": workflows,
        "completed": [w for w in workflows if w.status == "completed" and w.kind != "improve-tests"],
        "finished": [w for w in workflows if w.finished],
        "error": error,
        "form": form or {},
        "kinds": KINDS,
        "from_url": FROM_URL,
        "takes_login": TAKES_LOGIN,
    }
    return render(request, "index.html", context, status_code=400 if error else 200)


@router.post("/", response_class=HTMLResponse)
async def start(
    request: Request,
    svc: Service,
    url: Annotated[str, Form(max_length=2048)] = "",
    kind: Annotated[str, Form(max_length=40)] = "generate-tests",
    user_instruction: Annotated[str, Form(max_length=2000)] = "",
    depth: Annotated[int, Form(ge=1, le=3)] = 1,
    source_workflow_id: Annotated[str, Form(max_length=100)] = "",
    username: Annotated[str, Form(max_length=500)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    totp_secret: Annotated[str, Form(max_length=200)] = "",
    mail_address: Annotated[str, Form(max_length=500)] = "",
    mail_password: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = StartForm(
        kind, url, user_instruction, depth, source_workflow_id, username, password, totp_secret,
        mail_address, mail_password,
    )  # fmt: skip
    try:
        record = await svc.start(start_request(form))
    except AssayError as exc:
        return await _index(request, svc, str(exc), form.echo())
    return RedirectResponse(f"/workflows/{record.id}", status_code=303)


@router.post("/workflows/{workflow_id}/cancel")
async def cancel(workflow_id: str, svc: Service) -> Response:
    with contextlib.suppress(AssayError):  # already finished or unknown: the page says what it is
        await svc.cancel(workflow_id)
    return RedirectResponse(f"/workflows/{workflow_id}", status_code=303)


@router.post("/workflows/{workflow_id}/improve", response_class=HTMLResponse)
async def improve(
    request: Request,
    workflow_id: str,
    svc: Service,
    test_case_ids: Annotated[list[int] | None, Form()] = None,
    user_instruction: Annotated[str, Form(max_length=2000)] = "",
    max_iterations: Annotated[int, Form(ge=1, le=20)] = 5,
) -> Response:
    """Improve the ticked test cases (the API's POST /improve-tests); a new workflow runs it."""
    if not test_case_ids:
        return await workflow_pages.tests_page(request, workflow_id, svc, "Tick the test cases to improve.")
    try:
        record = await start_improvement(svc, test_case_ids, user_instruction.strip() or None, max_iterations)
    except AssayError as exc:
        return await workflow_pages.tests_page(request, workflow_id, svc, str(exc))
    return RedirectResponse(f"/workflows/{record.id}", status_code=303)
