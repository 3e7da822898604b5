"""Invalid and edge variants of a valid body: missing fields, wrong types, boundary values.

Each variant changes one field (a dotted path into the body) and says whether the schema still
accepts the result, so the scenario knows whether to expect 2xx or 4xx.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from assay.domain.json import Json, JsonObject
from assay.spec.datagen import main_type, properties, required_names, resolve
from assay.spec.values import number_bounds

_WRONG: dict[str, Json] = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    "array": "not-an-array",
    "object": "not-an-object",
}


@dataclass(frozen=True)
class Variant:
    field: str  # dotted path into the body, "config.primary_objective"
    label: str  # what was changed, in words
    body: Json
    value: Json  # the value sent; None when the field was removed
    valid: bool  # whether the schema accepts the changed body


def _set(body: Json, dotted: str, value: Json) -> Json:
    out = copy.deepcopy(body)
    target = out
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(target, dict):
            return out
        target = target.get(part)
    if isinstance(target, dict):
        target[parts[-1]] = value
    return out


def _remove(body: Json, dotted: str) -> Json:
    out = copy.deepcopy(body)
    target = out
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.get(part) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target.pop(parts[-1], None)
    return out


def fields(schema: JsonObject, body: Json, *, nested: bool = True) -> list[tuple[str, JsonObject, bool]]:
    """(dotted path, schema, required) of the body's fields; one level into required objects."""
    out: list[tuple[str, JsonObject, bool]] = []
    if not isinstance(body, dict):
        return out
    schema = resolve(schema)
    props, required = properties(schema), set(required_names(schema))
    for name in body:
        prop = resolve(props.get(name, {}))
        out.append((name, prop, name in required))
        inner = body[name]
        if nested and name in required and main_type(prop) == "object" and isinstance(inner, dict):
            out += [(f"{name}.{sub}", s, req) for sub, s, req in fields(prop, inner, nested=False)]
    return out


def missing_required(schema: JsonObject, body: Json) -> list[Variant]:
    return [
        Variant(path, f"without required field '{path}'", _remove(body, path), None, False)
        for path, _, required in fields(schema, body)
        if required
    ]


def wrong_types(schema: JsonObject, body: Json, limit: int = 3) -> list[Variant]:
    """One field at a time given a value of another JSON type; required fields first."""
    ordered = sorted(fields(schema, body), key=lambda f: not f[2])
    out: list[Variant] = []
    for path, prop, _ in ordered:
        kind = main_type(prop)
        if kind not in _WRONG:
            continue
        wrong = _WRONG[kind]
        label = f"'{path}' as {type(wrong).__name__} instead of {kind}"
        out.append(Variant(path, label, _set(body, path, wrong), wrong, False))
    return out[:limit]


def _string_edges(path: str, prop: JsonObject) -> list[tuple[str, Json, bool]]:
    edges: list[tuple[str, Json, bool]] = []
    low, high = prop.get("minLength"), prop.get("maxLength")
    if isinstance(low, int) and low > 0:
        edges.append((f"'{path}' one shorter than minLength {low}", "x" * (low - 1), False))
        edges.append((f"'{path}' exactly minLength {low}", "x" * low, True))
    if isinstance(high, int) and high < 100_000:
        edges.append((f"'{path}' one longer than maxLength {high}", "x" * (high + 1), False))
        edges.append((f"'{path}' exactly maxLength {high}", "x" * high, True))
    return edges


def _number_edges(path: str, prop: JsonObject, integer: bool) -> list[tuple[str, Json, bool]]:
    low, high, low_ex, high_ex = number_bounds(prop)
    step = 1.0 if integer else 0.5
    edges: list[tuple[str, Json, bool]] = []

    def num(v: float) -> Json:
        return int(v) if integer else v

    if low is not None:
        edges.append((f"'{path}' below the minimum {num(low)}", num(low if low_ex else low - step), False))
        edges.append((f"'{path}' at the lowest allowed value", num(low + step if low_ex else low), True))
    if high is not None:
        edges.append(
            (f"'{path}' above the maximum {num(high)}", num(high if high_ex else high + step), False)
        )
        edges.append((f"'{path}' at the highest allowed value", num(high - step if high_ex else high), True))
    return edges


def _edges(path: str, prop: JsonObject) -> list[tuple[str, Json, bool]]:
    kind = main_type(prop)
    if "enum" in prop or "const" in prop or "pattern" in prop or "format" in prop:
        return []  # a length edge would break the enum/pattern/format, muddling what fails
    if kind == "string":
        return _string_edges(path, prop)
    if kind in ("integer", "number"):
        return _number_edges(path, prop, kind == "integer")
    return []


def boundaries(schema: JsonObject, body: Json, limit: int = 3) -> list[Variant]:
    """Out-of-range values first (expect 4xx), then in-range edges (expect 2xx), ``limit`` in all."""
    invalid: list[Variant] = []
    valid: list[Variant] = []
    for path, prop, _ in fields(schema, body):
        for label, value, ok in _edges(path, prop):
            (valid if ok else invalid).append(Variant(path, label, _set(body, path, value), value, ok))
    keep_valid = min(len(valid), max(1, limit - len(invalid)))
    chosen = invalid[: limit - keep_valid] + valid[:keep_valid]
    return chosen[:limit]


def required_only(schema: JsonObject, body: Json) -> Json:
    """The body cut to its required fields, with optional objects kept but cut the same way.

    Sending it tests what the spec promises: that nothing outside ``required`` is needed. An
    optional object is kept (reduced) because servers often require fields inside it that the
    spec never marks required, as seed 000's ``config.primary_objective``.
    """
    if not isinstance(body, dict):
        return body
    schema = resolve(schema)
    props, required = properties(schema), set(required_names(schema))
    out: JsonObject = {}
    for name, value in body.items():
        prop = resolve(props.get(name, {}))
        if isinstance(value, dict) and main_type(prop) == "object":
            out[name] = required_only(prop, value)
        elif name in required:
            out[name] = copy.deepcopy(value)
    return out
