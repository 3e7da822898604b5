"""What every dashboard route shares: the templates and the workflow service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from assay.services.workflows import WorkflowService

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


async def service(request: Request) -> WorkflowService:
    # async: a plain def dependency would cost every request a hop through the thread pool.
    svc: WorkflowService = request.app.state.service
    return svc


Service = Annotated[WorkflowService, Depends(service)]
