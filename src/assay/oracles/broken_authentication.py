"""broken_authentication: the server takes a token it should refuse (forged, or its user deleted).

Proof: the check operation accepts the real token and refuses no token and a garbage token, yet
answers a forged token with the real token's 2xx; or a throwaway user's token still accepted
after that user's deletion was accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, build
from assay.oracles.refusal import accepted
from assay.oracles.security_common import status_of

_RECOMMEND_JWT = (
    "Verify every token's signature with a fixed algorithm allow-list (never `none`, never the "
    "token's own `alg`), use a random key of at least 256 bits from a secret store, and rotate it now."
)


@dataclass(frozen=True)
class AuthCheck:
    """The answers of the check operation to the real token, no token and a garbage token."""

    real: Exchange
    anonymous: Exchange
    garbage: Exchange


def token_enforced(check: AuthCheck) -> bool:
    """The operation accepts the real token and refuses both no token and a garbage token."""
    refused = {401, 403}
    return (
        accepted(check.real) and status_of(check.anonymous) in refused and status_of(check.garbage) in refused
    )


def judge_forgeries(
    check: AuthCheck, forged: Sequence[tuple[str, Exchange]], context: OracleContext
) -> list[Finding]:
    """A finding when a forged token gets the same 2xx as the real one; pure."""
    if not token_enforced(check):
        return []
    # The same 2xx is not enough: a 200 whose body says "invalid token" is a refusal.
    taken = [(label, e) for label, e in forged if status_of(e) == status_of(check.real) and accepted(e)]
    if not taken:
        return []
    labels = ", ".join(label for label, _e in taken)
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication", Impact(bypass=True)),
        title=f"Forged tokens are accepted ({labels})",
        detail=(
            f"The server answers {status_of(check.real)} to tokens assay forged ({labels}), as it does "
            f"to the real token, while it refuses no token ({status_of(check.anonymous)}) and a garbage "
            f"token ({status_of(check.garbage)}). Anyone can mint a token for any user."
        ),
        recommendation=_RECOMMEND_JWT,
        impact="Complete authentication bypass: an attacker can impersonate any user, including admins.",
        extra={"forgeries": [label for label, _e in taken]},
    )
    return [build(draft, taken[0][1], context, occurrences=len(taken))]


def judge_deleted_user(deleted: Exchange, after: Exchange, context: OracleContext) -> list[Finding]:
    """A finding when a token still works after its user was deleted; pure."""
    if not accepted(deleted) or not accepted(after):
        return []
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication"),
        title="A deleted user's token is still accepted",
        detail=(
            f"assay registered a user, deleted it ({status_of(deleted)}), and its token was then still "
            f"accepted ({status_of(after)})."
        ),
        recommendation=(
            "Check that the token's subject still exists (and is active) on every request, or keep "
            "tokens short-lived and revoke a user's tokens when the user is deleted or disabled."
        ),
        impact="Removed accounts (fired staff, banned users) keep their access until the token expires.",
    )
    return [build(draft, after, context)]


def judge_expired(
    check: AuthCheck, sent: Sequence[tuple[str, Exchange]], context: OracleContext
) -> list[Finding]:
    """A finding when the genuine claims, expired and validly signed, still get the real 2xx; pure."""
    if not token_enforced(check):
        return []
    taken = [e for _label, e in sent if status_of(e) == status_of(check.real) and accepted(e)]
    if not taken:
        return []
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication"),
        title="An expired token is accepted",
        detail=(
            f"assay re-signed the session's own claims with `exp` an hour in the past (with the key it "
            f"recovered offline); the server still answered {status_of(taken[0])}, as to the live token."
        ),
        recommendation="Verify `exp` (and `nbf`) on every request, with little clock leeway.",
        impact="A stolen or leaked token never stops working, even after it expired.",
    )
    return [build(draft, taken[0], context)]
