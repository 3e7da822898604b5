"""response_schema: documented responses validated, undocumented ones left to spec_quality."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.json import JsonObject
from assay.domain.scenarios import Expectation
from assay.oracles import response_schema
from assay.oracles.response_schema import to_json_schema, validate

RESULT = "/v1/experiments/{run_id}/result"
RESULT_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["status", "message"],
    "properties": {"status": {"type": "string"}, "message": {"type": "string"}},
}
LIST_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
        }
    },
}


def test_seed_001_missing_required_field() -> None:
    api = api_model(operation("GET", RESULT, {"200": RESULT_SCHEMA}, summary="Get experiment result"))
    ex = exchange("GET", RESULT, 200, {"status": "done"}, path="/v1/experiments/r1/result")
    [finding] = response_schema.judge([ex], api, CTX)
    assert finding.category == "response_schema"
    assert finding.severity == "medium"
    assert finding.title == "Get experiment result: response missing required field 'message'"
    assert finding.evidence["violations"] == ["response missing required field 'message'"]
    assert "required" in finding.recommendation


def test_violations_carry_json_paths() -> None:
    api = api_model(operation("GET", "/things", {"200": LIST_SCHEMA}))
    ex = exchange("GET", "/things", 200, {"items": [{"id": 1}, {"id": "two"}]})
    [finding] = response_schema.judge([ex], api, CTX)
    assert finding.evidence["violations"] == ["$.items[1].id: 'two' is not of type 'integer'"]


def test_nullable_in_30_and_swagger_2_and_31_type_lists() -> None:
    nullable: JsonObject = {"type": "object", "properties": {"n": {"type": "string", "nullable": True}}}
    x_nullable: JsonObject = {"type": "object", "properties": {"n": {"type": "string", "x-nullable": True}}}
    plain: JsonObject = {"type": "object", "properties": {"n": {"type": "string"}}}
    listed: JsonObject = {"type": "object", "properties": {"n": {"type": ["string", "null"]}}}
    assert validate(nullable, {"n": None}, "3.0.3") == []
    assert validate(x_nullable, {"n": None}, "2.0") == []
    assert validate(listed, {"n": None}, "3.1.0") == []
    assert [v.message for v in validate(plain, {"n": None}, "3.0.3") or []] == [
        "$.n: None is not of type 'string'"
    ]


def test_enum_nullable_write_only_and_file_conversions() -> None:
    converted = to_json_schema(
        {
            "type": "object",
            "required": ["password", "name"],
            "properties": {
                "password": {"type": "string", "writeOnly": True},
                "name": {"type": "string", "enum": ["a"], "nullable": True},
                "upload": {"type": "file"},
            },
        }
    )
    assert converted == {
        "type": "object",
        "required": ["name"],
        "properties": {
            "password": {"type": "string", "writeOnly": True},
            "name": {"type": ["string", "null"], "enum": ["a", None]},
            "upload": {},
        },
    }


def test_content_type_mismatch_and_non_json_bodies() -> None:
    api = api_model(operation("GET", "/things", {"200": LIST_SCHEMA}))
    html = exchange("GET", "/things", 200, text="<html>login</html>", content_type="text/html")
    [finding] = response_schema.judge([html], api, CTX)
    assert finding.title == "GET /things: documented application/json, got `text/html`"
    broken = exchange("GET", "/things", 200, text="{oops", content_type="application/json")
    [bad] = response_schema.judge([broken], api, CTX)
    assert "not valid JSON" in bad.title


def test_status_selection_exact_then_class_then_default() -> None:
    by_class = api_model(operation("GET", "/things", {"2XX": RESULT_SCHEMA}))
    by_default = api_model(operation("GET", "/things", {"default": RESULT_SCHEMA}))
    ex = exchange("GET", "/things", 200, {"status": "x"})
    assert len(response_schema.judge([ex], by_class, CTX)) == 1
    assert len(response_schema.judge([ex], by_default, CTX)) == 1
    # "default" documents errors too often to judge a 4xx by it.
    not_found = exchange("GET", "/things", 404, {"detail": "Not Found"}, intent="invalid")
    assert response_schema.judge([not_found], by_default, CTX) == []


def test_documented_4xx_bodies_are_validated_at_low_severity() -> None:
    error_schema: JsonObject = {"type": "object", "required": ["detail"], "properties": {"detail": {}}}
    api = api_model(operation("POST", "/things", {"201": {"type": "object"}, "422": error_schema}))
    ex = exchange("POST", "/things", 422, {"error": "bad"}, request_body={}, intent="invalid")
    [finding] = response_schema.judge([ex], api, CTX)
    assert finding.severity == "low"


def test_quiet_on_healthy_and_trap_responses() -> None:
    api = api_model(
        operation("GET", "/things", {"200": LIST_SCHEMA}),
        operation("DELETE", "/things/{id}", {"204": None}),
        operation("GET", "/page", {"200": {"type": "string"}}, content_type="text/html"),
        operation("GET", "/untyped", {"200": None}),
        operation("GET", "/ref", {"200": {"$ref": "#/components/schemas/Missing"}}),
        operation("GET", "/fmt", {"200": {"type": "string", "format": "made-up"}}),
        operation(
            "GET",
            "/secret",
            {"200": {"type": "object", "required": ["pw"], "properties": {"pw": {"writeOnly": True}}}},
        ),
    )
    exchanges = [
        exchange("GET", "/things", 200, {"items": [{"id": 1}]}),
        exchange("DELETE", "/things/{id}", 204, path="/things/1", content_type=None),
        exchange("GET", "/page", 200, text="<html>hi</html>", content_type="text/html; charset=utf-8"),
        exchange("GET", "/untyped", 200, {"anything": True}),
        exchange("GET", "/ref", 200, {"x": 1}),
        exchange("GET", "/fmt", 200, "whatever"),
        exchange("GET", "/secret", 200, {}),
        exchange("GET", "/things", 404, {"detail": "Not Found"}, expect=Expectation(statuses=(404,))),
        exchange("GET", "/things", 401, {"detail": "Not authenticated"}, intent="no_auth"),
        exchange("GET", "/things", 200, {"items": "no"}, expect=Expectation(validate_schema=False)),
        exchange("GET", "/things", 500, {"items": "no"}),
        exchange("GET", "/things", 200, {"items": "no"}, documented=False),
    ]
    assert response_schema.judge(exchanges, api, CTX) == []
    assert response_schema.judge(exchanges, None, CTX) == []


def test_formats_checked_are_the_unambiguous_ones() -> None:
    uuid: JsonObject = {"type": "string", "format": "uuid"}
    stamp: JsonObject = {"type": "string", "format": "date-time"}
    assert validate(uuid, "not-a-uuid", "3.0.3")
    assert validate(stamp, "2024-01-01T10:00:00", "3.0.3") == []


def test_a_body_cut_at_the_size_cap_is_not_judged() -> None:
    from dataclasses import replace

    api = api_model(operation("GET", "/things", {"200": LIST_SCHEMA}))
    start = '{"items": [{"id": 1}, {"id"'
    broken = exchange("GET", "/things", 200, text=start, content_type="application/json")
    assert broken.response is not None
    cut = replace(broken, response=replace(broken.response, truncated=True))
    assert response_schema.judge([cut], api, CTX) == []
    assert response_schema.judge([broken], api, CTX)  # the same text, whole, is a fault
