"""injection: SQL, NoSQL, shell and template metacharacters in every free string field.

Each probe is the operation's baseline request with one field changed; the judgment
(:func:`assay.oracles.injection.judge_injection`) only calls it injection when the answer
shows the interpreter, never when the payload is merely reflected back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    oracle_context,
    slot_value,
    slots,
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
from assay.spec.datagen import main_type, resolve

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


def numeric_slots(op: Operation) -> list[Slot]:
    """Integer path and query parameters of a read: ``WHERE id = {id}`` needs no quote to break out."""
    if op.method != "GET":
        return []
    return [
        s for s in slots(op) if s.location in {"path", "query"} and main_type(resolve(s.schema)) == "integer"
    ]


def numeric_tautology(base: Json) -> Payload:
    number = base if isinstance(base, int) and not isinstance(base, bool) else 1
    return Payload("tautology", "SQL", f"{number} OR 1=1", f"{number} AND 1=2")


# A query-string operator (``name[$ne]=x``, as qs and PHP parse it into ``{"$ne": "x"}``): the
# value ``[$ne]x`` stands for that key and value (see ``placed``).
_OPERATOR = re.compile(r"^\[(\$[a-z]+)\](.*)$", re.DOTALL)


def operator_pair(base: Json) -> Payload:
    """``name[$ne]=v`` (everything but v) against ``name[$eq]=v``, for a query string slot."""
    value = base if isinstance(base, str) else "x"
    return Payload("tautology", "NoSQL", f"[$ne]{value}", f"[$eq]{value}")


def placed(spec: RequestSpec, slot: Slot, value: Json) -> RequestSpec:
    """``spec`` with ``value`` in ``slot``; an operator value goes in the key (``name[$ne]``)."""
    shown = _OPERATOR.match(value) if isinstance(value, str) and slot.location == "query" else None
    if shown is None:
        return with_value(spec, slot, value)
    query = {k: v for k, v in spec.query.items() if k != slot.name}
    return replace(spec, query={**query, f"{slot.name}[{shown.group(1)}]": shown.group(2)})


def confirm_values(payload: Payload, base: Json) -> tuple[str, str]:
    """A second true/false pair with other literals, in the payload's own form (quoted or numeric)."""
    if isinstance(payload.value, str) and _OPERATOR.match(payload.value):
        return "[$gt]", "[$lt]"  # every string is greater than "", none is less
    if isinstance(payload.value, str) and payload.value.endswith(" OR 1=1"):
        number = payload.value.removesuffix(" OR 1=1")
        return f"{number} OR 2=2", f"{number} AND 2=3"
    prefix = base if isinstance(base, str) else "x"
    return f"{prefix}' OR 'b'='b", f"{prefix}' AND 'b'='c"


@dataclass
class _Plan:
    op: Operation
    spec: RequestSpec
    baseline: Exchange
    slots: list[Slot]
    numbers: list[Slot]


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
            fields, numbers = string_slots(op)[:SLOTS_PER_OPERATION], numeric_slots(op)[:1]
            if not (fields or numbers) or not prober.allowed(op) or prober.client.exhausted:
                continue
            spec = await prober.baseline_spec(op)
            baseline = await prober.send(spec, "baseline")
            if baseline is not None and baseline.response is not None:
                plans.append(_Plan(op, spec, baseline, fields, numbers))
        return plans

    async def _detect(self, prober: Prober, plan: _Plan) -> list[Trial]:
        trials: list[Trial] = []
        fields = [
            (
                slot,
                detection_payloads(
                    slot_value(plan.spec, slot),
                    is_get=plan.op.method == "GET",
                    in_body=slot.location == "body",
                ),
            )
            for slot in plan.slots
        ]
        fields += [(slot, [numeric_tautology(slot_value(plan.spec, slot))]) for slot in plan.numbers]
        if plan.op.method == "GET":
            queries = [s for s in plan.slots if s.location == "query"]
            fields += [(slot, [operator_pair(slot_value(plan.spec, slot))]) for slot in queries]
        for slot, payloads in fields:
            for payload in payloads:
                probe = await prober.send(
                    placed(plan.spec, slot, payload.value), f"{payload.kind} in {slot.label}"
                )
                if probe is None:
                    return trials
                twin = None
                if payload.false_twin is not None:
                    twin = await prober.send(placed(plan.spec, slot, payload.false_twin), "false twin")
                confirm = await self._confirm_pair(prober, plan, slot, payload, probe, twin)
                trials.append(Trial(slot.label, payload, (plan.baseline,), (probe,), twin, confirm))
        return trials

    async def _confirm_pair(
        self,
        prober: Prober,
        plan: _Plan,
        slot: Slot,
        payload: Payload,
        true: Exchange,
        false: Exchange | None,
    ) -> tuple[Exchange, Exchange] | None:
        """A second true/false pair with other literals, only when the first pair differed."""
        if false is None or boolean_difference(true, false, plan.baseline) is None:
            return None
        true_value, false_value = confirm_values(payload, slot_value(plan.spec, slot))
        again_true = await prober.send(placed(plan.spec, slot, true_value), "true again")
        again_false = await prober.send(placed(plan.spec, slot, false_value), "false again")
        if again_true is None or again_false is None:
            return None
        return again_true, again_false

    async def _timing(self, prober: Prober, plan: _Plan) -> list[Trial]:
        trials: list[Trial] = []
        base_time = plan.baseline.response.own_seconds if plan.baseline.response else 0.0
        for slot in plan.slots:
            for payload in SLEEP_PAYLOADS:
                spec = with_value(plan.spec, slot, payload.value)
                probe = await prober.send(spec, f"sleep in {slot.label}", timeout=10.0)
                if probe is None:
                    return trials
                elapsed = probe.response.own_seconds if probe.response else 10.0
                if elapsed - base_time <= DELAY_THRESHOLD:
                    continue
                again = await prober.send(spec, "confirm delay", timeout=10.0)
                base2 = await prober.send(plan.spec, "baseline again")
                if again is not None and base2 is not None:
                    trials.append(Trial(slot.label, payload, (plan.baseline, base2), (probe, again)))
        return trials
