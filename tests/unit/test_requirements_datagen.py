"""Deterministic test data from JSON Schema, checked against the schema with jsonschema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from assay.agents.requirements import variants
from assay.domain.json import Json, JsonObject
from assay.domain.ledger import fresh_password
from assay.spec.datagen import minimal_body, valid_body, value_for
from assay.spec.patterns import from_pattern
from assay.spec.values import NEW_PASSWORD, UNIQUE


def concrete(value: Json) -> Json:
    """The value as a run sends it: ${unique} replaced by a token."""
    restored: Json = json.loads(json.dumps(value).replace(UNIQUE, "tok123"))
    return restored


def assert_valid(schema: JsonObject, value: Json) -> None:
    jsonschema.validate(concrete(value), schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "email"},
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "format": "uri"},
        {"type": "string", "format": "ipv4"},
        {"type": "string", "format": "ipv6"},
        {"type": "string", "minLength": 30},
        {"type": "string", "maxLength": 3},
        {"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"},
        {"type": "string", "pattern": r"^[a-z0-9_-]{3,16}$"},
        {"type": "string", "pattern": r"^(draft|final)$"},
        {"type": "integer", "minimum": 10, "maximum": 20},
        {"type": "integer", "exclusiveMinimum": 5, "maximum": 6},
        {"type": "number", "minimum": 0.5, "maximum": 0.7},
        {"type": "integer", "multipleOf": 7, "minimum": 8},
        {"type": "string", "enum": ["red", "green"]},
        {"const": 3},
        {"type": "array", "minItems": 3, "items": {"type": "integer"}},
        {"type": ["string", "null"], "format": "date"},
        {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 4}]},
        {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer"}]},
        {
            "allOf": [
                {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                {"properties": {"b": {"type": "boolean"}}, "required": ["b"]},
            ]
        },
    ],
)
def test_generated_values_satisfy_their_schema(schema: JsonObject) -> None:
    assert_valid(schema, value_for(schema))


def test_same_schema_gives_same_value() -> None:
    schema: JsonObject = {
        "type": "object",
        "required": ["id", "email", "when"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "email": {"type": "string", "format": "email"},
            "when": {"type": "string", "format": "date-time"},
        },
    }
    assert valid_body(schema) == valid_body(json.loads(json.dumps(schema)))


def test_documented_values_win_unless_the_field_must_be_unique() -> None:
    assert value_for({"type": "string", "default": "eu-west"}, "region") == "eu-west"
    assert value_for({"type": "integer", "example": 42}) == 42
    assert value_for({"type": "string", "examples": ["x1"]}, "code") == "x1"
    assert value_for({"type": "string", "enum": ["b", "c"], "default": "c"}) == "b"
    # An example email would collide with itself on the second run.
    email = value_for({"type": "string", "format": "email", "example": "user@example.com"}, "email")
    assert email != "user@example.com" and UNIQUE in str(email)


def test_field_names_make_values_realistic() -> None:
    # Passwords are the run's own random one, filled in at run time: never a literal.
    assert value_for({"type": "string"}, "password") == NEW_PASSWORD == "${new_password}"
    password = fresh_password()
    assert re.search(r"[A-Z]", password) and re.search(r"\d", password) and password != fresh_password()
    assert re.search(r"[^A-Za-z0-9]", password) and len(password) >= 12
    assert str(value_for({"type": "string"}, "website_url")).startswith("https://")
    assert str(value_for({"type": "string"}, "phone")).startswith("+")
    for name in ("email", "username", "name", "title", "slug"):
        assert UNIQUE in str(value_for({"type": "string"}, name)), name
    assert UNIQUE not in str(value_for({"type": "string"}, "description"))


def test_unique_token_dropped_when_max_length_leaves_no_room() -> None:
    value = value_for({"type": "string", "maxLength": 10}, "name")
    assert isinstance(value, str) and UNIQUE not in value and len(value) <= 10


def test_object_has_required_and_telling_optional_but_no_read_only() -> None:
    schema: JsonObject = {
        "type": "object",
        "required": ["name", "config"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "internal_flag": {"type": "boolean"},
            "config": {
                "type": "object",
                "required": ["primary_objective"],
                "properties": {"primary_objective": {"type": "string"}, "triggers": {"type": "array"}},
            },
        },
    }
    body = valid_body(schema)
    assert isinstance(body, dict)
    assert set(body) == {"name", "config", "description"}
    assert body["config"] == {"primary_objective": "Answer customer questions accurately"}
    assert minimal_body(schema) == {"name": body["name"], "config": body["config"]}
    assert_valid(schema, body)


def test_pattern_generator_handles_common_shapes_and_gives_up_on_lookaround() -> None:
    assert from_pattern(r"^\d{5}(-\d{4})?$") == "00000-0000"
    assert from_pattern(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$") is not None
    assert from_pattern(r"^(?=.*\d).+$") is None
    # A pattern the generator cannot satisfy falls back to a named value, never crashes.
    assert isinstance(value_for({"type": "string", "pattern": r"^(?!x)\w+$"}, "code"), str)


def test_missing_required_variants_cover_nested_required_fields() -> None:
    schema: JsonObject = {
        "type": "object",
        "required": ["name", "config"],
        "properties": {
            "name": {"type": "string"},
            "config": {"type": "object", "required": ["goal"], "properties": {"goal": {"type": "string"}}},
        },
    }
    body = valid_body(schema)
    found = variants.missing_required(schema, body)
    assert [v.field for v in found] == ["name", "config", "config.goal"]
    for v in found:
        assert not v.valid
        with pytest.raises(jsonschema.ValidationError):
            assert_valid(schema, v.body)
    assert isinstance(body, dict)
    assert found[2].body == {"name": body["name"], "config": {}}


def test_wrong_type_variants_are_rejected_by_the_schema_and_capped() -> None:
    schema: JsonObject = {
        "type": "object",
        "required": ["a", "b", "c", "d"],
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "integer"},
            "c": {"type": "boolean"},
            "d": {"type": "array", "items": {"type": "string"}},
        },
    }
    body = valid_body(schema)
    found = variants.wrong_types(schema, body, limit=3)
    assert [v.field for v in found] == ["a", "b", "c"]
    for v in found:
        with pytest.raises(jsonschema.ValidationError):
            assert_valid(schema, v.body)


def test_boundary_variants_say_truthfully_whether_the_schema_accepts_them() -> None:
    schema: JsonObject = {
        "type": "object",
        "required": ["name", "age"],
        "properties": {
            "name": {"type": "string", "minLength": 2, "maxLength": 5},
            "age": {"type": "integer", "minimum": 18, "maximum": 99},
        },
    }
    body = valid_body(schema)
    found = variants.boundaries(schema, body, limit=20)
    assert len(found) == 8
    for v in found:
        if v.valid:
            assert_valid(schema, v.body)
        else:
            with pytest.raises(jsonschema.ValidationError):
                assert_valid(schema, v.body)
    capped = variants.boundaries(schema, body, limit=3)
    assert len(capped) == 3 and sum(v.valid for v in capped) == 1


def test_exclusive_bounds_in_openapi_30_spelling() -> None:
    schema: JsonObject = {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "maximum": 1}
    assert value_for(schema) == 1
    edges = variants.boundaries({"type": "object", "properties": {"n": schema}}, {"n": 1}, limit=10)
    assert {(v.value, v.valid) for v in edges} == {(0, False), (1, True), (2, False)}
