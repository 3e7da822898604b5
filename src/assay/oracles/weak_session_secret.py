"""weak_session_secret: the app signs its session cookies with a framework default or a
well-known weak secret, so anyone can write a session the app takes for its own.

Proof, in two steps:

1. **Offline**: the signature of a session cookie the app issued (Flask/itsdangerous, Django
   signed cookies, Express cookie-session) is reproduced with a key from a short list of
   framework defaults and published weak secrets; nothing is sent for that.
2. **Accepted**: a cookie assay wrote itself, the same session with one harmless key added and
   a fresh timestamp, signed with that key, is answered with the signed-in view of a page that an
   anonymous visitor does not get, while the genuine cookie with a broken signature is not (the
   app does check signatures). The key is a secret: it is never written in a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, path_of
from assay.oracles.web_views import looks_signed_in, view_of

FRAMEWORK_NAMES = {
    "flask": "Flask (itsdangerous)",
    "django": "Django signed-cookie",
    "cookie-session": "cookie-session",
}


@dataclass(frozen=True)
class CookieForgery:
    """A session cookie re-signed with a cracked key, sent to a page, beside the controls."""

    cookie: str  # the cookie's name
    framework: str  # "flask", "django", "cookie-session"
    default_key: bool  # the key is a framework default or a documented example, not only in a wordlist
    signed_in: Exchange  # the page with the genuine cookie
    anonymous: Exchange  # the page with no cookie
    forged: Exchange  # the page with the cookie assay signed
    tampered: Exchange | None = None  # the page with the genuine cookie, its signature broken


def forgery_accepted(trial: CookieForgery, names: Sequence[str] = ()) -> bool:
    signed, anonymous = view_of(trial.signed_in, names), view_of(trial.anonymous, names)
    forged = view_of(trial.forged, names)
    if signed is None or anonymous is None or forged is None:
        return False
    if not looks_signed_in(forged, signed, anonymous):
        return False
    tampered = view_of(trial.tampered, names) if trial.tampered is not None else None
    return tampered is None or not looks_signed_in(tampered, signed, anonymous)


def judge_session_secret(
    trials: Sequence[CookieForgery], names: Sequence[str], context: OracleContext
) -> list[Finding]:
    """One finding for the first forged cookie the app accepted; pure."""
    for trial in trials:
        if not forgery_accepted(trial, names):
            continue
        kind = FRAMEWORK_NAMES.get(trial.framework, trial.framework)
        source = (
            "a framework default or documented example" if trial.default_key else "a published weak secret"
        )
        page = path_of(trial.forged)
        draft = Draft(
            category="weak_session_secret",
            severity="high",
            title=f"The {kind} session cookie `{trial.cookie}` is signed with a weak secret",
            detail=(
                f"The signature of the `{trial.cookie}` cookie the app issued is reproduced offline with "
                f"{source}. A session written by assay and signed with that key was accepted: `GET {page}` "
                "answered with the signed-in page, while the genuine cookie with a broken signature was not."
            ),
            recommendation=(
                "Set the secret key from a long random value kept out of the code (an environment variable "
                "or a secret store), rotate it now, and invalidate the sessions signed with the old one."
            ),
            impact=(
                "Anyone can sign a session of their choosing: act as any user, raise their own role, and "
                "keep access after a password change."
            ),
            extra={"cookie": trial.cookie, "framework": trial.framework, "key_source": source},
        )
        return [build(draft, trial.forged, context)]
    return []
