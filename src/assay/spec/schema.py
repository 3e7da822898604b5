"""Bring OpenAPI 3.0 / Swagger 2.0 schema dialects to one JSON Schema shape (the 3.1 one).

After this, consumers see: ``type`` as a string, or a list only when ``"null"`` is allowed;
no ``nullable``/``x-nullable``; numeric ``exclusiveMinimum``/``exclusiveMaximum``; Swagger's
``type: file`` as a binary string.
"""

from __future__ import annotations

from assay.domain.json import Json, JsonObject

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLES = ("items", "additionalProperties", "not", "contains", "if", "then", "else",
                   "propertyNames", "unevaluatedProperties", "unevaluatedItems")  # fmt: skip


def normalize_schema(schema: Json) -> JsonObject:
    """A normalized copy of ``schema`` (a non-map becomes the empty, accept-anything schema)."""
    if not isinstance(schema, dict):
        return {}
    out: JsonObject = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: normalize_schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [normalize_schema(sub) for sub in value]
        elif key in _SCHEMA_SINGLES and isinstance(value, dict):
            out[key] = normalize_schema(value)
        elif key == "items" and isinstance(value, list):
            out["prefixItems"] = [normalize_schema(sub) for sub in value]
        else:
            out[key] = value
    _fix_file_type(out)
    _fix_exclusive(out, "exclusiveMinimum", "minimum")
    _fix_exclusive(out, "exclusiveMaximum", "maximum")
    _fix_type_list(out)
    return _fix_nullable(out)


def _fix_file_type(schema: JsonObject) -> None:
    if schema.get("type") == "file":
        schema["type"] = "string"
        schema["format"] = "binary"


def _fix_exclusive(schema: JsonObject, exclusive: str, bound: str) -> None:
    flag = schema.get(exclusive)
    if not isinstance(flag, bool):
        return
    del schema[exclusive]
    limit = schema.get(bound)
    if flag and isinstance(limit, int | float) and not isinstance(limit, bool):
        schema[exclusive] = limit
        del schema[bound]


def _fix_type_list(schema: JsonObject) -> None:
    kind = schema.get("type")
    if not isinstance(kind, list):
        return
    names = [k for k in kind if isinstance(k, str)]
    deduped = list(dict.fromkeys(names))
    if len(deduped) == 1:
        schema["type"] = deduped[0]
    else:
        # "null" last, so type[0] is the interesting one for generators that only look there.
        ordered: list[Json] = [k for k in deduped if k != "null"]
        schema["type"] = ordered + (["null"] if "null" in deduped else [])


def _fix_nullable(schema: JsonObject) -> JsonObject:
    nullable = schema.pop("nullable", None)
    x_nullable = schema.pop("x-nullable", None)
    if nullable is not True and x_nullable is not True:
        return schema
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"] if kind != "null" else "null"
        if "enum" in schema and isinstance(schema["enum"], list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if isinstance(kind, list):
        if "null" not in kind:
            schema["type"] = [*kind, "null"]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def schema_types(schema: JsonObject) -> tuple[str, ...]:
    """The non-null types a normalized schema allows, following one level of allOf/anyOf/oneOf."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return () if kind == "null" else (kind,)
    if isinstance(kind, list):
        return tuple(k for k in kind if isinstance(k, str) and k != "null")
    found: list[str] = []
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in _sub_schemas(schema, key):
            found.extend(schema_types(sub))
    if not found and isinstance(schema.get("properties"), dict):
        found.append("object")
    return tuple(dict.fromkeys(found))


def object_properties(schema: JsonObject) -> dict[str, JsonObject]:
    """The properties of an object schema, merging allOf parts and a nullable anyOf wrapper."""
    props: dict[str, JsonObject] = {}
    raw = schema.get("properties")
    if isinstance(raw, dict):
        props.update({k: v for k, v in raw.items() if isinstance(v, dict)})
    for key in ("allOf", "anyOf", "oneOf"):
        parts = _sub_schemas(schema, key)
        if key != "allOf" and len([p for p in parts if p.get("type") != "null"]) > 1:
            continue  # a real union: its members' properties are not all there at once
        for sub in parts:
            props.update({k: v for k, v in object_properties(sub).items() if k not in props})
    return props


def required_fields(schema: JsonObject) -> tuple[str, ...]:
    """The ``required`` list, including those of allOf parts."""
    raw = schema.get("required")
    names = [r for r in raw if isinstance(r, str)] if isinstance(raw, list) else []
    for sub in _sub_schemas(schema, "allOf"):
        names.extend(required_fields(sub))
    return tuple(dict.fromkeys(names))


def _sub_schemas(schema: JsonObject, key: str) -> list[JsonObject]:
    parts = schema.get(key)
    return [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []
