"""resource_exhaustion: growing pathological inputs, and huge page sizes, with the answer time tracked.

Regex-validated and free-text fields get ``c * n + "!"`` for growing ``n``: catastrophic
backtracking makes the time grow far faster than the size. The ladder starts small (an
exponential regex would hang on 1 KiB) and only moves on to 1k–16k when the short rungs stay
fast. The eight operations fed are chosen by risk (``rank_operations``), not by their place in
the spec.

The timing judgment is pure (:mod:`assay.oracles.resource_exhaustion`): against a baseline
measured in the same run, so on a loaded machine every answer is slower, the ratios hold, and
so does the finding.
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
from assay.oracles.resource_exhaustion import (
    HUGE_PAGE,
    RATIO_FACTOR,
    SLOW_SECONDS,
    TIMEOUT,
    judge_growth,
    judge_page_size,
    quickest,
    seconds,
)
from assay.spec.datagen import main_type, resolve

SHORT_LADDER = (12, 20, 24)
FINE_LADDER = (25, 26, 27, 28)  # one character at a time: exponential time doubles per rung
LONG_LADDER = (1024, 4096, 16384)
SUSPECT_SECONDS = 0.25  # a short rung this slow: do not feed it 1 KiB
CONFIRMS = 2  # a borderline confirmation earns one rung more, and one confirmation more
PAGE_NAMES = frozenset({"limit", "pagesize", "perpage", "size", "count", "max", "top", "take", "pagelimit"})
OPERATIONS = 8
_CHARS = "a0A .-_@"
_QUANTIFIER = r"(?:[+*]|\{\d+,\d*\})"
_NESTED = re.compile(rf"\((?:[^()\\]|\\.)*?{_QUANTIFIER}(?:[^()\\]|\\.)*\){_QUANTIFIER}")
_REPEATS = re.compile(_QUANTIFIER)


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


def validated(slot: Slot) -> bool:
    """A field the server checks against a pattern or a format (``email``, ``hostname``, ``uri``...):
    format checks are regular expressions too, and hand-written ones backtrack."""
    schema = resolve(slot.schema)
    return "pattern" in schema or bool(as_str(schema.get("format")))


def text_slots(op: Operation) -> list[Slot]:
    """Free-text fields, the riskiest ``pattern`` first, then any pattern or format, then plain text."""
    found = [s for s in string_slots(op) if s.location in {"query", "body"}]
    return sorted(found, key=lambda s: (-slot_risk(s), not validated(s)))


def rank_operations(ops: Sequence[Operation]) -> list[Operation]:
    """Operations worth feeding growing inputs, most promising first (the spec's order breaks ties):
    backtracking-prone patterns, then page sizes, then any pattern, then formats, then plain free text."""
    candidates = [op for op in ops if text_slots(op) or page_slots(op)]

    def key(op: Operation) -> tuple[bool, bool, int, bool]:
        risk = max((slot_risk(s) for s in text_slots(op)), default=0)
        checked = any(validated(s) for s in text_slots(op))
        return (risk < 2, not page_slots(op), -risk, not checked)

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
        confirms = 0
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
            fast = quickest([points[0][1], *baseline])
            if len(points) > 1 and seconds(exchange) > max(SLOW_SECONDS, RATIO_FACTOR * fast):
                confirm = await prober.send(with_value(spec, slot, value), "confirm", timeout=TIMEOUT)
                found = judge_growth(points, confirm, slot.label, oracle_context(prober.ctx), baseline)
                confirms += 1
                if found or confirms >= CONFIRMS or not _borderline(confirm, fast):
                    return found
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


def _borderline(confirm: Exchange | None, fast: float) -> bool:
    """A confirmation just under the report's floor that is still far above the baseline: on a
    loaded machine the same rung lands either side of 1 s; one rung more (twice the work for an
    exponential pattern) settles it, where stopping here would make the finding come and go."""
    return confirm is not None and seconds(confirm) > RATIO_FACTOR * fast


def _next_rung(size: int, points: list[tuple[int, Exchange]], baseline: Sequence[Exchange]) -> bool:
    """Fine rungs only when the short ones grew; long rungs only when nothing looks exponential."""
    if size in SHORT_LADDER or not points:
        return True
    growing = seconds(points[-1][1]) > 4 * max(quickest([points[0][1], *baseline]), 0.005)
    if size in FINE_LADDER:
        return growing
    return not growing and seconds(points[-1][1]) <= SUSPECT_SECONDS
