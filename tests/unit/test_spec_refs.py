"""Inlining local $refs: recursion, dangling refs, escaping, siblings."""

from __future__ import annotations

import pytest

from assay.domain.errors import SpecRefError
from assay.domain.json import JsonObject, dig
from assay.spec.refs import RECURSIVE_MARKER, SCHEMA_NAME, resolve_pointer, resolve_refs


def _doc(schema: JsonObject, schemas: JsonObject, version: str = "3.0.3") -> JsonObject:
    response: JsonObject = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    return {
        "openapi": version,
        "paths": {"/x": {"get": {"responses": {"200": response}}}},
        "components": {"schemas": schemas},
    }


def _schema(doc: JsonObject) -> JsonObject:
    found = dig(doc, "paths./x.get.responses.200.content.application/json.schema")
    assert isinstance(found, dict)
    return found


def test_inlines_and_keeps_the_schema_name() -> None:
    doc = _doc({"$ref": "#/components/schemas/Item"}, {"Item": {"type": "object", "properties": {"id": {}}}})
    schema = _schema(resolve_refs(doc))
    assert schema["type"] == "object"
    assert schema[SCHEMA_NAME] == "Item"


def test_recursive_schema_is_cut_with_a_marker() -> None:
    node: JsonObject = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
    }
    schema = _schema(resolve_refs(_doc({"$ref": "#/components/schemas/Node"}, {"Node": node})))
    child = dig(schema, "properties.children.items")
    assert child == {RECURSIVE_MARKER: "#/components/schemas/Node", SCHEMA_NAME: "Node"}


def test_mutual_recursion_terminates() -> None:
    schemas: JsonObject = {
        "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    schema = _schema(resolve_refs(_doc({"$ref": "#/components/schemas/A"}, schemas)))
    assert dig(schema, f"properties.b.properties.a.{RECURSIVE_MARKER}") == "#/components/schemas/A"


def test_dangling_ref_names_the_ref_and_where_it_was_used() -> None:
    doc = _doc({"$ref": "#/components/schemas/Missing"}, {})
    with pytest.raises(SpecRefError) as err:
        resolve_refs(doc)
    assert "#/components/schemas/Missing" in str(err.value)
    assert "#/paths/~1x/get/responses/200" in str(err.value)


def test_pointer_escaping() -> None:
    doc: JsonObject = {"a/b": {"c~d": {"e f": 1}}}
    assert resolve_pointer(doc, "#/a~1b/c~0d/e%20f") == 1


def test_siblings_merge_in_31_but_are_ignored_in_30() -> None:
    schemas: JsonObject = {"Id": {"type": "string"}}
    holder: JsonObject = {"$ref": "#/components/schemas/Id", "description": "the id", "maxLength": 5}
    in_31 = _schema(resolve_refs(_doc(holder, schemas, "3.1.0")))
    assert in_31["allOf"] == [
        {SCHEMA_NAME: "Id", "type": "string", "description": "the id"},
        {"maxLength": 5},
    ]
    in_30 = _schema(resolve_refs(_doc(holder, schemas)))
    assert in_30 == {SCHEMA_NAME: "Id", "type": "string"}


def test_external_ref_becomes_a_marker() -> None:
    schema = _schema(resolve_refs(_doc({"$ref": "other.yaml#/Thing"}, {})))
    assert schema == {"x-assay-external-ref": "other.yaml#/Thing"}


def test_unused_broken_component_is_not_an_error() -> None:
    doc = _doc({"type": "string"}, {"Broken": {"$ref": "#/components/schemas/Nowhere"}})
    assert _schema(resolve_refs(doc)) == {"type": "string"}


def test_shared_schema_is_expanded_once_per_use_without_blowup() -> None:
    schemas: JsonObject = {"L0": {"type": "string"}}
    for level in range(1, 25):
        ref = f"#/components/schemas/L{level - 1}"
        schemas[f"L{level}"] = {"properties": {"a": {"$ref": ref}, "b": {"$ref": ref}}}
    schema = _schema(resolve_refs(_doc({"$ref": "#/components/schemas/L24"}, schemas)))
    assert schema[SCHEMA_NAME] == "L24"
