"""resource_exhaustion: an input that makes the server work far longer than its size explains.

The proof is timing against a baseline measured in the same run, on the same operation: the
fastest of two short answers (a busy machine only ever adds time). A finding needs the slow
answer twice (the smaller of the two counts), a time ratio to the baseline far above the size
ratio (or ≥ 10× for a huge page size), and more than 1 s, below which no slowness is worth a
report.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, route

SLOW_SECONDS = 1.0  # the floor of a report, not the test: the ratio to the baseline decides
RATIO_FACTOR = 8.0
TIMEOUT = 10.0
HUGE_PAGE = 1_000_000


def seconds(exchange: Exchange) -> float:
    """The answer time (assay's own loop lag taken out); a timeout counts as the whole timeout."""
    return exchange.response.own_seconds if exchange.response is not None else TIMEOUT


def quickest(exchanges: Sequence[Exchange]) -> float:
    """The fastest answer time among samples of the same request (never 0, to divide by)."""
    return max(min((seconds(e) for e in exchanges), default=TIMEOUT), 0.001)


def judge_growth(
    points: Sequence[tuple[int, Exchange]],
    confirm: Exchange | None,
    field: str,
    context: OracleContext,
    baseline: Sequence[Exchange] = (),
) -> list[Finding]:
    """A finding when the slowest rung, confirmed, took far longer than the first rung (at its
    fastest: ``baseline`` holds more samples of it) for its size, and over 1 s; pure."""
    if len(points) < 2 or confirm is None:
        return []
    (size0, first), (size1, last) = points[0], points[-1]
    t0, t1 = quickest([first, *baseline]), min(seconds(last), seconds(confirm))
    if t1 <= SLOW_SECONDS or t1 / t0 < RATIO_FACTOR * (size1 / size0):
        return []
    draft = Draft(
        category="resource_exhaustion",
        severity="high",
        title=f"{route(last)} works super-linearly on {field}",
        detail=(
            f"A {size1}-character value in {field} takes {seconds(last):.2f} s (again "
            f"{seconds(confirm):.2f} s), a {size0}-character one {t0:.3f} s in the same run: "
            f"{t1 / t0:.0f}× the time for {size1 / size0:.1f}× the size. "
            "Typical of catastrophic regex backtracking."
        ),
        recommendation=(
            "Bound the field's length before validating it, and use patterns without nested quantifiers "
            "(or a linear-time regex engine such as RE2)."
        ),
        impact="A handful of small requests can keep the server's workers busy: denial of service.",
        extra={
            "timings": {str(size): round(seconds(e), 3) for size, e in points},
            "baseline_seconds": round(t0, 4),
            "confirm_seconds": round(seconds(confirm), 3),
            "time_ratio": round(t1 / t0, 1),
            "size_ratio": round(size1 / size0, 2),
        },
    )
    return [build(draft, last, context)]


def judge_page_size(
    base: Exchange,
    huge: Exchange,
    confirm: Exchange | None,
    field: str,
    context: OracleContext,
    baseline: Sequence[Exchange] = (),
) -> list[Finding]:
    """A finding when a page size of a million, confirmed, takes ≥ 10× the default page (at its
    fastest: ``baseline`` holds more samples of it) and over 1 s; pure."""
    if confirm is None or (huge.status is None and huge.error is None):
        return []
    if (huge.status or 0) // 100 not in {2, 5} and huge.response is not None:
        return []  # refused (4xx): the page size is bounded
    t_base, t_huge = quickest([base, *baseline]), min(seconds(huge), seconds(confirm))
    if t_huge <= SLOW_SECONDS or t_huge < 10 * t_base:
        return []
    draft = Draft(
        category="resource_exhaustion",
        severity="medium",
        title=f"{route(huge)} accepts a page size of {HUGE_PAGE}",
        detail=f"{field}={HUGE_PAGE} takes {t_huge:.2f} s (the default {t_base:.3f} s); nothing caps it.",
        recommendation=f"Cap {field} (e.g. at 100) and answer 400/422 above the cap.",
        impact="Clients can make the server load and serialize whole tables per request.",
        extra={"baseline_seconds": round(t_base, 4), "time_ratio": round(t_huge / t_base, 1)},
    )
    return [build(draft, huge, context)]
