"""user_enumeration: a login, code check or reset tells an existing account from an unknown one.

Proof: interleaved failed attempts for an unknown user and for the known user (a wrong password
or code), several of each, whose answers differ consistently in status, message or timing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.refusal import attempt_failed
from assay.oracles.security_common import status_of

TIMING_GAP = 0.1


def _normalized(e: Exchange, names: Sequence[str]) -> str:
    text = e.response.text if e.response else ""
    for name in names:
        text = text.replace(name, "<user>")
    return re.sub(r"\d+", "0", text).strip()


def _seconds(e: Exchange) -> float:
    return e.response.elapsed_seconds if e.response else 0.0


def enumeration_signal(
    unknown: Sequence[Exchange], wrong: Sequence[Exchange], names: Sequence[str], *, lookup: bool = False
) -> str | None:
    """How unknown-user and known-user answers differ consistently ("status", "message", "timing").

    For a login or a code check both sides must have failed, judged by content (a ``200`` whose
    body says "Invalid password" and issues no token failed too); an attempt that did not fail
    means something else is going on. For a lookup (a password reset by email) a 2xx is the
    normal answer for an existing account.
    """
    if not unknown or not wrong or any(e.response is None for e in (*unknown, *wrong)):
        return None
    statuses = [status_of(e) for e in (*unknown, *wrong)]
    if any(s == 429 for s in statuses):
        return None
    if not lookup and not all(attempt_failed(e) for e in (*unknown, *wrong)):
        return None
    unknown_status, wrong_status = {status_of(e) for e in unknown}, {status_of(e) for e in wrong}
    if len(unknown_status) == 1 and len(wrong_status) == 1 and unknown_status != wrong_status:
        return "status"
    a, b = {_normalized(e, names) for e in unknown}, {_normalized(e, names) for e in wrong}
    if len(a) == 1 and len(b) == 1 and a != b:
        return "message"
    ta, tb = [_seconds(e) for e in unknown], [_seconds(e) for e in wrong]
    apart = min(tb) > max(ta) or min(ta) > max(tb)
    if len(ta) >= 3 and apart and abs(median(tb) - median(ta)) >= TIMING_GAP:
        return "timing"
    return None


def judge_enumeration(
    unknown: Sequence[Exchange],
    wrong: Sequence[Exchange],
    names: Sequence[str],
    context: OracleContext,
    *,
    lookup: bool = False,
) -> list[Finding]:
    """A finding when the answers tell an existing user from an unknown one; pure."""
    signal = enumeration_signal(unknown, wrong, names, lookup=lookup)
    if signal is None:
        return []
    known = "an existing user" if lookup else "a wrong password"
    shown = {
        "status": f"{status_of(unknown[0])} for an unknown user, {status_of(wrong[0])} for {known}",
        "message": f"different messages for an unknown user and for {known}",
        "timing": (
            f"a consistent timing gap (median {median(_seconds(e) for e in unknown):.3f} s for an "
            f"unknown user, {median(_seconds(e) for e in wrong):.3f} s for {known})"
        ),
    }[signal]
    draft = Draft(
        category="user_enumeration",
        severity="low" if signal == "timing" else "medium",
        title=f"{route(wrong[0])} tells whether an account exists ({signal})",
        detail=f"Over {len(unknown)} paired attempts, `{route(wrong[0])}` answers with {shown}.",
        recommendation=(
            "Answer every failed attempt with the same status and message, and spend the same time "
            "(verify against a dummy hash when the user does not exist)."
        ),
        impact="Attackers learn which accounts exist and focus password guessing on them.",
        extra={"signal": signal},
    )
    return [build(draft, wrong[0], context, occurrences=len(wrong))]
