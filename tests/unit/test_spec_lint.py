"""The spec lint: real weaknesses reported, fair cases left alone."""

from __future__ import annotations

from assay.domain.json import JsonObject
from assay.domain.operations import Operation, ResponseSpec, SecurityScheme
from assay.spec.lint import lint_operations
from assay.spec.refs import SCHEMA_NAME

TYPED: JsonObject = {"type": "object", "properties": {"id": {"type": "integer"}}}


def _op(
    method: str, path: str, *responses: ResponseSpec, op_id: str | None = "x", security: tuple[str, ...] = ()
) -> Operation:
    return Operation(method, path, operation_id=op_id, responses=responses, security=security)  # type: ignore[arg-type]


def _json(status: str, schema: JsonObject | None) -> ResponseSpec:
    return ResponseSpec(
        status, content_type="application/json" if schema is not None else None, schema=schema
    )


def _kinds(*ops: Operation, schemes: tuple[SecurityScheme, ...] = ()) -> list[tuple[str, str | None]]:
    return [(i.kind, i.operation) for i in lint_operations(ops, schemes)]


def test_untyped_and_missing_schemas() -> None:
    assert _kinds(_op("GET", "/a", _json("200", {}))) == [("untyped_response", "GET /a")]
    assert _kinds(_op("GET", "/b", _json("200", {"type": "object"}))) == [("untyped_response", "GET /b")]
    additional: JsonObject = {"type": "object", "additionalProperties": True}
    assert _kinds(_op("GET", "/c", _json("200", additional))) == [("untyped_response", "GET /c")]
    assert _kinds(_op("GET", "/d", _json("200", None))) == [("missing_schema", "GET /d")]


def test_typed_maps_arrays_and_scalars_are_fine() -> None:
    typed_map: JsonObject = {"type": "object", "additionalProperties": {"type": "integer"}}
    ops = (
        _op("GET", "/a", _json("200", TYPED)),
        _op("GET", "/b", _json("200", typed_map), op_id="b"),
        _op("GET", "/c", _json("200", {"type": "array", "items": TYPED}), op_id="c"),
        _op("GET", "/d", _json("200", {"type": "string"}), op_id="d"),
    )
    assert _kinds(*ops) == []


def test_fair_cases_need_no_schema() -> None:
    ops = (
        _op("DELETE", "/a/{id}", ResponseSpec("204"), op_id="a"),
        _op("DELETE", "/b/{id}", ResponseSpec("200"), op_id="b"),
        _op("DELETE", "/b2/{id}", _json("200", {}), op_id="b2"),
        _op("GET", "/c.txt", ResponseSpec("200", content_type="text/plain"), op_id="c"),
        _op("GET", "/d", ResponseSpec("200", content_type="application/octet-stream"), op_id="d"),
        _op("GET", "/old", ResponseSpec("301"), op_id="e"),
        _op("POST", "/f", ResponseSpec("202"), op_id="f"),
    )
    assert _kinds(*ops) == []


def test_placeholder_schema_names() -> None:
    for name in ("TODOSchema", "Placeholder", "Any", "AnyObject", "FIXME_model"):
        schema: JsonObject = {**TYPED, SCHEMA_NAME: name}
        assert _kinds(_op("GET", "/a", _json("200", schema))) == [("placeholder_schema", "GET /a")]
    for fine in ("Company", "TodoResponse", "Todo", "ObjectSummary"):
        assert _kinds(_op("GET", "/a", _json("200", {**TYPED, "title": fine}))) == []


def test_operation_ids_missing_and_duplicated() -> None:
    ops = (
        _op("GET", "/a", _json("200", TYPED), op_id=None),
        _op("GET", "/b", _json("200", TYPED), op_id="get"),
        _op("GET", "/c", _json("200", TYPED), op_id="get"),
    )
    assert _kinds(*ops) == [("missing_operation_id", "GET /a"), ("duplicate_operation_id", "GET /c")]


def test_no_success_response() -> None:
    assert _kinds(_op("GET", "/a", ResponseSpec("default"), ResponseSpec("404"))) == [
        ("no_success_response", "GET /a")
    ]


def test_undocumented_auth_only_without_schemes() -> None:
    op = _op("GET", "/a", _json("200", TYPED), ResponseSpec("401"))
    assert _kinds(op) == [("undocumented_auth", "GET /a")]
    assert _kinds(op, schemes=(SecurityScheme("b", "http_bearer"),)) == []
