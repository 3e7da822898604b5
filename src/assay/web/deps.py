"""What every dashboard route shares: the templates and the workflow service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from assay.services.workflows import WorkflowService

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
_BACKTICKS = re.compile(r"`([^`]+)`")


def code_spans(value: object) -> Markup:
    """Text with its `code spans` (findings' titles and details use them) as <code>, escaped first."""
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", str(escape(value))))


templates.env.filters["code"] = code_spans


async def service(request: Request) -> WorkflowService:
    # async: a plain def dependency would cost every request a hop through the thread pool.
    svc: WorkflowService = request.app.state.service
    return svc


Service = Annotated[WorkflowService, Depends(service)]

# The pages load nothing but their own /static files: no inline script or style, no other host.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def render(request: Request, name: str, context: dict[str, object], status_code: int = 200) -> Response:
    """A dashboard page, sent with the Content-Security-Policy that holds it to /static."""
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Content-Security-Policy"] = CSP
    return response
