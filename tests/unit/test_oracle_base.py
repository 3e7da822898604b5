"""Builders shared by the oracle tests, and tests of the oracles' shared helpers."""

from __future__ import annotations

import json

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json, JsonObject
from assay.domain.operations import (
    ApiModel,
    HttpMethod,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    SpecIssue,
)
from assay.domain.scenarios import Expectation, Intent
from assay.oracles.base import (
    OracleContext,
    created_ids,
    is_collection_path,
    label,
    own_id,
    path_of,
    path_params,
)

BASE = "http://127.0.0.1:8000"
CTX = OracleContext()
_MISSING: Json = "<missing>"


def response(
    status: int,
    body: Json = _MISSING,
    *,
    text: str | None = None,
    content_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
    elapsed: float = 0.05,
) -> RecordedResponse:
    """A recorded response: JSON when ``body`` is given, else ``text`` (default empty)."""
    all_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if content_type:
        all_headers.setdefault("content-type", content_type)
    if body is not _MISSING:
        return RecordedResponse(status, all_headers, json.dumps(body), body, True, elapsed)
    return RecordedResponse(status, all_headers, text or "", None, False, elapsed)


def exchange(
    method: str,
    template: str,
    status: int | None = 200,
    body: Json = _MISSING,
    *,
    path: str | None = None,
    text: str | None = None,
    content_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
    elapsed: float = 0.05,
    request_body: Json = _MISSING,
    request_headers: dict[str, str] | None = None,
    query: str = "",
    intent: Intent = "valid",
    expect: Expectation | None = None,
    error: str | None = None,
    scenario_id: str | None = "SC-API-001",
    documented: bool = True,
) -> Exchange:
    """One exchange against ``template`` (concrete ``path`` defaults to the template)."""
    url = BASE + (path or template) + (f"?{query}" if query else "")
    has_body = request_body is not _MISSING
    request = RecordedRequest(
        method=method,
        url=url,
        headers=request_headers or {},
        body=request_body if has_body else None,
        has_body=has_body,
        content_type="application/json" if has_body else None,
    )
    answer = None
    if status is not None:
        answer = response(
            status, body, text=text, content_type=content_type, headers=headers, elapsed=elapsed
        )
    return Exchange(
        request=request,
        response=answer,
        error=error,
        operation=f"{method} {template}" if documented else None,
        path_template=template,
        scenario_id=scenario_id,
        intent=intent,
        expect=expect,
    )


def operation(
    method: HttpMethod,
    path: str,
    responses: dict[str, JsonObject | None] | None = None,
    *,
    summary: str = "",
    operation_id: str | None = None,
    request_schema: JsonObject | None = None,
    parameters: tuple[Parameter, ...] = (),
    content_type: str = "application/json",
) -> Operation:
    """An operation documenting ``responses`` (status -> schema; None = no body) as ``content_type``."""
    documented: dict[str, JsonObject | None] = {"200": {"type": "object"}} if responses is None else responses
    specs = tuple(
        ResponseSpec(status=code, content_type=content_type if schema is not None else None, schema=schema)
        for code, schema in documented.items()
    )
    body = RequestBody("application/json", request_schema, required=True) if request_schema else None
    return Operation(
        method=method,
        path=path,
        operation_id=operation_id,
        summary=summary,
        parameters=parameters,
        request_body=body,
        responses=specs,
    )


def api_model(*ops: Operation, spec_version: str = "3.0.3", issues: tuple[SpecIssue, ...] = ()) -> ApiModel:
    return ApiModel(
        title="Test API",
        version="1",
        spec_version=spec_version,
        base_path="",
        operations=ops,
        spec_issues=issues,
    )


# --------------------------------------------------------------------------- helper tests


def test_path_params_match_templates_with_prefix_and_trailing_slash() -> None:
    template = "/chat/sessions/{session_id}/messages"
    assert path_params(template, "/chat/sessions/abc/messages") == {"session_id": "abc"}
    assert path_params(template, "/api/v1/chat/sessions/abc/messages/") == {"session_id": "abc"}
    assert path_params(template, "/chat/other/abc/messages") is None


def test_collection_paths_exclude_ids_and_actions() -> None:
    assert is_collection_path("/api/v1/agents")
    assert not is_collection_path("/api/v1/agents/{id}")
    assert not is_collection_path("/auth/login")
    assert not is_collection_path("/search")


def test_label_prefers_summary_then_operation_id() -> None:
    ex = exchange("POST", "/chat/sessions/{id}/messages")
    with_summary = api_model(operation("POST", "/chat/sessions/{id}/messages", summary="Send chat message"))
    fastapi_id = api_model(
        operation(
            "POST",
            "/chat/sessions/{id}/messages",
            operation_id="send_message_api_v1_chat_sessions__id__messages_post",
        )
    )
    assert label(ex, with_summary) == "Send chat message"
    assert label(ex, fastapi_id) == "Send message"
    assert label(ex, None) == "POST /chat/sessions/{id}/messages"


def test_ids_are_mined_from_create_responses_only() -> None:
    create = exchange("POST", "/items", 201, {"id": 7, "owner_id": "u1"}, request_body={"name": "x"})
    read = exchange("GET", "/things", 200, {"id": 99})
    failed = exchange("POST", "/items", 400, {"id": 5})
    assert created_ids([create, read, failed], CTX) == {"7", "u1"}
    assert own_id({"data": {"id": "abc"}}) == "abc"
    assert own_id([1, 2]) is None


def test_path_of_never_carries_host_or_query() -> None:
    ex = exchange("GET", "/items", query="q=1", documented=False)
    assert path_of(ex) == "/items"
    bare = Exchange(request=RecordedRequest("GET", BASE + "/x/y?z=1"), response=None)
    assert path_of(bare) == "/x/y"
