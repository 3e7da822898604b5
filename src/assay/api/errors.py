"""The one place assay's errors become HTTP answers (WorkflowErrorResponse bodies)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assay.api.schemas import WorkflowErrorResponse
from assay.domain import clock
from assay.domain.errors import AssayError, NotFound, NotReady, SafetyError, UsageError
from assay.domain.workflow import AlreadyFinished, StageMissing

log = logging.getLogger("assay.api")


class Unauthorized(AssayError):
    """No valid API key (the server runs with ASSAY_API_KEYS)."""

    code = "UNAUTHORIZED"


STATUS_BY_ERROR: tuple[tuple[type[AssayError], int], ...] = (
    (Unauthorized, 401),
    (NotFound, 404),
    (NotReady, 404),
    (AlreadyFinished, 409),
    (StageMissing, 409),
    (SafetyError, 400),
    (UsageError, 400),
)
URL_EXAMPLE = "http://127.0.0.1:8000/"
INTERNAL_MESSAGE = "Internal server error; the server log has the details."
CODES_BY_STATUS = {
    400: "INVALID_INPUT",
    401: "UNAUTHORIZED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": WorkflowErrorResponse,
        "description": "Invalid request (INVALID_INPUT, INVALID_URL, MISSING_INPUT, TARGET_NOT_ALLOWED).",
    },
    404: {"model": WorkflowErrorResponse, "description": "Not found (NOT_FOUND) or not ready (NOT_READY)."},
    409: {
        "model": WorkflowErrorResponse,
        "description": "The workflow chained from lacks the needed stage (MISSING_STAGE).",
    },
}


def error_body(message: str, code: str, workflow_id: str | None = None) -> dict[str, object]:
    body = WorkflowErrorResponse(error=message, code=code, workflow_id=workflow_id, timestamp=clock.now())
    return body.model_dump(mode="json")


def error_response(request: Request, status: int, message: str, code: str) -> JSONResponse:
    workflow_id = request.path_params.get("workflow_id")
    headers = {"WWW-Authenticate": "ApiKey"} if status == 401 else None
    return JSONResponse(error_body(message, code, workflow_id), status_code=status, headers=headers)


def http_status(error: AssayError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


async def _assay_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssayError)
    status = http_status(exc)
    if status == 500:  # a domain error no route should let out: the log has it, the client a 500
        log.error("unexpected %s: %s", type(exc).__name__, exc)
        return error_response(request, 500, INTERNAL_MESSAGE, "INTERNAL_ERROR")
    return error_response(request, status, str(exc) or exc.code, exc.code)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    code = "INVALID_INPUT"
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        msg = str(err.get("msg", "invalid"))
        if where == "url":
            code = "INVALID_URL"
            if err.get("type") == "string_pattern_mismatch":  # the pattern itself helps nobody
                given = str(err.get("input"))[:120]
                msg = f"{given!r} is not an absolute http(s) URL with a host, e.g. {URL_EXAMPLE}"
        problems.append(f"{where or 'body'}: {msg}")
    message = "Invalid request: " + "; ".join(problems[:5])
    return error_response(request, 400, message, code)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # Every code is one docs/api.md lists: an unexpected status is a client or a server error.
    fallback = "INVALID_INPUT" if exc.status_code < 500 else "INTERNAL_ERROR"
    code = CODES_BY_STATUS.get(exc.status_code, fallback)
    response = error_response(request, exc.status_code, str(exc.detail), code)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    return response


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    scope_path = request.scope.get("path", "")
    for route in request.app.router.routes:
        path_regex = getattr(route, "path_regex", None)
        if path_regex is not None and path_regex.match(scope_path):
            methods |= set(getattr(route, "methods", None) or ())
    return methods


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, INTERNAL_MESSAGE, "INTERNAL_ERROR")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssayError, _assay_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
