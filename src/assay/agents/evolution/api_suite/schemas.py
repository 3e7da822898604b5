"""Documented response schemas, made embeddable as JSON Schema literals in generated tests."""

from __future__ import annotations

import json

from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel
from assay.domain.scenarios import Action


def to_json_schema(schema: Json) -> Json:
    """OpenAPI 3.0 schema keywords rewritten into their JSON Schema meaning.

    ``nullable: true`` becomes a ``null`` type, boolean ``exclusiveMinimum``/``Maximum`` become
    numeric ones, and OpenAPI-only keywords (``example``, ``xml`` ...) are dropped.
    """
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: JsonObject = {
        k: to_json_schema(v) for k, v in schema.items() if k not in ("example", "xml", "discriminator")
    }
    if out.pop("nullable", False) is True:
        out = _nullable(out)
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = out.get(bound)
        if isinstance(flag, bool):
            out.pop(bound)
            if flag and plain in out:
                out[bound] = out.pop(plain)
    return out


def _nullable(schema: JsonObject) -> JsonObject:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**schema, "type": [*kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _embeddable(schema: Json) -> bool:
    """Schemas with unresolved ``$ref`` cannot be checked on their own."""
    return '"$ref"' not in json.dumps(schema)


def response_schemas(action: Action, api: ApiModel | None) -> JsonObject:
    """Documented schemas for the statuses the action accepts: ``{"201": {...}, "2XX": {...}}``."""
    op = api.operation(action.request.operation) if api else None
    if op is None:
        return {}
    expect = action.expect
    classes = set(expect.status_classes) | {s // 100 for s in expect.statuses}
    out: JsonObject = {}
    for response in op.responses:
        status = response.status.upper()
        if not response.schema or not _embeddable(response.schema):
            continue
        if response.content_type and "json" not in response.content_type:
            continue
        exact = status.isdigit() and expect.accepts(int(status))
        ranged = status.endswith("XX") and status[0].isdigit() and int(status[0]) in classes
        if exact or ranged:
            out[status] = to_json_schema(response.schema)
    return out
