"""spec_drift: a spec-valid request rejected, with the field the server wanted named."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.json import JsonObject, dig
from assay.domain.operations import Parameter
from assay.domain.scenarios import Expectation
from assay.oracles import spec_drift
from assay.oracles.spec_drift import body_field_status, complaints

KITS = "/api/v1/agent_kits/"
KIT_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "config": {"type": "object", "properties": {"primary_objective": {"type": "string"}}},
    },
}
REGISTER_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["email", "password"],
    "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
}
API = api_model(
    operation(
        "POST", KITS, {"201": {"type": "object"}}, summary="Create agent kit", request_schema=KIT_SCHEMA
    ),
    operation("POST", "/auth/register", request_schema=REGISTER_SCHEMA),
    operation(
        "GET",
        "/items",
        parameters=(Parameter("limit", "query", required=False, schema={"type": "integer"}),),
    ),
)
FASTAPI_MISSING: JsonObject = {
    "detail": [
        {
            "type": "missing",
            "loc": ["body", "config", "primary_objective"],
            "msg": "Field required",
            "input": {},
        }
    ]
}


def test_seed_000_undocumented_required_nested_field() -> None:
    ex = exchange("POST", KITS, 422, FASTAPI_MISSING, request_body={"name": "kit", "config": {}})
    [finding] = spec_drift.judge([ex], API, CTX)
    assert finding.category == "spec_drift"
    assert finding.severity == "high"
    assert "requires `config.primary_objective`, which the spec calls optional" in finding.title
    assert finding.title.startswith("Create agent kit")
    assert "config.primary_objective" in finding.recommendation
    assert dig(finding.evidence, "response.body") == FASTAPI_MISSING


def test_field_the_spec_does_not_document_drf_style() -> None:
    body: JsonObject = {"tenant": ["This field is required."]}
    ex = exchange("POST", KITS, 400, body, request_body={"name": "kit"})
    [finding] = spec_drift.judge([ex], API, CTX)
    assert "requires `tenant`, which the spec does not document" in finding.title


def test_plain_message_naming_a_field() -> None:
    ex = exchange("POST", KITS, 400, {"message": "description is required"}, request_body={"name": "kit"})
    [finding] = spec_drift.judge([ex], API, CTX)
    assert "`description`, which the spec calls optional" in finding.title


def test_optional_query_parameter_required_by_the_server() -> None:
    body: JsonObject = {"detail": [{"type": "missing", "loc": ["query", "limit"], "msg": "Field required"}]}
    [finding] = spec_drift.judge([exchange("GET", "/items", 422, body)], API, CTX)
    assert "query parameter `limit`, which the spec calls optional" in finding.title


def test_value_rejected_and_unnamed_rejections_are_medium() -> None:
    typed: JsonObject = {
        "detail": [{"type": "string_too_short", "loc": ["body", "name"], "msg": "too short"}]
    }
    [named] = spec_drift.judge([exchange("POST", KITS, 422, typed, request_body={"name": "k"})], API, CTX)
    assert named.severity == "medium" and "rejects `name`" in named.title
    bare = exchange(
        "POST", KITS, 400, text="Bad Request", content_type="text/plain", request_body={"name": "k"}
    )
    [unnamed] = spec_drift.judge([bare], API, CTX)
    assert unnamed.title == "Create agent kit rejects spec-valid requests with 400"


def test_rejections_about_our_data_or_our_own_request_are_quiet() -> None:
    duplicate = exchange(
        "POST", "/auth/register", 400, {"detail": "Email already registered"}, request_body={"email": "a@b.c"}
    )
    omitted = exchange(
        "POST",
        "/auth/register",
        422,
        {"detail": [{"type": "missing", "loc": ["body", "password"], "msg": "Field required"}]},
        request_body={"email": "a@b.c"},
    )
    wrong_type = exchange(
        "POST",
        KITS,
        422,
        {
            "detail": [
                {"type": "string_type", "loc": ["body", "name"], "msg": "Input should be a valid string"}
            ]
        },
        request_body={"name": 5},
    )
    made_up_code = exchange(
        "POST", KITS, 400, {"detail": "Invalid or expired reset code"}, request_body={"name": "k"}
    )
    assert spec_drift.judge([duplicate, omitted, wrong_type, made_up_code], API, CTX) == []


def test_invalid_no_auth_expected_and_undocumented_are_quiet() -> None:
    exchanges = [
        exchange("POST", KITS, 422, FASTAPI_MISSING, request_body={}, intent="invalid"),
        exchange(
            "POST", KITS, 401, {"detail": "Not authenticated"}, request_body={"name": "k"}, intent="no_auth"
        ),
        exchange("POST", KITS, 400, {}, request_body={"name": "k"}, expect=Expectation(statuses=(400,))),
        exchange("POST", "/other", 400, {"message": "x is required"}, request_body={}, documented=False),
        exchange("POST", KITS, 201, {"id": 1}, request_body={"name": "k"}),
    ]
    assert spec_drift.judge(exchanges, API, CTX) == []


def test_complaint_parsing_and_schema_lookup() -> None:
    ex = exchange("POST", KITS, 400, {"error": "'title' is a required property"}, request_body={})
    [complaint] = complaints(ex)
    assert complaint.field == "title" and complaint.missing
    all_of: JsonObject = {"allOf": [{"properties": {"a": {"type": "string"}}, "required": ["a"]}]}
    assert body_field_status(all_of, "a") == "required"
    assert body_field_status(KIT_SCHEMA, "config.primary_objective") == "optional"
    assert body_field_status(KIT_SCHEMA, "config.other") == "undocumented"
    assert body_field_status({"type": "object"}, "anything") == "unknown"
