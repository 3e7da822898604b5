"""injection: SQL, NoSQL, shell and template metacharacters in every free string field.

Each probe is the operation's baseline request with one field changed; the judgment
(:func:`assay.oracles.injection.judge_injection`) only calls it injection when the answer
shows the interpreter, never when the payload is merely reflected back.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    oracle_context,
    slot_value,
    string_slots,
    with_value,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec
from assay.oracles.injection import (
    DELAY_SECONDS,
    DELAY_THRESHOLD,
    Payload,
    Trial,
    boolean_difference,
    judge_injection,
)

SLOTS_PER_OPERATION = 2


def detection_payloads(base: Json, *, is_get: bool, in_body: bool) -> list[Payload]:
    """The cheap payloads for one field; tautologies need a result set (GET), operators JSON (body)."""
    prefix = base if isinstance(base, str) else "x"
    found = [
        Payload("break", "SQL", "'\""),
        Payload("template", "template", "{{97*89}}${97*89}<%= 97*89 %>"),
        Payload("shell", "shell", "x;id;`id`$(id)"),
    ]
    if is_get:
        found.append(Payload("tautology", "SQL", f"{prefix}' OR '1'='1", f"{prefix}' AND '1'='2"))
    if in_body:
        found.append(Payload("nosql", "NoSQL", {"$ne": None}))
    return found


SLEEP_PAYLOADS = (
    Payload("sleep", "shell", f"x$(sleep {DELAY_SECONDS:g})"),
    Payload("sleep", "SQL", f"x'||pg_sleep({DELAY_SECONDS:g})--"),
    Payload("sleep", "SQL", f"x' OR SLEEP({DELAY_SECONDS:g})-- -"),
)


def injection_priority(op: Operation) -> int:
    """Within the budget, query-string text first (search and filter terms reach queries most),
    then body text, then the rest; the spec's order is kept within each group (sorting is stable)."""
    locations = {s.location for s in string_slots(op)}
    return 0 if "query" in locations else 1 if "body" in locations else 2


@dataclass
class _Plan:
    op: Operation
    spec: RequestSpec
    baseline: Exchange
    slots: list[Slot]


class InjectionFamily(AttackFamily):
    name = "injection"

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        plans = await self._plans(prober)
        trials: list[Trial] = []
        for plan in plans:
            trials += await self._detect(prober, plan)
        for plan in plans:
            trials += await self._timing(prober, plan)
        notes = [f"{len(plans)} operation(s), {len(trials)} payload trial(s)"]
        return Outcome(judge_injection(trials, oracle_context(ctx)), notes)

    async def _plans(self, prober: Prober) -> list[_Plan]:
        plans: list[_Plan] = []
        for op in sorted(prober.ctx.api.operations, key=injection_priority):
            fields = string_slots(op)[:SLOTS_PER_OPERATION]
            if not fields or not prober.allowed(op) or prober.client.exhausted:
                continue
            spec = await prober.baseline_spec(op)
            baseline = await prober.send(spec, "baseline")
            if baseline is not None and baseline.response is not None:
                plans.append(_Plan(op, spec, baseline, fields))
        return plans

    async def _detect(self, prober: Prober, plan: _Plan) -> list[Trial]:
        trials: list[Trial] = []
        for slot in plan.slots:
            payloads = detection_payloads(
                slot_value(plan.spec, slot), is_get=plan.op.method == "GET", in_body=slot.location == "body"
            )
            for payload in payloads:
                probe = await prober.send(
                    with_value(plan.spec, slot, payload.value), f"{payload.kind} in {slot.label}"
                )
                if probe is None:
                    return trials
                twin = None
                if payload.false_twin is not None:
                    twin = await prober.send(with_value(plan.spec, slot, payload.false_twin), "false twin")
                confirm = await self._confirm_pair(prober, plan, slot, probe, twin)
                trials.append(Trial(slot.label, payload, (plan.baseline,), (probe,), twin, confirm))
        return trials

    async def _confirm_pair(
        self, prober: Prober, plan: _Plan, slot: Slot, true: Exchange, false: Exchange | None
    ) -> tuple[Exchange, Exchange] | None:
        """A second true/false pair with other literals, only when the first pair differed."""
        if false is None or boolean_difference(true, false, plan.baseline) is None:
            return None
        prefix = slot_value(plan.spec, slot)
        prefix = prefix if isinstance(prefix, str) else "x"
        again_true = await prober.send(with_value(plan.spec, slot, f"{prefix}' OR 'b'='b"), "true again")
        again_false = await prober.send(with_value(plan.spec, slot, f"{prefix}' AND 'b'='c"), "false again")
        if again_true is None or again_false is None:
            return None
        return again_true, again_false

    async def _timing(self, prober: Prober, plan: _Plan) -> list[Trial]:
        trials: list[Trial] = []
        base_time = plan.baseline.response.elapsed_seconds if plan.baseline.response else 0.0
        for slot in plan.slots:
            for payload in SLEEP_PAYLOADS:
                spec = with_value(plan.spec, slot, payload.value)
                probe = await prober.send(spec, f"sleep in {slot.label}", timeout=10.0)
                if probe is None:
                    return trials
                elapsed = probe.response.elapsed_seconds if probe.response else 10.0
                if elapsed - base_time <= DELAY_THRESHOLD:
                    continue
                again = await prober.send(spec, "confirm delay", timeout=10.0)
                base2 = await prober.send(plan.spec, "baseline again")
                if again is not None and base2 is not None:
                    trials.append(Trial(slot.label, payload, (plan.baseline, base2), (probe, again)))
        return trials
