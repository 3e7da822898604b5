"""Deterministic test data from JSON Schema: the same schema always yields the same value.

Schemas arrive with ``$ref`` already resolved. Values honour type, format, enum, const, default,
examples, length and numeric limits, patterns, arrays, nested objects and composition. Strings a
server keeps unique carry ``${unique}`` (see assay.domain.scenarios on placeholders).
"""

from __future__ import annotations

from assay.domain.json import Json, JsonObject, as_list, as_object
from assay.spec.values import number_for, string_for, wants_unique

_MAX_DEPTH = 6
_MAX_OPTIONAL = 4
# Optional properties worth sending even though not required: they make data look real.
_WORTHY_OPTIONAL = ("name", "title", "description", "email", "content", "primary_objective")


def schema_types(schema: JsonObject) -> list[str]:
    """The schema's declared types; inferred from its keywords when ``type`` is absent."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    if "properties" in schema or "additionalProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return ["string"]
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return ["number"]
    return []


def main_type(schema: JsonObject) -> str | None:
    """The first non-null type, which is what we generate."""
    return next((t for t in schema_types(schema) if t != "null"), None)


def is_nullable(schema: JsonObject) -> bool:
    return schema.get("nullable") is True or "null" in schema_types(schema)


def merge_all_of(schema: JsonObject) -> JsonObject:
    """Fold ``allOf`` parts into one schema: properties and required lists are unioned."""
    parts = [as_object(p) for p in as_list(schema.get("allOf"))]
    if not parts:
        return schema
    merged: JsonObject = {k: v for k, v in schema.items() if k != "allOf"}
    props = dict(as_object(merged.get("properties")))
    required = [r for r in as_list(merged.get("required")) if isinstance(r, str)]
    for part in (merge_all_of(p) for p in parts):
        for key, value in part.items():
            if key == "properties":
                props.update(as_object(value))
            elif key == "required":
                required += [r for r in as_list(value) if isinstance(r, str) and r not in required]
            else:
                merged.setdefault(key, value)
    if props:
        merged["properties"] = props
    if required:
        merged["required"] = list(dict.fromkeys(required))
    return merged


def resolve(schema: JsonObject) -> JsonObject:
    """The concrete schema to generate from: allOf merged, the first viable oneOf/anyOf chosen."""
    schema = merge_all_of(schema)
    for key in ("oneOf", "anyOf"):
        options = [as_object(o) for o in as_list(schema.get(key))]
        viable = [o for o in options if schema_types(merge_all_of(o)) != ["null"]]
        if viable:
            base: JsonObject = {k: v for k, v in schema.items() if k != key}
            base.update(resolve(viable[0]))
            return base
    return schema


def properties(schema: JsonObject) -> dict[str, JsonObject]:
    return {k: as_object(v) for k, v in as_object(schema.get("properties")).items()}


def required_names(schema: JsonObject) -> list[str]:
    return [r for r in as_list(schema.get("required")) if isinstance(r, str)]


def _documented(schema: JsonObject) -> tuple[bool, Json]:
    """A value the spec itself offers: const, default, example(s), the first enum member."""
    if "const" in schema:
        return True, schema["const"]
    if "enum" in schema:
        non_null = [e for e in as_list(schema.get("enum")) if e is not None]
        if non_null:
            return True, non_null[0]
    for key in ("example", "default"):
        if key in schema and schema[key] is not None:
            return True, schema[key]
    examples = as_list(schema.get("examples"))
    if examples:
        return True, examples[0]
    return False, None


def value_for(schema: JsonObject, name: str = "", salt: str = "", *, depth: int = 0) -> Json:
    """A valid value for ``schema``; ``name`` is the field's name, used for realism."""
    schema = resolve(schema)
    found, value = _documented(schema)
    # An example email or name would collide on the second run; our own carries ${unique}.
    if found and not (isinstance(value, str) and wants_unique(name) and "enum" not in schema):
        return value
    kind = main_type(schema)
    if kind == "object" or (kind is None and "properties" in schema):
        return object_for(schema, salt, depth=depth, minimal=False)
    if kind == "array":
        return array_for(schema, name, salt, depth=depth)
    if kind in ("integer", "number"):
        return number_for(schema, name, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind is None and is_nullable(schema) and schema_types(schema):
        return None
    return string_for(schema, name, salt)


def array_for(schema: JsonObject, name: str, salt: str, *, depth: int) -> Json:
    min_items = schema.get("minItems")
    count = max(min_items if isinstance(min_items, int) else 0, 1)
    if depth >= _MAX_DEPTH:
        return []
    items = as_object(schema.get("items"))
    item_name = name[:-1] if name.endswith("s") else name
    values = [
        value_for(items, item_name, f"{salt}-{i}" if i else salt, depth=depth + 1) for i in range(count)
    ]
    if schema.get("uniqueItems") is True and len({repr(v) for v in values}) < len(values):
        return values[:1]
    return values


def _chosen_optional(schema: JsonObject) -> list[str]:
    props = properties(schema)
    required = set(required_names(schema))
    chosen = [
        k
        for k, p in props.items()
        if k not in required and (k.lower() in _WORTHY_OPTIONAL or _documented(resolve(p))[0])
    ]
    return chosen[:_MAX_OPTIONAL]


def object_for(schema: JsonObject, salt: str = "", *, depth: int = 0, minimal: bool = False) -> JsonObject:
    """Required properties always; a few telling optional ones unless ``minimal``."""
    schema = resolve(schema)
    if depth >= _MAX_DEPTH:
        return {}
    props = properties(schema)
    names = required_names(schema) + ([] if minimal else _chosen_optional(schema))
    if not names and not minimal:
        # An object with nothing required would be sent empty; a few scalars make it look real.
        names = [k for k, p in props.items() if main_type(resolve(p)) not in ("object", "array")][:3]
    out: JsonObject = {}
    for key in names:
        prop = resolve(props.get(key, {}))
        if prop.get("readOnly") is True:
            continue  # the server sets it; sending it is a different test (mass assignment)
        if minimal and main_type(prop) == "object":
            out[key] = object_for(prop, salt, depth=depth + 1, minimal=True)
        else:
            out[key] = value_for(prop, key, salt, depth=depth + 1)
    return out


def valid_body(schema: JsonObject, salt: str = "") -> Json:
    """A realistic valid request body."""
    return value_for(schema, "", salt)


def minimal_body(schema: JsonObject, salt: str = "") -> Json:
    """Only what is required, recursively."""
    resolved = resolve(schema)
    if main_type(resolved) == "object" or "properties" in resolved:
        return object_for(resolved, salt, minimal=True)
    return value_for(resolved, "", salt)
