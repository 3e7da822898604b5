"""Builders shared by the authz unit tests: steps made of recorded exchanges, no server."""

from __future__ import annotations

from tests.fakes import json_response

from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import Json
from assay.domain.operations import HttpMethod, Operation
from assay.oracles.base import OracleContext
from assay.oracles.security_common import Step

BASE = "http://127.0.0.1:8000"
SECRET = "tok-very-secret"
CTX = OracleContext(secrets=(SECRET,))
OWNER = "alice (user)"
INTRUDER = "assay_x1 (user, registered by assay)"


def step(
    method: str,
    template: str,
    status: int,
    body: Json = None,
    *,
    actor: str = OWNER,
    path: str | None = None,
    request_body: Json = None,
    token: str | None = SECRET,
) -> Step:
    """``actor`` sent ``method path`` (the template unless a concrete path is given) and got ``status``."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = RecordedRequest(
        method, BASE + (path or template), headers, request_body, request_body is not None, None
    )
    response = json_response(status, body)
    return Step(actor, Exchange(request, response, operation=f"{method} {template}", path_template=template))


def op(method: HttpMethod, path: str, *, secured: bool = True) -> Operation:
    return Operation(method, path, security=("bearer",) if secured else ())


def test_step_builder_records_the_template_and_actor() -> None:
    built = step("GET", "/items/{id}", 200, {"id": 1}, path="/items/1")
    assert built.exchange.path_template == "/items/{id}" and built.actor == OWNER
    assert built.exchange.request.url.endswith("/items/1")
