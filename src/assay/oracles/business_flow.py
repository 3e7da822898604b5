"""business_flow: a one-time benefit (coupon, referral, redeem, transfer) that can be applied again and again.

The proof is ``REPEATS`` identical requests all accepted (a 2xx whose body does not refuse);
it is reported as a "verify" finding (see docs/findings-categories.md), since repeating may be
intended. That is the fallback: when the API lets the caller read its own state (a balance, a
credit, a count), :func:`judge_state` judges the abuse by the state read back around it instead:
a benefit applied twice, one's own referral, a transfer to oneself, a negative amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.refusal import accepted

REPEATS = 5
_VALUABLE = re.compile(r"(?i)coupon|redeem|voucher|promo|gift|transfer|referr|bonus")


def judge_repeats(op: Operation, repeats: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """A finding when every one of ``REPEATS`` identical requests was accepted; pure.

    Accepted means a 2xx whose body does not refuse: a 200 saying "invalid code" is a refusal.
    """
    if len(repeats) < REPEATS or not all(accepted(e) for e in repeats):
        return []
    words = " ".join((op.path, op.operation_id or "", op.summary))
    draft = Draft(
        category="business_flow",
        severity="medium" if _VALUABLE.search(words) else "low",
        title=f"{route(repeats[0])} can be repeated without limit (verify)",
        detail=(
            f"The same request to `{route(repeats[0])}` succeeded {len(repeats)} times in a row "
            f"({', '.join(str(e.status) for e in repeats)}). "
            "Verify that applying it more than once is intended."
        ),
        recommendation=(
            "Make one-time benefits idempotent (one use per code and user) and limit repeated transfers."
        ),
        impact="A client may redeem the same benefit or repeat a transfer many times (OWASP API6).",
        extra={"repeats": len(repeats)},
    )
    return [build(draft, repeats[-1], context, occurrences=len(repeats))]


# --------------------------------------------------------------------------- judged by state

StateProbe = Literal["reuse", "self_referral", "self_transfer", "negative_amount"]
_STATE_TITLES: dict[StateProbe, str] = {
    "reuse": "applies the same one-time benefit twice",
    "self_referral": "credits a user for referring themselves",
    "self_transfer": "creates value from a transfer to oneself",
    "negative_amount": "takes value through a negative amount",
}


@dataclass(frozen=True)
class StateTrial:
    """One abuse of a flow, with the caller's own state (``field`` of ``read``) read back around it.

    ``readings`` are the state before the first action and after each action; ``actions`` are
    the requests of the flow, in order (the same request twice for ``reuse``).
    """

    probe: StateProbe
    field: str
    actions: tuple[Exchange, ...]
    readings: tuple[float, ...]


def state_abused(trial: StateTrial) -> str | None:
    """How the state read back shows the abuse, or None; pure (a 2xx alone never counts).

    ``reuse``: both applications moved the state (the second the same way as the first);
    ``self_referral``, ``self_transfer``, ``negative_amount``: the caller ends up with more.
    """
    r = trial.readings
    if len(r) < len(trial.actions) + 1 or not trial.actions:
        return None
    if trial.probe == "reuse":
        first, second = r[1] - r[0], r[2] - r[1]
        if first != 0 and second != 0 and (first > 0) == (second > 0):
            return f"{trial.field} went {r[0]:g} → {r[1]:g} → {r[2]:g}: the second use counted too"
        return None
    if r[-1] > r[0]:
        return f"{trial.field} went from {r[0]:g} to {r[-1]:g}"
    return None


def judge_state(trials: Sequence[StateTrial], context: OracleContext) -> list[Finding]:
    """One finding per route whose read-back state shows an abuse (each abuse it shows listed);
    high, since the state proves value was created; pure."""
    shown: dict[str, list[tuple[StateTrial, str]]] = {}
    for trial in trials:
        how = state_abused(trial)
        if how is not None and trial.actions:
            mine = shown.setdefault(route(trial.actions[-1]), [])
            if trial.probe not in {t.probe for t, _h in mine}:
                mine.append((trial, how))
    return [_state_finding(where, hits, context) for where, hits in shown.items()]


def _state_finding(where: str, hits: list[tuple[StateTrial, str]], context: OracleContext) -> Finding:
    first = hits[0][0]
    draft = Draft(
        category="business_flow",
        severity="high",
        title=f"{where} {_STATE_TITLES[first.probe]}",
        detail=" ".join(
            f"{_what_was_sent(t)} The caller's own state read back: {how}. "
            f"Answers: {', '.join(str(e.status) for e in t.actions)}."
            for t, how in hits
        ),
        recommendation=(
            "Enforce the rule on the server: one use per code and user, no referral of oneself, "
            "amounts strictly positive, sender and recipient distinct; check it in the same "
            "transaction that moves the value."
        ),
        impact="A user can create credit, money or benefits out of nothing (OWASP API6).",
        extra={
            "probes": [t.probe for t, _h in hits],
            "field": first.field,
            "readings": {t.probe: list(t.readings) for t, _h in hits},
        },
    )
    return build(draft, first.actions[-1], context, occurrences=sum(len(t.actions) for t, _h in hits))


def _what_was_sent(trial: StateTrial) -> str:
    return {
        "reuse": "The same request was sent twice.",
        "self_referral": "The caller's own referral code was applied to the caller.",
        "self_transfer": "A transfer named the caller as its own recipient.",
        "negative_amount": "A transfer with a negative amount was sent to another account assay created.",
    }[trial.probe]
