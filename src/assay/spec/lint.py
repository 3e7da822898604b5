"""Weaknesses of the spec itself, for the ``spec_quality`` oracle.

Fair by design: a 204, a body-less DELETE/HEAD/OPTIONS, a redirect, and a non-JSON response
(text, HTML, files) are not asked for a JSON schema.
"""

from __future__ import annotations

from assay.domain.json import JsonObject
from assay.domain.operations import Operation, ResponseSpec, SecurityScheme, SpecIssue
from assay.spec.refs import RECURSIVE_MARKER, SCHEMA_NAME
from assay.spec.schema import schema_types

_PLACEHOLDERS = frozenset({"placeholder", "any", "anything", "object", "schema", "foo", "bar", "unknown",
                           "dummy", "generic"})  # fmt: skip
# Upper case only: "TODOSchema" is a placeholder, "TodoResponse" is a to-do app's model.
_MARKERS = ("TODO", "TBD", "FIXME", "XXX")
_NAME_SUFFIXES = ("schema", "model", "type", "object", "dto", "response")
_NO_BODY_STATUSES = frozenset({"204", "205", "304"})


def lint_operations(
    operations: tuple[Operation, ...], schemes: tuple[SecurityScheme, ...]
) -> tuple[SpecIssue, ...]:
    """Every issue found, one per (kind, operation) at most, in operation order."""
    issues: list[SpecIssue] = []
    seen_ids: dict[str, str] = {}
    for op in operations:
        issues.extend(_operation_id_issues(op, seen_ids))
        issues.extend(_response_issues(op))
        if not schemes and not op.security and any(s in {"401", "403"} for s in op.documented_statuses()):
            issues.append(
                SpecIssue(
                    "undocumented_auth",
                    f"{op.key} documents 401/403 but the spec declares no security scheme for it",
                    op.key,
                )
            )
    return tuple(issues)


def _operation_id_issues(op: Operation, seen: dict[str, str]) -> list[SpecIssue]:
    if not op.operation_id:
        message = f"{op.key} has no operationId; generated clients guess a name"
        return [SpecIssue("missing_operation_id", message, op.key)]
    if op.operation_id in seen:
        first = seen[op.operation_id]
        message = f"operationId {op.operation_id!r} of {op.key} is already used by {first}"
        return [SpecIssue("duplicate_operation_id", message, op.key)]
    seen[op.operation_id] = op.key
    return []


def _response_issues(op: Operation) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    successes = [r for r in op.responses if r.status.startswith("2")]
    if not successes and not any(r.status.startswith("3") for r in op.responses):
        issues.append(SpecIssue("no_success_response", f"{op.key} documents no 2xx response", op.key))
    untyped_reported = missing_reported = False
    for response in successes:
        if _needs_no_body(op, response):
            continue
        if response.schema is None:
            if not missing_reported:
                message = f"{op.key} answers {response.status} with no documented body schema"
                issues.append(SpecIssue("missing_schema", message, op.key))
            missing_reported = True
            continue
        placeholder = _placeholder_name(response.schema)
        if placeholder:
            message = f"{op.key} answers {response.status} with placeholder schema {placeholder!r}"
            issues.append(SpecIssue("placeholder_schema", message, op.key))
        elif _untyped(response.schema) and not untyped_reported:
            message = f"{op.key} answers {response.status} with an untyped object; clients get Dict[str, Any]"
            issues.append(SpecIssue("untyped_response", message, op.key))
            untyped_reported = True
    return issues


def _needs_no_body(op: Operation, response: ResponseSpec) -> bool:
    if response.status in _NO_BODY_STATUSES or op.method in {"HEAD", "OPTIONS"}:
        return True
    if op.method == "DELETE" and not response.schema:
        return True  # frameworks document "{}" for a delete that returns nothing
    content = (response.content_type or "").lower()
    if content and "json" not in content:
        return True  # text, HTML, CSV, files: a JSON schema is not what they need
    # A response without content at all is fine when the spec says nothing about a body.
    return response.content_type is None and response.schema is None and op.method != "GET"


def _placeholder_name(schema: JsonObject) -> str | None:
    name = schema.get(SCHEMA_NAME) or schema.get("title")
    if not isinstance(name, str):
        return None
    if name.startswith(_MARKERS):
        return name
    squashed = name.lower().replace("_", "").replace("-", "")
    for suffix in _NAME_SUFFIXES:
        if squashed.endswith(suffix) and squashed != suffix:
            squashed = squashed[: -len(suffix)]
            break
    return name if squashed in _PLACEHOLDERS else None


def _untyped(schema: JsonObject) -> bool:
    """``{}``, or an object with no properties and nothing saying what its values are."""
    if RECURSIVE_MARKER in schema:
        return False
    meaningful = {k for k in schema if not k.startswith("x-") and k not in {"title", "description"}}
    if not meaningful:
        return True
    types = schema_types(schema)
    if types != ("object",):
        return False
    if schema.get("properties") or any(k in schema for k in ("allOf", "anyOf", "oneOf")):
        return False
    extra = schema.get("additionalProperties")
    return extra is None or extra is True or extra == {}
