"""missing_endpoint: the spec documents an operation, the server has no route for it.

The hard part is telling "route missing" from "object not found". A 404 counts only when the
request could not have named a missing object: the path has no parameters, or every parameter
is an id the run itself just created. And the body must not be an application's own message
("Dataset 7 not found") — a framework's default 404 page is the signature of a missing route.
405 is always about the route.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from assay.domain.exchanges import Exchange, RecordedResponse
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json
from assay.domain.operations import ApiModel
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    concrete_path,
    created_ids,
    expected,
    group_by_route,
    label,
    method_of,
    operation_of,
    path_params,
    route,
    template_params,
)

BodyKind = Literal["framework", "app", "empty"]

# Bodies web frameworks answer for an unknown route.
_FRAMEWORK_JSON_MESSAGES = frozenset({"not found", "404 not found", "404: not found", "resource not found"})
_FRAMEWORK_HTML = re.compile(
    r"(?is)(<title>\s*404[^<]*</title>|cannot (get|post|put|patch|delete) /"
    r"|the requested url was not found on (this|the) server|page not found|<h1>\s*not found\s*</h1>"
    r"|whitelabel error page|no route matches|404 page not found|^\s*not found\s*$)"
)
_MESSAGE_KEYS = ("detail", "message", "error", "title", "msg")


def _json_message(body: Json) -> str | None:
    if isinstance(body, str):
        return body
    if not isinstance(body, dict):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            nested = _json_message(value)
            if nested is not None:
                return nested
    return None


def body_kind(response: RecordedResponse) -> BodyKind:
    """Whether a 404 body is a framework's route-404, an application's own message, or empty."""
    if response.is_json:
        body = response.json
        # Spring Boot's default error document describes the route, not an object.
        if isinstance(body, dict) and {"timestamp", "status", "error", "path"} <= body.keys():
            return "framework"
        message = _json_message(body)
        if message is None:
            return "empty" if body in (None, {}, []) else "app"
        return "framework" if message.strip().lower().rstrip(".") in _FRAMEWORK_JSON_MESSAGES else "app"
    text = response.text.strip()
    if not text:
        return "empty"
    return "framework" if _FRAMEWORK_HTML.search(text[:4000]) else "app"


def _deleted_paths(exchanges: Sequence[Exchange]) -> list[tuple[int, str]]:
    """(position, concrete path) of each successful DELETE: later 404s there are expected."""
    return [
        (i, concrete_path(e).rstrip("/"))
        for i, e in enumerate(exchanges)
        if method_of(e) == "DELETE" and e.response is not None and 200 <= e.response.status < 300
    ]


def _after_delete(index: int, exchange: Exchange, deleted: list[tuple[int, str]]) -> bool:
    path = concrete_path(exchange).rstrip("/")
    return any(pos < index and (path == gone or path.startswith(gone + "/")) for pos, gone in deleted)


def _route_missing(exchange: Exchange, ids: set[str]) -> bool:
    """True when a 404 can only mean the route itself is absent."""
    assert exchange.response is not None
    kind = body_kind(exchange.response)
    template = exchange.path_template or concrete_path(exchange)
    names = template_params(template)
    if not names:
        # No object is named, so "not found" can only be the route; an app's own message
        # ("no metrics yet") still says a handler ran.
        return kind != "app"
    values = path_params(template, concrete_path(exchange)) or {}
    ours = bool(values) and all(values.get(n) in ids for n in names)
    return ours and kind != "app"


def _qualifies(
    index: int, exchange: Exchange, api: ApiModel | None, ids: set[str], deleted: list[tuple[int, str]]
) -> bool:
    response = exchange.response
    if response is None or response.status not in (404, 405):
        return False
    if exchange.intent not in VALID_INTENTS or operation_of(exchange, api) is None:
        return False
    if expected(exchange, response.status) or _after_delete(index, exchange, deleted):
        return False
    return response.status == 405 or _route_missing(exchange, ids)


def _finding(hits: list[Exchange], total: int, api: ApiModel | None, context: OracleContext) -> Finding:
    worst = next((e for e in hits if e.status == 405), hits[0])
    assert worst.response is not None
    status = worst.response.status
    name = label(worst, api)
    severity: Severity = "high" if worst.intent == "setup" else "medium"
    if status == 405:
        allow = worst.response.header("allow")
        allowed = f" (Allow: {allow})" if allow else ""
        detail = (
            f"The spec documents `{route(worst)}` ({name}), but the server does not accept "
            f"{method_of(worst)} on that path: 405 Method Not Allowed{allowed}."
        )
    else:
        why = (
            " although every id in the path belongs to an object this run just created"
            if template_params(worst.path_template or "")
            else ""
        )
        detail = (
            f"The spec documents `{route(worst)}` ({name}), but a spec-valid request answers 404 "
            f"with a generic not-found body{why}: the route itself is missing."
        )
    if total > len(hits):
        detail += f" {len(hits)} of {total} requests to it were affected."
    if worst.intent == "setup":
        detail += " Scenarios that need this object as a fixture could not run."
    draft = Draft(
        category="missing_endpoint",
        severity=severity,
        title=f"{name} is documented but answers {status}",
        detail=detail,
        recommendation=(
            f"Either implement `{route(worst)}` on the server or remove it from the spec and the "
            "documentation; check the router prefix and the method if the handler exists."
        ),
        impact="Clients written against the documentation call a route that does not exist.",
        extra={"body_kind": body_kind(worst.response)},
    )
    return build(draft, worst, context, occurrences=len(hits))


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per documented route that answers 404/405 to spec-valid requests."""
    ids = created_ids(exchanges, context)
    deleted = _deleted_paths(exchanges)
    position = {id(e): i for i, e in enumerate(exchanges)}
    findings: list[Finding] = []
    for group in group_by_route(exchanges).values():
        hits = [e for e in group if _qualifies(position[id(e)], e, api, ids, deleted)]
        if hits:
            findings.append(_finding(hits, len(group), api, context))
    return findings
