"""spec_drift: the server rejects (400/415/422) a request the spec says is valid.

The error body usually names the field the server wanted (FastAPI's ``detail[].loc``, Django
REST framework's ``{"field": ["This field is required."]}``, "name is required" messages).
Comparing that field with the spec turns "400 Bad Request" into the actual contract break:
"the server requires `config.primary_objective`, which the spec calls optional".

Rejections that are about our data rather than the contract (an id that does not exist, an
email already registered, a username or code assay made up: see :mod:`assay.oracles.made_up`)
are left alone: they are not drift.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json, JsonObject, dig
from assay.domain.operations import ApiModel, Operation, ParamLocation
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    expected,
    group_by_route,
    label,
    operation_of,
    route,
)
from assay.oracles.made_up import known_values, made_up_references, mentions_one_of, names_one_of
from assay.oracles.response_schema import schema_errors

REJECTIONS = frozenset({400, 415, 422})
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
SpecStatus = Literal["optional", "undocumented", "required", "unknown"]
_PARAM_LOCATIONS: dict[str, ParamLocation] = {
    "query": "query",
    "path": "path",
    "header": "header",
    "cookie": "cookie",
}

# Rejections about the data we sent, not about the contract (a made-up reset code or password too).
_DATA_PROBLEM = re.compile(
    r"(?i)(not found|does not exist|doesn't exist|no such|already (exists|registered|taken|in use)"
    r"|duplicate|conflict|unique|(invalid|incorrect|wrong|expired) (or expired )?"
    r"(reset |verification |one-time |confirmation )?(code|otp|token|password|credentials))"
    r"|(invalid|unknown|incorrect|wrong) [\w/ ]{0,30}(supplied|provided|given)\b"
    r"|\b(user|account|username|email) (is )?(unknown|not registered)"
)
_MESSAGE_PATTERNS = (
    re.compile(r"'([A-Za-z_][\w.\[\]-]*)' is a required property"),
    re.compile(
        r"[\"'`]?([A-Za-z_][\w.\[\]-]*)[\"'`]? (?:field )?(?:is|are) (?:a )?(?:required|missing|mandatory)"
    ),
    re.compile(
        r"(?i)(?:missing|required) (?:required )?(?:field|property|parameter|key|attribute)s?:?\s*"
        r"[\"'`]?([A-Za-z_][\w.\[\]-]*)"
    ),
)
_NOT_FIELDS = frozenset({"this", "field", "it", "value", "body", "request", "input", "data", "parameter"})


@dataclass(frozen=True)
class Complaint:
    """One field the server's error body names."""

    field: str  # dotted: "config.primary_objective"
    location: str  # "body", "query", ...
    missing: bool  # the server says the field is required / missing
    message: str


def _is_missing(kind: str, message: str) -> bool:
    return "missing" in kind or bool(
        re.search(r"(?i)\b(required|missing|may not be null|must be provided)\b", message)
    )


def _loc_complaint(loc: list[Json], kind: str, message: str) -> Complaint | None:
    parts = [str(p) for p in loc if isinstance(p, str | int) and not isinstance(p, bool)]
    location = "body"
    if parts and parts[0] in _LOCATIONS:
        location = parts.pop(0)
    if not parts:
        return None
    return Complaint(".".join(parts), location, _is_missing(kind, message), message)


def _error_items(body: JsonObject) -> Iterator[JsonObject]:
    for key in ("detail", "errors", "error", "violations", "invalid_params"):
        value = body.get(key)
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, dict))


def _structured(body: Json) -> list[Complaint]:
    """Complaints from FastAPI/pydantic, express-validator, JSON:API, RFC 7807 style bodies."""
    if not isinstance(body, dict):
        return []
    out: list[Complaint] = []
    for item in _error_items(body):
        message = next(
            (v for k in ("msg", "message", "detail", "reason") if isinstance(v := item.get(k), str)), ""
        )
        kind = item.get("type")
        kind_text = kind if isinstance(kind, str) else ""
        loc = item.get("loc")
        if isinstance(loc, list):
            found = _loc_complaint(loc, kind_text, message)
        else:
            source = item.get("source")
            pointer = source.get("pointer") if isinstance(source, dict) else None
            name = next(
                (
                    v
                    for k in ("field", "param", "path", "property", "name", "instancePath")
                    if isinstance(v := item.get(k), str)
                ),
                pointer if isinstance(pointer, str) else None,
            )
            found = None
            if name:
                dotted = ".".join(p for p in re.split(r"[/.]", name) if p and p not in {"data", "attributes"})
                found = (
                    Complaint(dotted, "body", _is_missing(kind_text, message), message) if dotted else None
                )
        if found is not None:
            out.append(found)
    return out


def _drf(body: Json, prefix: str = "") -> list[Complaint]:
    """Django REST framework: ``{"name": ["This field is required."], "config": {...}}``."""
    if not isinstance(body, dict):
        return []
    out: list[Complaint] = []
    for key, value in body.items():
        if key in {"detail", "message", "error", "errors", "status", "code", "title", "type"}:
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            message = "; ".join(v for v in value if isinstance(v, str))
            out.append(Complaint(prefix + key, "body", _is_missing("", message), message))
        elif isinstance(value, dict):
            out.extend(_drf(value, f"{prefix}{key}."))
    return out


def _strings(body: Json) -> Iterator[str]:
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for value in body.values():
            yield from _strings(value)
    elif isinstance(body, list):
        for value in body:
            yield from _strings(value)


def _from_messages(texts: Sequence[str]) -> list[Complaint]:
    out: list[Complaint] = []
    for text in texts:
        for pattern in _MESSAGE_PATTERNS:
            for match in pattern.finditer(text):
                name = match.group(1).strip(".")
                if name.lower() not in _NOT_FIELDS:
                    out.append(Complaint(name, "body", True, text[:300]))
    return out


def complaints(exchange: Exchange) -> list[Complaint]:
    """The fields an error response names, most specific source first, without repeats."""
    response = exchange.response
    if response is None:
        return []
    body = response.json if response.is_json else None
    found = _structured(body) or _drf(body)
    if not found:
        found = _from_messages(list(_strings(body)) if response.is_json else [response.text[:2000]])
    unique: dict[tuple[str, str], Complaint] = {}
    for complaint in found:
        unique.setdefault((complaint.location, complaint.field), complaint)
    return list(unique.values())


# --------------------------------------------------------------------------- the spec's view


def _merged(schema: JsonObject) -> tuple[JsonObject, list[Json]]:
    """Properties and required names of a schema, folding ``allOf`` members in."""
    members = schema.get("allOf")
    parts = [schema, *(m for m in members if isinstance(m, dict))] if isinstance(members, list) else [schema]
    properties: JsonObject = {}
    required: list[Json] = []
    for part in parts:
        props = part.get("properties")
        if isinstance(props, dict):
            properties.update(props)
        req = part.get("required")
        if isinstance(req, list):
            required.extend(req)
    return properties, required


def body_field_status(schema: JsonObject, dotted: str) -> SpecStatus:
    """What a request-body schema says of a field: optional, required, undocumented or unknown."""
    current: JsonObject = schema
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        if part.isdigit() and isinstance(current.get("items"), dict):
            items = current.get("items")
            current = items if isinstance(items, dict) else {}
            continue
        for alternative in ("anyOf", "oneOf"):
            options = current.get(alternative)
            if isinstance(options, list):
                current = next((o for o in options if isinstance(o, dict) and "properties" in o), current)
        properties, required = _merged(current)
        if not properties:
            # An open object (or a $ref the model did not resolve): the spec says nothing.
            return "unknown"
        child = properties.get(part)
        if not isinstance(child, dict):
            return "undocumented"
        if index == len(parts) - 1:
            return "required" if part in required else "optional"
        current = child
    return "unknown"


def field_status(op: Operation, complaint: Complaint) -> SpecStatus:
    if complaint.location == "body":
        if op.request_body is None:
            return "undocumented"
        return body_field_status(op.request_body.schema, complaint.field)
    location = _PARAM_LOCATIONS.get(complaint.location)
    param = op.param(complaint.field.split(".")[0], location) if location else None
    if param is None:
        return "undocumented"
    return "required" if param.required else "optional"


# --------------------------------------------------------------------------- judging


@dataclass(frozen=True)
class _Reading:
    exchange: Exchange
    sentence: str  # what the server demands, against the spec
    severity: Severity
    field: str | None


def _what(complaint: Complaint) -> str:
    return (
        f"`{complaint.field}`"
        if complaint.location == "body"
        else f"{complaint.location} parameter `{complaint.field}`"
    )


def _all_text(exchange: Exchange) -> list[str]:
    response = exchange.response
    if response is None:
        return []
    return list(_strings(response.json)) if response.is_json else [response.text[:2000]]


def _body_breaks_spec(exchange: Exchange, op: Operation, spec_version: str) -> bool:
    """True when our own body violates the spec's request schema: then it was not spec-valid."""
    body = op.request_body
    if body is None or not body.schema or not exchange.request.has_body:
        return False
    return bool(schema_errors(body.schema, exchange.request.body, spec_version, "request"))


def about_made_up(exchange: Exchange, op: Operation, known: set[str]) -> bool:
    """The rejection may be about a value assay made up (a username, id or code nobody issued).

    It is when the server names such a field, speaks of it, or names no field at all: a bare 400
    to a request that carries an invented username says nothing against the spec.
    """
    made_up = made_up_references(exchange, op, known)
    if not made_up:
        return False
    named = complaints(exchange)
    if not named or any(names_one_of(c.field, made_up) for c in named):
        return True
    return mentions_one_of(_all_text(exchange), made_up) and not any(c.missing for c in named)


def _read(exchange: Exchange, op: Operation, spec_version: str, known: set[str]) -> _Reading | None:
    """Why the rejection is drift, or None when it is about our data or our own request."""
    if any(_DATA_PROBLEM.search(text) for text in _all_text(exchange)):
        return None
    if _body_breaks_spec(exchange, op, spec_version) or about_made_up(exchange, op, known):
        return None
    for complaint in complaints(exchange):
        spec = field_status(op, complaint)
        what = _what(complaint)
        sent = dig(exchange.request.body, complaint.field) if complaint.location == "body" else None
        if complaint.missing and spec == "required" and sent is None:
            return None  # our request left out a field the spec requires: it was not spec-valid
        if complaint.missing and spec == "optional":
            sentence = f"the server requires {what}, which the spec calls optional"
            return _Reading(exchange, sentence, "high", complaint.field)
        if complaint.missing and spec == "undocumented":
            sentence = f"the server requires {what}, which the spec does not document"
            return _Reading(exchange, sentence, "high", complaint.field)
        if complaint.missing and spec == "unknown":
            return _Reading(exchange, f"the server requires {what}", "medium", complaint.field)
        if not complaint.missing and complaint.message:
            sentence = f"the server rejects {what}: “{complaint.message[:200]}”"
            return _Reading(exchange, sentence, "medium", complaint.field)
    if exchange.status == 415:
        sentence = f"the server refuses the documented content type `{exchange.request.content_type}`"
        return _Reading(exchange, sentence, "medium", None)
    sentence = f"the server answers {exchange.status} to a request the spec documents as valid"
    return _Reading(exchange, sentence, "medium", None)


def _qualifies(exchange: Exchange, api: ApiModel | None) -> Operation | None:
    status = exchange.status
    if status is None or status not in REJECTIONS or exchange.intent not in VALID_INTENTS:
        return None
    if expected(exchange, status):
        return None
    return operation_of(exchange, api)


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per documented route that rejects spec-valid requests."""
    findings: list[Finding] = []
    known = known_values(exchanges, context)
    for group in group_by_route(exchanges).values():
        readings: list[_Reading] = []
        for exchange in group:
            op = _qualifies(exchange, api)
            reading = _read(exchange, op, api.spec_version, known) if op is not None and api else None
            if reading is not None:
                readings.append(reading)
        if readings:
            findings.append(_finding(readings, len(group), api, context))
    return findings


def _finding(readings: list[_Reading], total: int, api: ApiModel | None, context: OracleContext) -> Finding:
    worst = next((r for r in readings if r.severity == "high"), readings[0])
    exchange = worst.exchange
    name = label(exchange, api)
    sentences = list(dict.fromkeys(r.sentence for r in readings))
    title = (
        f"{name}: {worst.sentence.removeprefix('the server ')}"
        if worst.field
        else f"{name} rejects spec-valid requests with {exchange.status}"
    )
    detail = (
        f"`{route(exchange)}` answered {exchange.status} to {len(readings)} of {total} requests built "
        f"from the spec: {'; '.join(sentences[:4])}."
    )
    if worst.field:
        fix = (
            f"Make the spec and the server agree on `{worst.field}`: mark it required in the request "
            "schema (with its nested structure) if the server needs it, or give it a default on the server."
        )
    else:
        fix = (
            f"Compare the request in the evidence with the request schema of `{route(exchange)}`; fix the "
            "schema (types, required fields, formats) or relax the server's validation so both say the same."
        )
    said: list[Json] = [*sentences[:10]]
    draft = Draft(
        category="spec_drift",
        severity=worst.severity,
        title=title,
        detail=detail,
        recommendation=fix,
        impact="Clients generated from the spec send requests the server refuses.",
        extra={"server_says": said},
    )
    return build(draft, exchange, context, occurrences=len(readings))
