"""slow_response: an operation whose spec-valid requests are consistently over the latency budget.

"Consistently" means the median of at least two samples: one slow request is a hiccup (a cold
cache, a GC pause), not a finding. A read sampled once and slow is sent again before judging
(``agents/analysis/resample.py``): those replays, marked :data:`RESAMPLE_ACTION`, are samples too.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.operations import ApiModel
from assay.oracles.base import (
    VALID_INTENTS,
    Draft,
    OracleContext,
    build,
    group_by_route,
    label,
    median_of,
    route,
)

MIN_SAMPLES = 2
RESAMPLE_ACTION = "resample: slow answer"
# Several times the budget is no longer sluggish but close to a timeout for most clients.
_MEDIUM_FACTOR = 5.0


def _samples(group: Sequence[Exchange]) -> list[Exchange]:
    return [
        e
        for e in group
        if e.response is not None
        and (e.intent in VALID_INTENTS or (e.intent == "replay" and e.action == RESAMPLE_ACTION))
    ]


def _finding(samples: list[Exchange], api: ApiModel | None, context: OracleContext) -> Finding | None:
    times = sorted(e.response.elapsed_seconds for e in samples if e.response is not None)
    budget = context.latency_budget_seconds
    middle = median_of(times)
    if len(times) < MIN_SAMPLES or middle <= budget:
        return None
    slowest = max(samples, key=lambda e: e.response.elapsed_seconds if e.response else 0.0)
    severity: Severity = "medium" if middle >= budget * _MEDIUM_FACTOR else "low"
    name = label(slowest, api)
    over = sum(1 for t in times if t > budget)
    draft = Draft(
        category="slow_response",
        severity=severity,
        title=f"{name} takes {middle:.1f} s (budget {budget:g} s)",
        detail=(
            f"`{route(slowest)}`: median {middle:.2f} s over {len(times)} spec-valid requests, "
            f"{over} of them above the {budget:g} s budget "
            f"(fastest {times[0]:.2f} s, slowest {times[-1]:.2f} s)."
        ),
        recommendation=(
            f"Profile `{route(slowest)}`: look for N+1 queries, missing indexes, unbounded result sets or "
            "synchronous calls to slow services; paginate or cache, or move the work to a background job."
        ),
        impact="Users wait; clients with short timeouts fail.",
        extra={
            "median_seconds": round(middle, 3),
            "samples": len(times),
            "budget_seconds": budget,
            "max_seconds": round(times[-1], 3),
        },
    )
    return build(draft, slowest, context, occurrences=over)


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route whose median latency on valid requests exceeds the budget."""
    findings: list[Finding] = []
    for group in group_by_route(exchanges).values():
        finding = _finding(_samples(group), api, context)
        if finding is not None:
            findings.append(finding)
    return findings
