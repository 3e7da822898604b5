"""injection: SQL, NoSQL, shell and template metacharacters in every free string field.

Each probe is the operation's baseline request with one field changed. The oracle
(:func:`judge_injection`) only calls it injection when the answer shows the interpreter:
its error text (absent from the baseline), its output (``uid=`` of ``id``, the product of a
template expression), a tautology that widens the result set against both the baseline and
a false twin, or a sleep payload slower than the baseline by more than 2 s twice in a row.
A payload merely reflected back (httpbin's ``/anything``) shows none of these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    finding,
    list_size,
    oracle_context,
    slot_value,
    string_slots,
    with_value,
)
from assay.agents.analysis.security.attacks.exposure import PLAINTEXT, leaks_in
from assay.agents.analysis.security.attacks.signatures import SHELL_OUTPUT, interpreter_error
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, group_by_route, route
from assay.oracles.refusal import accepted

PayloadKind = Literal["break", "template", "shell", "tautology", "nosql", "sleep"]
TEMPLATE_PRODUCT = "8633"  # 97*89: a number an ordinary answer is unlikely to hold by chance
# ...as a token of its own: inside a timestamp (.486331), a longer number or a UUID group
# (…-8633-…) it is chance, and a template finding on chance costs as much trust as a miss.
TEMPLATE_SHOWN = re.compile(rf"(?<![\w.\-]){TEMPLATE_PRODUCT}(?![\w.\-])")
DELAY_SECONDS = 3.0
DELAY_THRESHOLD = 2.0
SLOTS_PER_OPERATION = 2


@dataclass(frozen=True)
class Payload:
    kind: PayloadKind
    interpreter: str
    value: Json
    false_twin: Json = None


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


@dataclass(frozen=True)
class Trial:
    """One payload in one field: the baseline answer(s), the probe answer(s), a false twin."""

    slot: str
    payload: Payload
    baselines: tuple[Exchange, ...]
    probes: tuple[Exchange, ...]
    twin: Exchange | None = None


@dataclass(frozen=True)
class Verdict:
    evidence: Exchange
    how: str  # "error", "output", "tautology", "operator", "delay"
    detail: str


def _text(exchange: Exchange | None) -> str:
    return exchange.response.text if exchange is not None and exchange.response is not None else ""


def _status(exchange: Exchange | None) -> int:
    if exchange is None or exchange.status is None:
        return 0
    return exchange.status


def _error_verdict(trial: Trial) -> Verdict | None:
    baseline_errors = {interpreter_error(_text(b)) for b in trial.baselines}
    for probe in (*trial.probes, *([trial.twin] if trial.twin else [])):
        found = interpreter_error(_text(probe))
        if _status(probe) >= 500 and found is not None and found not in baseline_errors:
            kind, text = found
            return Verdict(probe, "error", f"the answer is {_status(probe)} with a {kind} error (`{text}`)")
    return None


def _output_verdict(trial: Trial) -> Verdict | None:
    base_text = " ".join(_text(b) for b in trial.baselines)
    for probe in trial.probes:
        text = _text(probe)
        shown = SHELL_OUTPUT.search(text)
        if trial.payload.kind == "shell" and shown and not SHELL_OUTPUT.search(base_text):
            return Verdict(probe, "output", f"the answer carries the output of `id` (`{shown.group(0)}`)")
        if (
            trial.payload.kind == "template"
            and TEMPLATE_SHOWN.search(text)
            and not TEMPLATE_SHOWN.search(base_text)
        ):
            return Verdict(probe, "output", f"the answer holds {TEMPLATE_PRODUCT}, the value of 97*89")
    return None


def _tautology_verdict(trial: Trial) -> Verdict | None:
    if trial.payload.kind != "tautology" or trial.twin is None or not trial.probes:
        return None
    probe, base = trial.probes[0], trial.baselines[0]
    if any(_status(e) // 100 != 2 for e in (probe, base, trial.twin)):
        return None
    sizes = [list_size(e.response.json if e.response else None) for e in (probe, base, trial.twin)]
    true_n, base_n, false_n = sizes
    if true_n is None or base_n is None or false_n is None:
        return None
    if true_n > base_n and true_n > false_n and false_n <= base_n:
        detail = f"`' OR '1'='1` lists {true_n} records, the baseline {base_n}, the false twin {false_n}"
        return Verdict(probe, "tautology", detail)
    return None


def _operator_verdict(trial: Trial) -> Verdict | None:
    if trial.payload.kind != "nosql" or not trial.probes:
        return None
    probe, base = trial.probes[0], trial.baselines[0]
    if _status(base) in {401, 403, 404} and accepted(probe):
        detail = f'a `{{"$ne": null}}` operator turns the baseline\'s {_status(base)} into {_status(probe)}'
        return Verdict(probe, "operator", detail)
    return None


def _delay_verdict(trial: Trial) -> Verdict | None:
    if trial.payload.kind != "sleep" or len(trial.probes) < 2 or not trial.baselines:
        return None
    slowest_base = max(b.response.elapsed_seconds if b.response else 0.0 for b in trial.baselines)
    slow = [p for p in trial.probes if p.response is not None or "timeout" in (p.error or "").lower()]
    gaps = [(p.response.elapsed_seconds if p.response else 10.0) - slowest_base for p in slow]
    if len(gaps) >= 2 and all(g > DELAY_THRESHOLD for g in gaps):
        detail = f"a {DELAY_SECONDS:g} s sleep payload delays the answer by {min(gaps):.1f} s or more, twice"
        return Verdict(trial.probes[0], "delay", detail)
    return None


def judge_trial(trial: Trial) -> Verdict | None:
    """Whether this trial shows the payload reaching an interpreter; pure."""
    for judge in (_output_verdict, _tautology_verdict, _operator_verdict, _error_verdict, _delay_verdict):
        verdict = judge(trial)
        if verdict is not None:
            return verdict
    return None


_STRENGTH = {"output": 5, "tautology": 4, "operator": 4, "delay": 3, "error": 2}


_READS = frozenset({"output", "tautology", "operator"})


def injection_impact(trial: Trial, verdict: Verdict) -> Impact:
    """The rubric's facts: the payload read data (its output, more rows), or brought out secrets."""
    before = {leak.value for base in trial.baselines for leak in leaks_in(base, None)}
    new = [leak for leak in leaks_in(verdict.evidence, None) if leak.value not in before]
    return Impact(
        reads_data=verdict.how in _READS,
        secrets=bool(new),
        plaintext_passwords=any(leak.kind == PLAINTEXT for leak in new),
    )


def _severity(trial: Trial, verdict: Verdict) -> Severity:
    return rate("injection", injection_impact(trial, verdict))


def _draft(trial: Trial, verdict: Verdict, count: int) -> Draft:
    what = trial.payload.interpreter
    return Draft(
        category="injection",
        severity=_severity(trial, verdict),
        title=f"{what} injection in {trial.slot} of {route(verdict.evidence)}",
        detail=(
            f"Sending {trial.payload.value!r} in {trial.slot} reaches a {what} interpreter: "
            f"{verdict.detail}. {count} payload(s) showed it; the baseline request did not."
        ),
        recommendation=(
            "Never build queries, commands or templates by string formatting: use bound parameters "
            "(placeholders) for SQL, typed filters for NoSQL, argument lists without a shell, and "
            "render user input as template data, not template source. Validate the field's format."
        ),
        impact="An attacker can read or change data they must not reach, or run code on the server.",
        extra={
            "payload_kind": trial.payload.kind,
            "field": trial.slot,
            "signal": verdict.how,
            "secrets_shown": injection_impact(trial, verdict).secrets,
        },
    )


def judge_injection(trials: Sequence[Trial], context: OracleContext) -> list[Finding]:
    """One finding per route whose trials show injection; the strongest signal is the evidence."""
    hits: list[tuple[Trial, Verdict]] = []
    for trial in trials:
        verdict = judge_trial(trial)
        if verdict is not None:
            hits.append((trial, verdict))
    by_route = group_by_route(v.evidence for _t, v in hits)
    findings: list[Finding] = []
    for key in by_route:
        mine = [(t, v) for t, v in hits if (v.evidence.request.method.upper(), _path(v.evidence)) == key]
        trial, verdict = max(mine, key=lambda tv: _STRENGTH[tv[1].how])
        # Secrets the payload brought out are evidence by their kind, never by their value.
        shown = tuple(leak.value for leak in leaks_in(verdict.evidence, None))
        masked = replace(context, secrets=(*context.secrets, *shown))
        findings.append(finding(_draft(trial, verdict, len(mine)), verdict.evidence, masked, len(mine)))
    return findings


def _path(exchange: Exchange) -> str:
    return route(exchange).split(" ", 1)[1]


# --------------------------------------------------------------------------- the family


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
                trials.append(Trial(slot.label, payload, (plan.baseline,), (probe,), twin))
        return trials

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
