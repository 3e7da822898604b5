"""server_error: a 5xx answer, or a connection dropped / timed out instead of an answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import SEVERITY_ORDER, Finding, Severity
from assay.domain.operations import ApiModel
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    group_by_route,
    label,
    method_of,
    route,
    scenario_severity,
)

_REASONS = {
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CORE_SCENARIO_SEVERITY = 8


def _failed(exchange: Exchange) -> bool:
    if exchange.response is None:
        if exchange.error is None or exchange.error.startswith("refused"):
            return False  # assay's own safety policy stopped it: the target never saw it
        # A single drop may be the client's keep-alive race; only one that repeats counts.
        return _is_timeout(exchange) or exchange.dropped_again
    return exchange.response.status >= 500


def _is_timeout(exchange: Exchange) -> bool:
    text = (exchange.error or "").lower()
    if exchange.response is not None or "connection dropped" in text:
        return False
    return "no answer within" in text or "timeout" in text


def _is_drop(exchange: Exchange) -> bool:
    return exchange.response is None and not _is_timeout(exchange)


def _severity(exchange: Exchange, context: OracleContext) -> Severity:
    if _is_drop(exchange):
        # No answer and no server-side error to show: a proxy, a limit or a crash; at most medium.
        return "medium"
    if exchange.intent in {"invalid", "probe"} and exchange.response is not None:
        # Bad input, or a value we had to guess, should have been a 4xx; the service still works.
        return "medium"
    if exchange.intent in VALID_INTENTS and (
        method_of(exchange) in _WRITES or scenario_severity(exchange, context) >= CORE_SCENARIO_SEVERITY
    ):
        return "critical"
    return "high"


def _what(exchange: Exchange) -> str:
    if exchange.response is None:
        return "times out" if _is_timeout(exchange) else "drops the connection"
    return f"answers {exchange.response.status}"


def _describe(exchange: Exchange) -> str:
    if exchange.response is None:
        retried = " (also on a retry)" if exchange.retried else ""
        return f"no answer: {exchange.error or 'connection dropped, no reason given'}{retried}"
    status = exchange.response.status
    return f"{status} {_REASONS.get(status, '')}".strip()


def _recommendation(exchange: Exchange, name: str) -> str:
    if exchange.response is None:
        if _is_timeout(exchange):
            return (
                f"Find what `{route(exchange)}` waits on (a slow query, a lock, a downstream call "
                "without a timeout); bound it and answer 503/504 with a structured error instead of hanging."
            )
        return (
            f"The server closed the connection during `{route(exchange)}`: look for a crashed worker "
            "(out of memory, an unhandled exception in the ASGI/WSGI layer) or a proxy cutting the request."
        )
    if exchange.intent == "invalid":
        return (
            f"Validate the input of `{route(exchange)}` before using it and answer 400/422 naming the "
            "offending field; an exception on bad input usually means validation happens too late "
            "(in the database or a downstream call)."
        )
    return (
        f"Check the server log for the exception raised by `{route(exchange)}` ({name}) with the request "
        "shown in the evidence. If a dependency (database, LLM or payment API, missing API key) fails, "
        "catch it and answer 502/503 with a structured error so clients can retry or explain."
    )


def _judge_route(
    failures: list[Exchange], total: int, api: ApiModel | None, context: OracleContext
) -> Finding:
    ranked = sorted(failures, key=lambda e: SEVERITY_ORDER[_severity(e, context)], reverse=True)
    worst = ranked[0]
    severity = _severity(worst, context)
    name = label(worst, api)
    invalid_only = worst.intent == "invalid" and worst.response is not None
    title = f"{name} {_what(worst)}" + (" to invalid input" if invalid_only else "")
    counts = Counter(_describe(e) for e in failures)
    summary = ", ".join(f"{n}× {what}" for what, n in counts.most_common())
    if invalid_only:
        detail = (
            f"`{route(worst)}` answers {_describe(worst)} to a request with invalid input; a 4xx naming "
            f"the problem was expected. {len(failures)} of {total} requests to it failed ({summary})."
        )
    else:
        if total == 1:
            share = "the one request sent to it"
        elif len(failures) == total:
            share = f"all {total} requests sent to it"
        else:
            share = f"{len(failures)} of {total} requests sent to it"
        detail = (
            f"`{route(worst)}` ({name}) failed on {share}: {summary}. "
            f"The evidence shows a {worst.intent} request."
        )
        if all(_is_drop(e) for e in failures):
            detail += (
                " Only dropped connections were seen, no 5xx answer: the drop repeated on a fresh "
                "connection (so it is not a stale keep-alive connection), but nothing shows a "
                "server-side error, so it is rated at most medium; check the server log for a crash."
            )
    impact = (
        "Clients get an error for a request the API documents as valid; the feature is unusable."
        if worst.intent != "invalid"
        else "Bad input crashes the handler instead of being rejected; clients cannot tell what to fix."
    )
    draft = Draft(
        category="server_error",
        severity=severity,
        title=title,
        detail=detail,
        recommendation=_recommendation(worst, name),
        impact=impact,
        extra={"failures": dict(counts), "requests": total},
    )
    return build(draft, worst, context, occurrences=len(failures))


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route that answered 5xx or dropped the connection at least once."""
    findings: list[Finding] = []
    for group in group_by_route(exchanges).values():
        failures = [e for e in group if _failed(e)]
        if failures:
            findings.append(_judge_route(failures, len(group), api, context))
    return findings
