"""weak_password_policy: the registration form takes a one-character password.

Proof: a fresh account (its name assay's own) registered through the site's form with the password
``a``, then signed in through the sign-in form with it (the account exists and the password
works). When the site has no sign-in form to try, the registration's answer is read instead: not
an error status, no password form shown again, no refusal in its text; that alone is a weaker
proof and rates lower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, path_of
from assay.oracles.web_views import view_of

WEAK_PASSWORD = "a"
# What a registration says when it refuses a password (or anything else in the form).
_REFUSED = re.compile(
    r"(?i)too short|at least \d|minimum|too (weak|common|simple)|invalid|error|must (be|contain|have)"
    r"|not (allowed|valid)|required|failed"
)


@dataclass(frozen=True)
class WeakRegistration:
    registration: Exchange  # the form sent with the one-character password
    answer: Exchange  # its final answer (after same-site redirects)
    signed_in: bool | None  # then signed in with it (None: no sign-in form to try)
    page: str = ""  # the page the registration form is on
    account: str = ""  # the user name registered (assay's own, in the ledger)


def accepted(trial: WeakRegistration) -> bool:
    if trial.signed_in is not None:
        return trial.signed_in
    view = view_of(trial.answer)
    return (
        view is not None and view.status < 400 and not view.password_form and not _REFUSED.search(view.text)
    )


def judge_password_policy(trials: Sequence[WeakRegistration], context: OracleContext) -> list[Finding]:
    for trial in trials:
        if not accepted(trial):
            continue
        proven = trial.signed_in is True
        how = (
            "and then signed in with it"
            if proven
            else "and the answer shows no refusal (no sign-in form to try)"
        )
        draft = Draft(
            category="weak_password_policy",
            severity="medium" if proven else "low",
            title=f"Registration accepts a one-character password ({trial.registration.request.method} "
            f"{path_of(trial.registration)})",
            detail=(
                "An account was registered through the form on "
                f"`{trial.page or path_of(trial.registration)}` "
                f"with the password `{WEAK_PASSWORD}`, {how}."
            ),
            recommendation=(
                "Refuse short and common passwords at registration and password change (at least 8 "
                "characters, checked against a list of breached passwords, as NIST SP 800-63B asks)."
            ),
            impact="Users can pick passwords that a password-guessing attack finds in its first tries.",
            extra={
                "signed_in": proven,
                "password_length": len(WEAK_PASSWORD),
                "account": trial.account,
                "page": trial.page,
            },
        )
        return [build(draft, trial.registration, context)]
    return []
