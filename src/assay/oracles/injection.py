"""injection: a payload in one field that reached a SQL, NoSQL, shell or template interpreter.

The proof is the interpreter showing itself against the unchanged baseline request: its error
text, its output (``uid=`` of ``id``, the product of a template expression), a tautology that
widens the result set against both the baseline and a false twin, or a sleep payload slower
than the baseline by more than 2 s twice in a row. A payload merely reflected back (httpbin's
``/anything``) shows none of these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json
from assay.domain.severity import Impact, rate
from assay.oracles.attack_common import (
    NOSQL_ENGINES,
    SHELL_OUTPUT,
    database_engine,
    interpreter_error,
    list_size,
)
from assay.oracles.base import Draft, OracleContext, build, group_by_route, route
from assay.oracles.data_exposure import PLAINTEXT, leaks_in
from assay.oracles.refusal import accepted

PayloadKind = Literal["break", "template", "shell", "tautology", "nosql", "sleep"]
TEMPLATE_PRODUCT = "8633"  # 97*89: a number an ordinary answer is unlikely to hold by chance
# ...as a token of its own: inside a timestamp (.486331), a longer number or a UUID group
# (…-8633-…) it is chance, and a template finding on chance costs as much trust as a miss.
TEMPLATE_SHOWN = re.compile(rf"(?<![\w.\-]){TEMPLATE_PRODUCT}(?![\w.\-])")
DELAY_SECONDS = 3.0
DELAY_THRESHOLD = 2.0


@dataclass(frozen=True)
class Payload:
    """A value sent in one field, the interpreter it speaks to, and its false twin (tautologies)."""

    kind: PayloadKind
    interpreter: str
    value: Json
    false_twin: Json = None


@dataclass(frozen=True)
class Trial:
    """One payload in one field: the baseline answer(s), the probe answer(s), a false twin."""

    slot: str
    payload: Payload
    baselines: tuple[Exchange, ...]
    probes: tuple[Exchange, ...]
    twin: Exchange | None = None
    # A second true/false pair (other literals), sent when the first pair differed: with it, a
    # difference between the true and the false payload alone is proof, whatever the baseline.
    confirm: tuple[Exchange, Exchange] | None = None


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


def boolean_difference(true: Exchange, false: Exchange, base: Exchange) -> str | None:
    """How the answer to an always-true condition shows more than the answer to an always-false
    one (the false answer no wider than the baseline's), or None; pure.

    Two literals that differ only in the condition get the same answer from a server that treats
    them as text; a query built from them answers the true one with rows, the false one without.
    """
    t, f, b = _status(true), _status(false), _status(base)
    if t // 100 == 2 and f in {b, 404} and f // 100 == 4 and f != 429:
        return f"the true condition answers {t}, the false one {f}"
    if any(s // 100 != 2 for s in (t, f, b)):
        return None
    sizes = [list_size(e.response.json if e.response else None) for e in (true, false, base)]
    true_n, false_n, base_n = sizes
    if true_n is None or false_n is None or base_n is None:
        return None
    if true_n > false_n and false_n <= base_n:
        return f"the true condition lists {true_n} records, the false one {false_n} (baseline {base_n})"
    return None


def _tautology_verdict(trial: Trial) -> Verdict | None:
    if trial.payload.kind != "tautology" or trial.twin is None or not trial.probes:
        return None
    probe, base = trial.probes[0], trial.baselines[0]
    if trial.confirm is not None:
        first = boolean_difference(probe, trial.twin, base)
        second = boolean_difference(*trial.confirm, base)
        if first is None or second is None:
            return None
        pair = f"`{trial.payload.value}` against `{trial.payload.false_twin}`"
        detail = f"{pair}: {first}; a second pair with other literals again: {second}"
        return Verdict(probe, "tautology", detail)
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
    slowest_base = max(b.response.own_seconds if b.response else 0.0 for b in trial.baselines)
    slow = [p for p in trial.probes if p.response is not None or "timeout" in (p.error or "").lower()]
    gaps = [(p.response.own_seconds if p.response else 10.0) - slowest_base for p in slow]
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


def interpreter_named(trial: Trial, engine: str | None) -> str:
    """SQL or NoSQL as the engine's own error text says (a tautology may reach MongoDB), else the
    interpreter the payload speaks to."""
    if engine is None or trial.payload.interpreter not in {"SQL", "NoSQL"}:
        return trial.payload.interpreter
    return "NoSQL" if engine in NOSQL_ENGINES else "SQL"


def engine_shown(trials: Sequence[Trial]) -> str | None:
    """The database engine any answer of these trials names in an error the baseline did not show."""
    for trial in trials:
        before = {database_engine(_text(b)) for b in trial.baselines}
        confirm = trial.confirm or ()
        for probe in (*trial.probes, *([trial.twin] if trial.twin else []), *confirm):
            engine = database_engine(_text(probe))
            if engine is not None and engine not in before:
                return engine
    return None


def _draft(trial: Trial, verdict: Verdict, count: int, engine: str | None = None) -> Draft:
    what = interpreter_named(trial, engine)
    named = f" ({engine})" if engine and what in {"SQL", "NoSQL"} else ""
    return Draft(
        category="injection",
        severity=_severity(trial, verdict),
        title=f"{what} injection in {trial.slot} of {route(verdict.evidence)}{named}",
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
            "interpreter": what,
            "engine": engine,
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
        on_route = [t for t in trials if any(_key(p) == key for p in (*t.probes, *t.baselines))]
        draft = _draft(trial, verdict, len(mine), engine_shown(on_route))
        findings.append(build(draft, verdict.evidence, masked, occurrences=len(mine)))
    return findings


def _key(exchange: Exchange) -> tuple[str, str]:
    return exchange.request.method.upper(), _path(exchange)


def _path(exchange: Exchange) -> str:
    return route(exchange).split(" ", 1)[1]
