"""session_management: a session cookie the app still accepts after its user logged out.

Proof, all recorded from the target in one session assay signed in itself:

1. a page whose signed-in view differs from what an anonymous visitor gets (a page refused, or
   redirected to the sign-in form, without the session);
2. a logout through the app's own control, after which the browser's jar (the cookies the logout
   answer left) no longer gets the signed-in view: the app did log the user out;
3. the page fetched again with the cookies held *before* the logout, answered with the signed-in
   view. Whoever copied the cookie (a shared computer, a proxy log, an XSS) keeps the account
   after the user logged out.

An app whose sessions live only in a signed cookie (Flask's default, cookie-session) and that
"logs out" by clearing the cookie in the browser shows exactly this: the fault is real, the fix
is a server-side session, or a revocation list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, path_of
from assay.oracles.web_views import looks_signed_in, view_of


@dataclass(frozen=True)
class LogoutTrial:
    """One page seen signed in, anonymously, after the logout, and with the old cookie replayed."""

    signed_in: Exchange
    anonymous: Exchange
    logout: Exchange  # the logout request, through the app's control
    after: Exchange  # the page with the cookies the logout left the browser
    replay: Exchange  # the page with the cookies held before the logout
    control: str = ""  # the control as the page shows it ("the link Log out")


def still_accepted(trial: LogoutTrial, names: Sequence[str] = ()) -> bool | None:
    """True: the old cookie still gets the signed-in view; False: refused; None: not judged (the
    page does not tell signed in from anonymous, or the logout logged nobody out)."""
    signed, anonymous = view_of(trial.signed_in, names), view_of(trial.anonymous, names)
    after, replay = view_of(trial.after, names), view_of(trial.replay, names)
    if signed is None or anonymous is None or after is None or replay is None:
        return None
    if trial.logout.response is None or trial.logout.response.status >= 400:
        return None
    if looks_signed_in(after, signed, anonymous) or not looks_signed_in(signed, signed, anonymous):
        return None  # the logout did not end the session in the browser, or the page tells nothing
    return looks_signed_in(replay, signed, anonymous)


def judge_logout(
    trials: Sequence[LogoutTrial], names: Sequence[str], context: OracleContext
) -> list[Finding]:
    """One finding for the first trial whose replayed cookie was still accepted; pure."""
    for trial in trials:
        if not still_accepted(trial, names):
            continue
        page = path_of(trial.replay)
        logout = f"{trial.logout.request.method} {path_of(trial.logout)}"
        draft = Draft(
            category="session_management",
            severity="medium",
            title=f"The session cookie still works after logout (GET {page})",
            detail=(
                f"After logging out through {trial.control or logout} (`{logout}`), the browser no "
                f"longer sees `{page}` signed in, but the session cookie held before the logout, "
                "sent again, still gets the signed-in page: the server never ended the session."
            ),
            recommendation=(
                "End the session on the server at logout (delete it from the session store, or keep a "
                "revocation list for signed-cookie sessions) rather than only clearing the browser's cookie."
            ),
            impact=(
                "Anyone who obtained the cookie (a shared computer, a log, an XSS) keeps the account after "
                "its owner logged out."
            ),
            extra={"logout": logout, "page": page, "control": trial.control},
        )
        return [build(draft, trial.replay, context)]
    return []
