"""response_schema: a response body (or its media type) disagrees with the documented schema.

Only responses the spec documents are judged — 2xx by exact code, then ``2XX``, then
``default``; 4xx only when documented exactly or by class. An operation with no documented
schema is spec_quality's business, not a violation here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import jsonschema
from referencing.exceptions import Unresolvable

from assay.domain.exchanges import Exchange, RecordedResponse
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation, ResponseSpec
from assay.oracles.base import (
    Draft,
    OracleContext,
    build,
    group_by_route,
    is_json_media,
    label,
    media_type,
    method_of,
    operation_of,
    plural,
    route,
)

# Formats whose meaning is unambiguous; "date-time" is left out on purpose because naive
# timestamps ("2024-01-01T10:00:00", pydantic's default) are everywhere and harmless.
_FORMATS = jsonschema.FormatChecker(formats=("uuid", "ipv4", "ipv6", "date"))
_NO_BODY = frozenset({204, 205, 304})
Direction = Literal["request", "response"]
_SCHEMA_PROBLEMS = (Unresolvable, jsonschema.exceptions.UnknownType, jsonschema.exceptions.SchemaError)


@dataclass(frozen=True)
class Violation:
    message: str
    kind: str  # "required", "type", "content_type", "not_json", "empty", or a JSON Schema keyword


# --------------------------------------------------------------------------- choosing the spec


def documented_responses(op: Operation, status: int) -> list[ResponseSpec]:
    """The responses documented for ``status``: exact code, then its class, then ``default`` (2xx)."""
    exact = [r for r in op.responses if r.status == str(status)]
    if exact:
        return exact
    klass = [r for r in op.responses if r.status.upper() == f"{status // 100}XX"]
    if klass:
        return klass
    if 200 <= status < 300:
        return [r for r in op.responses if r.status == "default"]
    return []


def _media_matches(documented: str, actual: str) -> bool:
    if documented in {"*/*", "", actual}:
        return True
    if documented.endswith("/*"):
        return actual.startswith(documented[:-1])
    return is_json_media(documented) and is_json_media(actual)


def _pick(specs: list[ResponseSpec], actual: str) -> ResponseSpec | None:
    for spec in specs:
        if _media_matches(media_type(spec.content_type), actual):
            return spec
    return None


# --------------------------------------------------------------------------- OpenAPI -> JSON Schema


def _nullable(schema: JsonObject) -> JsonObject:
    out = {k: v for k, v in schema.items() if k not in {"nullable", "x-nullable"}}
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list):
        out["type"] = [*kind, "null"]
    else:
        return {"anyOf": [out, {"type": "null"}]}
    enum = out.get("enum")
    if isinstance(enum, list) and None not in enum:
        out["enum"] = [*enum, None]
    return out


def to_json_schema(value: Json, *, direction: Direction = "response") -> Json:
    """An OpenAPI 3.0 / Swagger 2 schema in plain Draft 4 terms.

    ``nullable``/``x-nullable`` become a ``null`` type; write-only properties are not required
    in responses (read-only ones not in requests); Swagger's ``type: file`` means "any bytes".
    """
    if isinstance(value, list):
        return [to_json_schema(v, direction=direction) for v in value]
    if not isinstance(value, dict):
        return value
    hidden = "writeOnly" if direction == "response" else "readOnly"
    out: JsonObject = {k: to_json_schema(v, direction=direction) for k, v in value.items()}
    if out.get("type") == "file":
        out.pop("type")
    props = out.get("properties")
    required = out.get("required")
    if isinstance(props, dict) and isinstance(required, list):
        absent = {k for k, v in props.items() if isinstance(v, dict) and v.get(hidden) is True}
        out["required"] = [r for r in required if r not in absent]
        if not out["required"]:
            out.pop("required")
    if value.get("nullable") is True or value.get("x-nullable") is True:
        return _nullable(out)
    return out


class ValidationIssue(Protocol):
    """The part of ``jsonschema.ValidationError`` used here (jsonschema ships no type hints)."""

    message: str
    validator: object
    validator_value: Json
    instance: Json
    absolute_path: Sequence[str | int]


class _Validator(Protocol):
    def iter_errors(self, instance: Json) -> Iterable[ValidationIssue]: ...


def _validator_for(schema: JsonObject, spec_version: str, direction: Direction) -> _Validator:
    validator: _Validator
    if spec_version.startswith("3.1"):
        validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)
    else:
        converted = to_json_schema(schema, direction=direction)
        validator = jsonschema.Draft4Validator(converted, format_checker=_FORMATS)
    return validator


def schema_errors(
    schema: JsonObject, instance: Json, spec_version: str, direction: Direction = "response"
) -> list[ValidationIssue] | None:
    """Every violation of ``schema`` by ``instance``, shallowest first; None if the schema is unusable."""
    try:
        errors = list(_validator_for(schema, spec_version, direction).iter_errors(instance))
    except _SCHEMA_PROBLEMS:
        return None  # a $ref the model did not resolve, or a schema jsonschema rejects
    errors.sort(key=lambda e: (len(e.absolute_path), str(e.message)))
    return errors


def json_path(parts: Sequence[object]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


REQUIRED_RE = re.compile(r"^'(.+)' is a required property$")


def _describe(error: ValidationIssue) -> Violation:
    where = json_path(list(error.absolute_path))
    message = str(error.message)
    kind = str(error.validator)
    required = REQUIRED_RE.match(message)
    if kind == "required" and required:
        at = "" if where == "$" else f" at {where}"
        return Violation(f"response missing required field '{required.group(1)}'{at}", "required")
    if len(message) > 200:
        message = message[:200] + "…"
    return Violation(f"{where}: {message}", kind)


def validate(schema: JsonObject, instance: Json, spec_version: str, limit: int = 5) -> list[Violation] | None:
    """The first ``limit`` violations, shallowest first; None when the schema cannot be used."""
    errors = schema_errors(schema, instance, spec_version)
    return None if errors is None else [_describe(e) for e in errors[:limit]]


# --------------------------------------------------------------------------- one exchange


def _judged(exchange: Exchange, api: ApiModel | None) -> tuple[Operation, list[ResponseSpec]] | None:
    response = exchange.response
    op = operation_of(exchange, api)
    if response is None or op is None or method_of(exchange) == "HEAD":
        return None
    if exchange.expect is not None and not exchange.expect.validate_schema:
        return None
    status = response.status
    if status in _NO_BODY or not (200 <= status < 300 or 400 <= status < 500):
        return None
    specs = [s for s in documented_responses(op, status) if s.content_type or s.schema]
    return (op, specs) if specs else None


def _body_empty(response: RecordedResponse) -> bool:
    return not response.text.strip() and response.json is None


def violations_of(exchange: Exchange, api: ApiModel | None, limit: int = 5) -> list[Violation]:
    """What is wrong with one exchange's response against the spec (empty when nothing is)."""
    judged = _judged(exchange, api)
    if judged is None or exchange.response is None or api is None:
        return []
    _op, specs = judged
    response = exchange.response
    actual = media_type(response.header("content-type"))
    documented = sorted({media_type(s.content_type) for s in specs if s.content_type})
    if _body_empty(response):
        if not any(s.schema for s in specs):
            return []
        what = ", ".join(documented) or "a body"
        return [Violation(f"empty body where the spec documents {what}", "empty")]
    spec = _pick(specs, actual)
    if spec is None:
        got = f"`{actual}`" if actual else "no Content-Type"
        return [Violation(f"documented {', '.join(documented)}, got {got}", "content_type")]
    if not spec.schema or not is_json_media(media_type(spec.content_type) or actual):
        return []
    if response.truncated or response.undecoded:
        return []  # only the beginning of the body was kept, or it is still encoded: nothing to judge
    if not response.is_json:
        return [Violation("the body is not valid JSON although the spec documents JSON", "not_json")]
    return validate(spec.schema, response.json, api.spec_version, limit) or []


# --------------------------------------------------------------------------- judging


def _recommendation(first: Violation, exchange: Exchange) -> str:
    where = f"`{route(exchange)}` ({exchange.status})"
    if first.kind == "required":
        return (
            f"Return every field the spec marks required in {where}, or remove it from `required` "
            "(and regenerate clients) if it is genuinely optional."
        )
    if first.kind in {"content_type", "not_json", "empty"}:
        return (
            f"Answer {where} with the documented media type and body, or document what the server "
            "really sends (content type and schema)."
        )
    return (
        f"Make the server's output of {where} and the documented schema agree (types, enums, formats; "
        "a field that can be null needs `nullable: true` in OpenAPI 3.0 or `type: [..., 'null']` in 3.1)."
    )


def _finding(
    hits: list[tuple[Exchange, list[Violation]]], total: int, api: ApiModel | None, context: OracleContext
) -> Finding:
    exchange, first_violations = hits[0]
    status = exchange.status or 0
    severity: Severity = "medium" if 200 <= status < 300 else "low"
    listed: list[str] = []
    for _e, found in hits:
        listed.extend(v.message for v in found if v.message not in listed)
    listed = listed[: context.max_violations]
    first = first_violations[0]
    name = label(exchange, api)
    detail = (
        f"{plural(len(hits), 'response')} of {total} from `{route(exchange)}` ({name}) do not match "
        f"the documented schema for {status}: " + "; ".join(listed) + "."
    )
    shown: list[Json] = [*listed]
    draft = Draft(
        category="response_schema",
        severity=severity,
        title=f"{name}: {first.message}",
        detail=detail,
        recommendation=_recommendation(first, exchange),
        impact="Clients generated from the spec fail to parse these responses or see wrong types.",
        extra={"violations": shown},
    )
    return build(draft, exchange, context, occurrences=len(hits))


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route whose documented responses do not match their schema."""
    findings: list[Finding] = []
    if api is None:
        return findings
    for group in group_by_route(exchanges).values():
        hits = [(e, v) for e in group if (v := violations_of(e, api, context.max_violations))]
        if hits:
            # 2xx violations first: they break clients; error-body mismatches matter less.
            hits.sort(key=lambda h: 0 if 200 <= (h[0].status or 0) < 300 else 1)
            findings.append(_finding(hits, len(group), api, context))
    return findings
