"""spec_quality: weaknesses of the spec itself, from the model's ``spec_issues``.

One finding per operation (all its issues together). A kind of issue that runs through the
spec (``WIDESPREAD`` operations or more, like httpbin's 70 operations without an operationId)
is one spec-wide finding listing the operations instead: a report with eighty near-identical
items buries the real faults, which is the noise we promised not to make. Issues that belong to
no operation join that spec-wide finding; statuses that valid requests got but the spec never mentions
are one spec-wide ``info`` note, deliberately not one finding each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.domain.exchanges import Exchange
from assay.domain.findings import SEVERITY_ORDER, Finding, Severity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation, SpecIssue
from assay.domain.redaction import redact_text
from assay.oracles.base import VALID_INTENTS, OracleContext, operation_of

# Findings about the spec as a whole carry this in place of a method and a path.
SPEC_WIDE = "*"
WIDESPREAD = 5  # operations sharing one kind of issue before it is reported once, spec-wide

_SEVERITY: dict[str, Severity] = {
    "untyped_response": "low",
    "placeholder_schema": "low",
    "missing_schema": "low",
    "no_success_response": "low",
    "undocumented_auth": "low",
    "duplicate_operation_id": "low",
    "missing_operation_id": "info",
    "invalid_example": "info",
    "other": "info",
}
_FIX: dict[str, str] = {
    "untyped_response": (
        "Give the response a named schema with typed properties (in FastAPI, a `response_model`), so "
        "generated clients get typed models instead of `Dict[str, Any]`."
    ),
    "placeholder_schema": "Replace the placeholder schema (TODOSchema, an empty object) with the real model.",
    "missing_schema": "Document the schema of the request or response body.",
    "no_success_response": "Document the success response (code and schema).",
    "undocumented_auth": "Declare the security scheme and the operations' `security` requirement.",
    "duplicate_operation_id": "Make every operationId unique; code generators name methods after them.",
    "missing_operation_id": "Add an operationId; generated clients otherwise name the method after the path.",
    "invalid_example": "Fix the example so it validates against its own schema.",
    "other": "See the detail.",
}
_SHORT: dict[str, str] = {
    "untyped_response": "untyped response",
    "placeholder_schema": "placeholder schema",
    "missing_schema": "missing schema",
    "no_success_response": "no success response",
    "undocumented_auth": "undocumented authentication",
    "duplicate_operation_id": "duplicate operationId",
    "missing_operation_id": "no operationId",
    "invalid_example": "invalid example",
    "other": "spec issue",
}


def _route_of(issue: SpecIssue, api: ApiModel) -> tuple[str, str]:
    if issue.operation:
        op = api.operation(issue.operation)
        if op is not None:
            return op.method, op.path
        method, _sep, path = issue.operation.partition(" ")
        if path:
            return method.upper(), path
    return SPEC_WIDE, SPEC_WIDE


def _routes(api: ApiModel) -> dict[tuple[str, str], list[SpecIssue]]:
    """Issues grouped by where they are reported: their operation, or the spec as a whole."""
    ops_per_kind: dict[str, set[str]] = {}
    for issue in api.spec_issues:
        ops_per_kind.setdefault(issue.kind, set()).add(issue.operation or "")
    grouped: dict[tuple[str, str], list[SpecIssue]] = {}
    for issue in api.spec_issues:
        widespread = len(ops_per_kind[issue.kind]) >= WIDESPREAD
        route = (SPEC_WIDE, SPEC_WIDE) if widespread else _route_of(issue, api)
        grouped.setdefault(route, []).append(issue)
    return grouped


def _spec_wide_finding(issues: list[SpecIssue], secrets: Sequence[str]) -> Finding:
    """One finding for the issues that run through the spec, counted per kind."""
    per_kind: dict[str, list[SpecIssue]] = {}
    for issue in issues:
        per_kind.setdefault(issue.kind, []).append(issue)
    finding = _issue_finding((SPEC_WIDE, SPEC_WIDE), issues, secrets)
    parts = [f"{_SHORT[k]} ({len(v)} operations)" if len(v) > 1 else _SHORT[k] for k, v in per_kind.items()]
    affected: JsonObject = {k: [i.operation or SPEC_WIDE for i in v] for k, v in per_kind.items()}
    details = [
        f"{_SHORT[k]}: {len(v)} of the spec's issues, e.g. {v[0].message}" for k, v in per_kind.items()
    ]
    return replace(
        finding,
        title="The spec: " + ", ".join(parts),
        detail=redact_text(" ".join(d.rstrip(".") + "." for d in details), secrets),
        evidence={**finding.evidence, "issues": [], "operations_by_kind": affected},
    )


def _issue_finding(route: tuple[str, str], issues: list[SpecIssue], secrets: Sequence[str]) -> Finding:
    severity = max((_SEVERITY[i.kind] for i in issues), key=lambda s: SEVERITY_ORDER[s])
    kinds = list(dict.fromkeys(i.kind for i in issues))
    where = "The spec" if route[0] == SPEC_WIDE else f"`{route[0]} {route[1]}`"
    listed: list[Json] = [{"kind": i.kind, "message": redact_text(i.message, secrets)} for i in issues]
    evidence: JsonObject = {"issues": listed, "occurrences": len(issues)}
    return Finding(
        category="spec_quality",
        severity=severity,
        method=route[0],
        path=route[1],
        title=f"{where}: " + ", ".join(_SHORT[k] for k in kinds),
        detail=" ".join(redact_text(i.message, secrets).rstrip(".") + "." for i in issues),
        evidence=evidence,
        recommendation=" ".join(_FIX[k] for k in kinds),
        impact="Generated clients and documentation are weaker than the API: untyped or misleading.",
        occurrences=len(issues),
    )


def _undocumented(op: Operation, status: int) -> bool:
    codes = {s.upper() for s in op.documented_statuses()}
    return bool(codes) and not ({str(status), f"{status // 100}XX", "DEFAULT"} & codes)


# Statuses another oracle already reports for a valid request (missing_endpoint, spec_drift,
# redirect, status_code, server_error): listing them again here would only repeat those findings.
_OWNED = frozenset({400, 404, 405, 415, 422, *range(200, 400), *range(500, 600)})


def _observed_finding(exchanges: Sequence[Exchange], api: ApiModel) -> Finding | None:
    """Statuses valid requests got that the spec never mentions and no other oracle reports."""
    seen: dict[str, set[int]] = {}
    for exchange in exchanges:
        op = operation_of(exchange, api)
        status = exchange.status
        if op is None or status is None or status in _OWNED or exchange.intent not in VALID_INTENTS:
            continue
        if _undocumented(op, status):
            seen.setdefault(op.key, set()).add(status)
    if not seen:
        return None
    lines = [f"{key}: {', '.join(str(s) for s in sorted(codes))}" for key, codes in sorted(seen.items())]
    listed: list[Json] = [*lines]
    return Finding(
        category="spec_quality",
        severity="info",
        method=SPEC_WIDE,
        path=SPEC_WIDE,
        title=f"{len(seen)} operation(s) answer statuses the spec does not document",
        detail="Spec-valid requests got these undocumented statuses: " + "; ".join(lines[:10]) + ".",
        evidence={"undocumented_statuses": listed, "occurrences": len(lines)},
        recommendation="Document every status the operations really answer, with its body schema.",
        impact="Generated clients treat undocumented statuses as unexpected errors.",
        occurrences=len(lines),
    )


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """Spec issues as findings (one per operation), plus one note on undocumented statuses."""
    if api is None:
        return []
    findings = [
        _spec_wide_finding(issues, context.secrets)
        if route == (SPEC_WIDE, SPEC_WIDE)
        else _issue_finding(route, issues, context.secrets)
        for route, issues in _routes(api).items()
    ]
    observed = _observed_finding(exchanges, api)
    if observed is not None:
        if any(f.dedup_key == observed.dedup_key for f in findings):
            # Both would claim the spec-wide key; keep them apart by path so neither is lost in merging.
            observed = replace(observed, path=f"{SPEC_WIDE} (observed statuses)")
        findings.append(observed)
    return findings
