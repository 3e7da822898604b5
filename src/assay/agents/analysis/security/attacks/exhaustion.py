"""resource_exhaustion: growing pathological inputs, and huge page sizes, with the answer time tracked.

Regex-validated and free-text fields get ``c * n + "!"`` for growing ``n``: catastrophic
backtracking makes the time grow far faster than the size. The ladder starts small (an
exponential regex would hang on 1 KiB) and only moves on to 1k–16k when the short rungs stay
fast. The eight operations fed are chosen by risk (``rank_operations``), not by their place in
the spec.

Timing is judged against a baseline measured in the same run, on the same operation: the
fastest of two short answers (a busy machine only ever adds time, so the minimum is the honest
baseline). A finding needs the slow answer twice (the smaller of the two counts), a time ratio
to the baseline far above the size ratio, and more than 1 s, below which no slowness is worth a
report. On a loaded machine every answer is slower, the ratios hold, and so does the finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    finding,
    oracle_context,
    slots,
    string_slots,
    with_value,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json, as_str
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext, route
from assay.spec.datagen import main_type, resolve

SHORT_LADDER = (12, 20, 24)
FINE_LADDER = (25, 26, 27, 28)  # one character at a time: exponential time doubles per rung
LONG_LADDER = (1024, 4096, 16384)
SLOW_SECONDS = 1.0  # the floor of a report, not the test: the ratio to the baseline decides
SUSPECT_SECONDS = 0.25  # a short rung this slow: do not feed it 1 KiB
RATIO_FACTOR = 8.0
TIMEOUT = 10.0
HUGE_PAGE = 1_000_000
PAGE_NAMES = frozenset({"limit", "pagesize", "perpage", "size", "count", "max", "top", "take", "pagelimit"})
OPERATIONS = 8
_CHARS = "a0A .-_@"
_QUANTIFIER = r"(?:[+*]|\{\d+,\d*\})"
_NESTED = re.compile(rf"\((?:[^()\\]|\\.)*?{_QUANTIFIER}(?:[^()\\]|\\.)*\){_QUANTIFIER}")
_REPEATS = re.compile(_QUANTIFIER)


def seconds(exchange: Exchange) -> float:
    """The answer time; a timeout counts as the whole timeout."""
    return exchange.response.elapsed_seconds if exchange.response is not None else TIMEOUT


def filler(pattern: str | None) -> str:
    """A character the field's pattern accepts in a run (``aaaa``), so the regex engine backtracks."""
    if pattern:
        for char in _CHARS:
            try:
                if re.search(pattern, char * 6):
                    return char
            except re.error:
                break
    return "a"


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
    return [finding(draft, last, context)]


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
    return [finding(draft, huge, context)]


def pattern_risk(pattern: str | None) -> int:
    """2 for a quantified group holding a quantifier (``(a+)*``: may backtrack exponentially), 1 for
    any other repetition, 0 for a fixed pattern or none."""
    if not pattern:
        return 0
    if _NESTED.search(pattern):
        return 2
    return 1 if _REPEATS.search(pattern) else 0


def slot_risk(slot: Slot) -> int:
    return pattern_risk(as_str(resolve(slot.schema).get("pattern")) or None)


def text_slots(op: Operation) -> list[Slot]:
    """Free-text fields, the riskiest ``pattern`` first, then any pattern, then plain text."""
    found = [s for s in string_slots(op) if s.location in {"query", "body"}]
    return sorted(found, key=lambda s: (-slot_risk(s), "pattern" not in resolve(s.schema)))


def rank_operations(ops: Sequence[Operation]) -> list[Operation]:
    """Operations worth feeding growing inputs, most promising first (the spec's order breaks ties):
    backtracking-prone patterns, then page sizes, then any pattern, then plain free text."""
    candidates = [op for op in ops if text_slots(op) or page_slots(op)]

    def key(op: Operation) -> tuple[bool, bool, int]:
        risk = max((slot_risk(s) for s in text_slots(op)), default=0)
        return (risk < 2, not page_slots(op), -risk)

    return sorted(candidates, key=key)


def page_slots(op: Operation) -> list[Slot]:
    return [
        s
        for s in slots(op)
        if s.location == "query"
        and re.sub(r"[^a-z]", "", s.name.lower()) in PAGE_NAMES
        and main_type(resolve(s.schema)) in {"integer", "number", None}
    ]


@dataclass
class _Budget:
    operations: int = OPERATIONS


class ResourceExhaustionFamily(AttackFamily):
    name = "resource_exhaustion"
    budget_cap = 60

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        findings: list[Finding] = []
        ops = [op for op in rank_operations(ctx.api.operations) if prober.allowed(op)]
        for op in ops[:OPERATIONS]:
            findings += await self._ladder(prober, op)
            findings += await self._page(prober, op)
        return Outcome(findings, [f"{min(len(ops), OPERATIONS)} operation(s) fed growing inputs"])

    async def _ladder(self, prober: Prober, op: Operation) -> list[Finding]:
        fields = text_slots(op)[:1]
        if not fields:
            return []
        slot = fields[0]
        char = filler(as_str(resolve(slot.schema).get("pattern")) or None)
        spec = await prober.baseline_spec(op)
        points: list[tuple[int, Exchange]] = []
        baseline: list[Exchange] = []
        for size in (*SHORT_LADDER, *FINE_LADDER, *LONG_LADDER):
            if not _next_rung(size, points, baseline):
                continue
            value: Json = char * size + "!"
            action = f"{size} chars in {slot.label}"
            exchange = await prober.send(with_value(spec, slot, value), action, timeout=TIMEOUT)
            if exchange is None:
                return []
            points.append((size, exchange))
            if len(points) == 1:  # the first rung twice: its faster answer is the run's baseline
                again = await prober.send(with_value(spec, slot, value), f"{action}, again", timeout=TIMEOUT)
                baseline.extend([again] if again is not None else [])
            slow = max(SLOW_SECONDS, RATIO_FACTOR * quickest([points[0][1], *baseline]))
            if len(points) > 1 and seconds(exchange) > slow:  # a slow first rung is noise: go on
                confirm = await prober.send(with_value(spec, slot, value), "confirm", timeout=TIMEOUT)
                return judge_growth(points, confirm, slot.label, oracle_context(prober.ctx), baseline)
        return []

    async def _page(self, prober: Prober, op: Operation) -> list[Finding]:
        fields = page_slots(op)[:1]
        if not fields or op.method != "GET":
            return []
        spec = await prober.baseline_spec(op)
        base = await prober.send(spec, "default page size")
        huge = await prober.send(with_value(spec, fields[0], HUGE_PAGE), "huge page size", timeout=TIMEOUT)
        if base is None or huge is None or seconds(huge) <= SLOW_SECONDS:
            return []
        again = await prober.send(spec, "default page size, again")  # a second baseline sample
        confirm = await prober.send(with_value(spec, fields[0], HUGE_PAGE), "confirm", timeout=TIMEOUT)
        baseline = [again] if again is not None else []
        return judge_page_size(base, huge, confirm, fields[0].name, oracle_context(prober.ctx), baseline)


def _next_rung(size: int, points: list[tuple[int, Exchange]], baseline: Sequence[Exchange]) -> bool:
    """Fine rungs only when the short ones grew; long rungs only when nothing looks exponential."""
    if size in SHORT_LADDER or not points:
        return True
    growing = seconds(points[-1][1]) > 4 * max(quickest([points[0][1], *baseline]), 0.005)
    if size in FINE_LADDER:
        return growing
    return not growing and seconds(points[-1][1]) <= SUSPECT_SECONDS
