"""status_code: the right outcome under the wrong code.

Only 2xx answers are judged here. A 4xx where a 4xx was expected (invalid input, no
credentials, an id that does not exist) is fine even when the spec does not list that exact
code: flagging those is the noise that buries real faults in other tools.

Checks, one finding per route that combines them:
- a create answers 200 where the spec documents 201 (drift), or where the spec documents only
  200 but the call demonstrably created something (low: convention, "200 instead of 201");
- a 2xx whose body reports an error (``{"error": ...}``, ``{"success": false}``);
- a success code the spec does not document while it documents another;
- invalid input (a body missing a required field, a wrong type) accepted with 2xx.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from assay.domain.exchanges import Exchange
from assay.domain.findings import SEVERITY_ORDER, Finding, Severity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    concrete_path,
    documented_success_codes,
    group_by_route,
    is_action_path,
    is_collection_path,
    label,
    method_of,
    operation_of,
    own_id,
    path_of,
    route,
)
from assay.oracles.response_schema import REQUIRED_RE, documented_responses, schema_errors


@dataclass(frozen=True)
class Issue:
    exchange: Exchange
    severity: Severity
    title: str  # follows the operation's name: "answers 200 instead of 201 Created"
    sentence: str
    recommendation: str


def _success(exchange: Exchange) -> bool:
    status = exchange.status
    return status is not None and 200 <= status < 300


# --------------------------------------------------------------------------- creates


def _later_read_works(index: int, exchanges: Sequence[Exchange], object_id: str) -> bool:
    for later in exchanges[index + 1 :]:
        if method_of(later) == "GET" and _success(later):
            segments = concrete_path(later).rstrip("/").split("/")
            if object_id in segments:
                return True
    return False


def _create_issue(index: int, exchanges: Sequence[Exchange], op: Operation | None) -> Issue | None:
    exchange = exchanges[index]
    if method_of(exchange) != "POST" or exchange.status != 200 or exchange.intent not in VALID_INTENTS:
        return None
    documented = documented_success_codes(op) if op else set()
    path = path_of(exchange)
    if 201 in documented and 200 not in documented:
        return Issue(
            exchange,
            "medium",
            "answers 200 where the spec documents 201",
            f"`{route(exchange)}` answers 200 OK although the spec documents 201 Created",
            "Return 201 Created as documented (FastAPI: `status_code=status.HTTP_201_CREATED` on the "
            "route), or document 200 if that is the intended contract.",
        )
    if documented - {200} or is_action_path(path) or exchange.response is None:
        return None
    object_id = own_id(exchange.response.json) if exchange.response.is_json else None
    if object_id is None:
        return None
    evidence = "the response carries the new object's id"
    if _later_read_works(index, exchanges, object_id):
        evidence += " and a later GET by that id succeeds"
    if is_collection_path(path) and path.rstrip("/").endswith("s"):
        evidence += f"; `{path}` names a collection"
    return Issue(
        exchange,
        "low",
        "answers 200 instead of 201 Created",
        f"`{route(exchange)}` creates a resource ({evidence}) but answers 200 OK, not 201 Created",
        f"Return 201 Created from `{route(exchange)}` (FastAPI: `status_code=status.HTTP_201_CREATED`; "
        "add a Location header to the new resource) and document 201 in the spec.",
    )


# --------------------------------------------------------------------------- error bodies


def _declared_keys(op: Operation | None, status: int) -> set[str]:
    if op is None:
        return set()
    keys: set[str] = set()
    for spec in documented_responses(op, status):
        props = (spec.schema or {}).get("properties")
        if isinstance(props, dict):
            keys.update(props)
    return keys


def _error_signal(body: Json) -> str | None:
    """What in a 2xx body says the call failed, or None."""
    if not isinstance(body, dict):
        return None
    for key in ("success", "ok"):
        if body.get(key) is False:
            return f'"{key}": false'
    error = body.get("error")
    if error not in (None, False, "", [], {}):
        return f'"error": {str(error)[:80]}'
    # JSend / envelope styles; an object with an id is a resource whose state may be "error".
    if "id" in body or not ({"message", "msg"} & body.keys()):
        return None
    status = body.get("status")
    if isinstance(status, str) and status.lower() in {"error", "fail"}:
        return f'"status": "{status}"'
    code = body.get("code")
    if isinstance(code, int) and not isinstance(code, bool) and 400 <= code < 600:
        return f'"code": {code}'
    return None


def _error_body_issue(exchange: Exchange, op: Operation | None) -> Issue | None:
    response = exchange.response
    if response is None or not _success(exchange) or not response.is_json:
        return None
    signal = _error_signal(response.json)
    if signal is None:
        return None
    key = signal.split('"')[1]
    if key in _declared_keys(op, response.status):
        return None  # the spec designs the envelope this way; not a mislabelled failure
    return Issue(
        exchange,
        "medium",
        f"answers {response.status} with an error body",
        f"`{route(exchange)}` answers {response.status} but its body reports a failure ({signal})",
        "Answer failures with a 4xx/5xx status (and the error body); clients, proxies and monitors "
        "treat 2xx as success and will miss the failure.",
    )


# --------------------------------------------------------------------------- undocumented success


def _undocumented_issue(exchange: Exchange, op: Operation | None) -> Issue | None:
    status = exchange.status
    if op is None or status is None or not _success(exchange) or exchange.intent not in VALID_INTENTS:
        return None
    documented = documented_success_codes(op)
    if not documented or status in documented or "2XX" in {s.upper() for s in op.documented_statuses()}:
        return None
    listed = ", ".join(str(c) for c in sorted(documented))
    return Issue(
        exchange,
        "low",
        f"answers {status}, the spec documents {listed}",
        f"`{route(exchange)}` answers {status}, a success code the spec does not list (it lists {listed})",
        f"Document {status} for `{route(exchange)}` or return the documented code; clients generated "
        "from the spec may treat an undocumented code as an error.",
    )


# --------------------------------------------------------------------------- invalid input accepted


def _lenient_coercion(error_instance: Json, expected: Json) -> bool:
    """A numeric/boolean string where a number/boolean is expected: common, harmless leniency."""
    if not isinstance(error_instance, str):
        return False
    kinds = (
        {expected} if isinstance(expected, str) else set(expected) if isinstance(expected, list) else set()
    )
    text = error_instance.strip().lower()
    if kinds & {"integer", "number"}:
        try:
            float(text)
            return True
        except ValueError:
            return False
    return "boolean" in kinds and text in {"true", "false", "0", "1"}


def _field_name(path: Sequence[str | int], child: str | None = None) -> str:
    parts = [str(p) for p in path] + ([child] if child else [])
    return ".".join(parts) or "(body)"


def _has_default(schema: JsonObject, path: Sequence[str | int], name: str) -> bool:
    node: Json = schema
    for part in [*path, name]:
        props = node.get("properties") if isinstance(node, dict) else None
        node = props.get(str(part)) if isinstance(props, dict) else None
    return isinstance(node, dict) and "default" in node


def _body_problems(exchange: Exchange, op: Operation, spec_version: str) -> list[str]:
    """How the request body breaks the spec's request schema (missing required, wrong type)."""
    body = op.request_body
    if body is None or not body.schema or not exchange.request.has_body:
        return []
    errors = schema_errors(body.schema, exchange.request.body, spec_version, "request") or []
    problems: list[str] = []
    for error in errors:
        if error.validator == "required":
            match = REQUIRED_RE.match(error.message)
            if match and not _has_default(body.schema, error.absolute_path, match.group(1)):
                problems.append(
                    f"a body missing required field `{_field_name(error.absolute_path, match.group(1))}`"
                )
        elif error.validator == "type" and not _lenient_coercion(error.instance, error.validator_value):
            problems.append(
                f"`{_field_name(error.absolute_path)}` of the wrong type "
                f"({str(error.instance)[:40]!r} where the spec says {error.validator_value})"
            )
    return problems


def _query_problems(exchange: Exchange, op: Operation) -> list[str]:
    sent = parse_qs(urlsplit(exchange.request.url).query, keep_blank_values=True)
    return [
        f"a request without required query parameter `{p.name}`"
        for p in op.parameters
        if p.location == "query" and p.required and p.name not in sent
    ]


def _invalid_accepted_issue(exchange: Exchange, op: Operation | None, api: ApiModel | None) -> Issue | None:
    if op is None or api is None or exchange.intent != "invalid" or not _success(exchange):
        return None
    problems = _body_problems(exchange, op, api.spec_version) + _query_problems(exchange, op)
    if not problems:
        return None  # we cannot show the request broke the spec: no claim
    return Issue(
        exchange,
        "medium",
        f"accepts {problems[0]}",
        f"`{route(exchange)}` answers {exchange.status} to {' and '.join(problems[:3])}",
        f"Validate the input of `{route(exchange)}` against its schema and answer 400/422 naming the "
        "field; if the server is right to accept it, relax the spec (drop the field from `required`).",
    )


# --------------------------------------------------------------------------- judging


def _issues(index: int, exchanges: Sequence[Exchange], api: ApiModel | None) -> list[Issue]:
    exchange = exchanges[index]
    op = operation_of(exchange, api)
    found = [
        _create_issue(index, exchanges, op),
        _error_body_issue(exchange, op),
        _invalid_accepted_issue(exchange, op, api),
    ]
    if found[0] is None:
        found.append(_undocumented_issue(exchange, op))
    return [issue for issue in found if issue is not None]


def _finding(issues: list[Issue], api: ApiModel | None, context: OracleContext) -> Finding:
    worst = max(issues, key=lambda i: SEVERITY_ORDER[i.severity])
    sentences = list(dict.fromkeys(i.sentence for i in issues))
    fixes = list(dict.fromkeys(i.recommendation for i in issues))
    titles: list[Json] = [*dict.fromkeys(i.title for i in issues)]
    extra: JsonObject = {"issues": titles}
    draft = Draft(
        category="status_code",
        severity=worst.severity,
        title=f"{label(worst.exchange, api)} {worst.title}",
        detail="; ".join(sentences[:4]) + ".",
        recommendation=" ".join(fixes[:3]),
        impact="Clients and monitors that rely on status codes misread what happened.",
        extra=extra,
    )
    return build(draft, worst.exchange, context, occurrences=len(issues))


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route whose 2xx answers carry the wrong code for what happened."""
    position = {id(e): i for i, e in enumerate(exchanges)}
    findings: list[Finding] = []
    for group in group_by_route(exchanges).values():
        issues = [issue for e in group for issue in _issues(position[id(e)], exchanges, api)]
        if issues:
            findings.append(_finding(issues, api, context))
    return findings
