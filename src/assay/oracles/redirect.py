"""redirect: an undocumented 3xx where the API should have answered.

The classic case is a framework's slash redirect (FastAPI/Starlette ``redirect_slashes``,
Django ``APPEND_SLASH``): ``GET /api/v1/agents`` answers 307 to ``/api/v1/agents/``. It works in
a browser and breaks clients that do not follow redirects, or that drop the body or the
Authorization header when they do. Redirects the spec documents (httpbin's ``/redirect-to``
answers 302 by design) are the operation's job and never reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.operations import ApiModel
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    concrete_path,
    documented_status,
    expected,
    group_by_route,
    label,
    method_of,
    operation_of,
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_JUDGED_INTENTS = VALID_INTENTS | {"variant"}
# 301/302/303 turn a POST into a GET in most clients: the body is silently lost.
_BODY_LOSING = frozenset({301, 302, 303})


def _target_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_slash_redirect(exchange: Exchange, location: str) -> bool:
    here = concrete_path(exchange)
    there = urlsplit(location).path
    return bool(there) and here != there and here.rstrip("/") == there.rstrip("/")


def _qualifies(exchange: Exchange, api: ApiModel | None) -> bool:
    status = exchange.status
    if status not in _REDIRECTS or exchange.intent not in _JUDGED_INTENTS:
        return False
    if expected(exchange, status):
        return False
    op = operation_of(exchange, api)
    return not (op is not None and documented_status(op, status))


def _severity(exchange: Exchange) -> Severity:
    method = method_of(exchange)
    status = exchange.status or 0
    if method not in {"GET", "HEAD"} and status in _BODY_LOSING:
        return "medium"
    if exchange.intent in VALID_INTENTS and exchange.request.url.startswith("https:"):
        location = (exchange.response.header("location") if exchange.response else None) or ""
        if location.startswith("http:"):
            return "medium"  # a downgrade to plain HTTP leaks the credentials on the redirect
    return "low"


def _finding(hits: list[Exchange], total: int, api: ApiModel | None, context: OracleContext) -> Finding:
    # A spec-valid request that redirects matters more than a variant we made up.
    worst = next((e for e in hits if e.intent in VALID_INTENTS), hits[0])
    assert worst.response is not None
    status = worst.response.status
    location = worst.response.header("location") or ""
    here = concrete_path(worst)
    there = _target_path(location) if location else "(no Location header)"
    method = method_of(worst)
    slash = _is_slash_redirect(worst, location)
    if worst.intent == "variant":
        what = "with its trailing slash changed" if slash else "as a path variant"
        detail = f"`{method} {here}` ({what}) answers {status} to `{there}` instead of serving the request."
    else:
        detail = (
            f"A spec-valid `{method} {here}` answers {status} to `{there}` instead of serving the request."
        )
    if method not in {"GET", "HEAD"}:
        detail += f" For a {method}, clients that follow a {status} " + (
            "turn it into a GET and drop the body." if status in _BODY_LOSING else "must resend the body."
        )
    if slash:
        fix = (
            f"Accept both `{here.rstrip('/') or '/'}` and `{here.rstrip('/')}/` (e.g. register the route "
            "for both, or disable the framework's slash redirect) or document the canonical form in the "
            "spec, so clients don't pay a redirect or lose the body/Authorization header on it."
        )
    else:
        fix = f"Serve `{method} {here}` directly, or document the {status} and its Location in the spec."
    draft = Draft(
        category="redirect",
        severity=_severity(worst),
        title=f"{method} {here} answers {status} to {there}",
        detail=detail + (f" {len(hits)} of {total} requests redirected." if len(hits) > 1 else ""),
        recommendation=fix,
        impact="Clients that do not follow redirects fail; those that do may lose the body or credentials.",
        extra={"location": location, "operation": label(worst, api)},
    )
    return build(draft, worst, context, occurrences=len(hits))


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route whose valid or variant requests are redirected undocumented."""
    findings: list[Finding] = []
    for group in group_by_route(exchanges).values():
        hits = [e for e in group if _qualifies(e, api)]
        if hits:
            findings.append(_finding(hits, len(group), api, context))
    return findings
