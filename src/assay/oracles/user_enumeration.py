"""user_enumeration: a login, code check or reset tells an existing account from an unknown one.

Proof: interleaved failed attempts for an unknown user and for the known user (a wrong password
or code), several of each, whose answers differ consistently in status, message or timing.

On a web page's forms (:func:`judge_form_messages`) the messages are what a person reads: the
page's visible text, the names typed in replaced, volatile values (tokens, digits) ignored. A
registration form that says a name is taken is the weakest case (OWASP's authentication cheat
sheet accepts it when sign-in and reset do not leak, and asks for the same answer there): low,
and only when sign-in and reset did not already tell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median
from typing import Literal

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.refusal import attempt_failed
from assay.oracles.security_common import status_of
from assay.oracles.web_views import View, view_of

TIMING_GAP = 0.1


def _normalized(e: Exchange, names: Sequence[str]) -> str:
    text = e.response.text if e.response else ""
    for name in names:
        text = text.replace(name, "<user>")
    return re.sub(r"\d+", "0", text).strip()


def _seconds(e: Exchange) -> float:
    return e.response.own_seconds if e.response else 0.0


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


FormPurpose = Literal["login", "reset", "register"]
# What a registration form says when the name or address it was given belongs to an account.
TAKEN = re.compile(
    r"(?i)already (taken|exists|registered|in use|used)|(is|was) taken|not available|exists already"
    r"|already (have|has) an account|user(name)? exists"
)
_PURPOSE_WORDS = {"login": "sign-in", "reset": "password reset", "register": "registration"}


def _views(exchanges: Sequence[Exchange], names: Sequence[str]) -> list[View] | None:
    views = [view_of(e, names) for e in exchanges]
    return None if any(v is None for v in views) else [v for v in views if v is not None]


def form_signal(
    purpose: FormPurpose, unknown: Sequence[Exchange], known: Sequence[Exchange], names: Sequence[str]
) -> str | None:
    """How a form's answers for an unknown account and for the known one differ ("status",
    "message"), each side the same every time; for a registration, "taken" when its one answer
    for the known name says so. A sign-in that let the known user in (no failure) is not judged."""
    seen_known = _views(known, names)
    if not seen_known or any(v.status == 429 for v in seen_known):
        return None
    if purpose == "register":
        return "taken" if all(TAKEN.search(v.text) for v in seen_known) else None
    seen_unknown = _views(unknown, names)
    if not seen_unknown or any(v.status == 429 for v in seen_unknown):
        return None
    if purpose == "login" and not all(v.refused or v.status >= 400 for v in (*seen_unknown, *seen_known)):
        return None  # an attempt signed someone in: these answers say something else
    statuses = ({v.status for v in seen_unknown}, {v.status for v in seen_known})
    if all(len(s) == 1 for s in statuses) and statuses[0] != statuses[1]:
        return "status"
    texts = ({(v.path, v.text) for v in seen_unknown}, {(v.path, v.text) for v in seen_known})
    if all(len(t) == 1 for t in texts) and texts[0] != texts[1]:
        return "message"
    return None


def judge_form_messages(
    purpose: FormPurpose,
    unknown: Sequence[Exchange],
    known: Sequence[Exchange],
    names: Sequence[str],
    context: OracleContext,
    sent: Exchange | None = None,
) -> list[Finding]:
    """A finding when a web form's answers (``unknown`` and ``known``: the final pages after the
    form's redirects) tell an existing account from an unknown one; ``sent``, the known account's
    submission itself, is the evidence when given. Pure."""
    signal = form_signal(purpose, unknown, known, names)
    if signal is None:
        return []
    shown = sent or known[0]
    what = _PURPOSE_WORDS[purpose]
    detail = {
        "status": f"answers {status_of(unknown[0]) if unknown else 0} for an unknown account and "
        f"{status_of(known[0])} for an existing one",
        "message": "shows one message for an unknown account and another for an existing one "
        f"(over {len(unknown)} attempts of each, the same each time)",
        "taken": "says the name or address given belongs to an account",
    }[signal]
    wrong = " with a wrong password" if purpose == "login" else ""
    draft = Draft(
        category="user_enumeration",
        severity="low" if purpose == "register" else "medium",
        title=f"The {what} form on {route(shown)} tells whether an account exists ({signal})",
        detail=f"Sent{wrong}, the {what} form {detail}.",
        recommendation=(
            'Give the same answer whether or not the account exists: "Invalid username or password" '
            'at sign-in, "If an account exists, we sent a link" for a reset, and at registration a '
            "message sent to the address rather than shown on the page."
        ),
        impact="Attackers learn which accounts exist and focus password guessing and phishing on them.",
        extra={"signal": signal, "form": purpose},
    )
    return [build(draft, shown, context, occurrences=len(known))]
