"""slow_response: an operation whose spec-valid requests are consistently slow, for this target.

Slow is judged against the same run, never against the wall clock alone, because a loaded assay
(fifty workflows on two cores) makes every answer look slow although the target is not:

- Each answer's own time is its elapsed time less assay's event-loop lag measured while it was
  awaited (``RecordedResponse.own_seconds``): assay's congestion is taken out first.
- The run's baseline is the median own time of the answers to the *other* routes
  (:func:`baseline_seconds`): what a request to this target costs in this run, now. A route is
  slow only when it is :data:`FACTOR` times that baseline and above the latency budget (the
  absolute floor; with too few other answers for a baseline, the floor alone).
- "Consistently" means the median of at least two samples is over that line and at least two
  samples are each over it: one slow request is a hiccup (a cold cache, a GC pause), not a
  finding. A read sampled once and slow is sent again before judging
  (``agents/analysis/resample.py``): those replays, marked :data:`RESAMPLE_ACTION`, are samples too.

A target whose every route is equally slow is not reported: by timing alone that cannot be told
apart from a congested machine, and a false finding under load is worse than a missed one.
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
    group_key,
    label,
    median_of,
    route,
)

MIN_SAMPLES = 2
RESAMPLE_ACTION = "resample: slow answer"
# Several times the budget is no longer sluggish but close to a timeout for most clients.
_MEDIUM_FACTOR = 5.0
# How many times the run's baseline a route must take: well beyond the spread of a busy server.
FACTOR = 4.0
MIN_BASELINE = 3  # answers to other routes needed before their median is a baseline


def baseline_seconds(exchanges: Sequence[Exchange], excluding: tuple[str, str] | None = None) -> float | None:
    """The median own time of the run's answers (those to ``excluding``'s route left out); None if too few."""
    times = [
        e.response.own_seconds
        for e in exchanges
        if e.response is not None and (excluding is None or group_key(e) != excluding)
    ]
    return median_of(times) if len(times) >= MIN_BASELINE else None


def slow_line(floor: float, baseline: float | None) -> float:
    """The own time over which an answer counts as slow: the floor, or FACTOR x the baseline if higher."""
    return floor if baseline is None else max(floor, FACTOR * baseline)


def _samples(group: Sequence[Exchange]) -> list[Exchange]:
    return [
        e
        for e in group
        if e.response is not None
        and (e.intent in VALID_INTENTS or (e.intent == "replay" and e.action == RESAMPLE_ACTION))
    ]


def _finding(
    samples: list[Exchange], baseline: float | None, api: ApiModel | None, context: OracleContext
) -> Finding | None:
    times = sorted(e.response.own_seconds for e in samples if e.response is not None)
    budget = context.latency_budget_seconds
    line = slow_line(budget, baseline)
    middle = median_of(times)
    over = sum(1 for t in times if t > line)
    if len(times) < MIN_SAMPLES or middle <= line or over < MIN_SAMPLES:
        return None
    slowest = max(samples, key=lambda e: e.response.own_seconds if e.response else 0.0)
    severity: Severity = "medium" if middle >= budget * _MEDIUM_FACTOR else "low"
    name = label(slowest, api)
    against = f", {middle / baseline:.0f}x this run's baseline of {baseline:.2f} s" if baseline else ""
    lag = max((e.response.loop_lag_seconds for e in samples if e.response is not None), default=0.0)
    draft = Draft(
        category="slow_response",
        severity=severity,
        title=f"{name} takes {middle:.1f} s (budget {budget:g} s)",
        detail=(
            f"`{route(slowest)}`: median {middle:.2f} s over {len(times)} spec-valid requests{against}, "
            f"{over} of them above the {line:.2g} s line "
            f"(fastest {times[0]:.2f} s, slowest {times[-1]:.2f} s; assay's own loop lag taken out)."
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
            "baseline_seconds": round(baseline, 3) if baseline is not None else None,
            "max_seconds": round(times[-1], 3),
            "loop_lag_seconds": round(lag, 3),
        },
    )
    return build(draft, slowest, context, occurrences=over)


def judge(exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per route whose valid requests are consistently slow against the run's baseline."""
    findings: list[Finding] = []
    for key, group in group_by_route(exchanges).items():
        finding = _finding(_samples(group), baseline_seconds(exchanges, excluding=key), api, context)
        if finding is not None:
            findings.append(finding)
    return findings
