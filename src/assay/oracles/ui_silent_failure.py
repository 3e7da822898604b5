"""ui_silent_failure: an action that failed or did nothing, and told the user nothing.

The proof is the page before and after the action: no navigation, no message, no error-worded
line and no change of the markup (for a wrong password, of the visible text); no dialog
(alert()) opened, and no field in an error state (aria-invalid set by the app, or the browser's
own validation refusing the submission with its bubble, which no text diff sees). If anything
of that changed, the user was told something: not silent.
"""

from __future__ import annotations

import re

from assay.domain.findings import Finding
from assay.domain.pages import ActionProbe
from assay.oracles.ui_common import evidence

# Words of an error message, in the languages pages most often use.
ERROR_TEXT = re.compile(
    r"(?i)\b(invalid|incorrect|wrong|failed|failure|not match|doesn'?t match|does not match|mismatch"
    r"|denied|error|unable|could not|couldn'?t|try again|not recogni[sz]ed|no account|bad credentials"
    r"|unknown (user|email|account|login)|not found|locked|expired|unauthori[sz]ed"
    r"|ungültig|falsch|fehler|erreur|incorrecte|invalide|échec|inválid[oa]|incorrect[oa]|errore|errato"
    r"|sbagliat[oa]|errad[oa]|неверн\w*|ошибк\w*)"
)
_MAX_LINE = 200


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if 0 < len(line.strip()) <= _MAX_LINE]


def feedback_after(probe: ActionProbe) -> str | None:
    """The error text the page shows after the action, judged on its whole visible text.

    An alert/status region that is new, or any error-worded line after the action that was not
    there before; after a wrong password, any error-worded line at all (the user sees it).
    """
    before = set(_lines(probe.text_before))
    for message in probe.messages_after:
        text = " ".join(message.split())
        if text and (text not in before or ERROR_TEXT.search(text)):
            return text[:_MAX_LINE]
    for line in _lines(probe.text_after):
        if ERROR_TEXT.search(line) and (probe.kind == "wrong_password" or line not in before):
            return line
    return None


def judge(probe: ActionProbe) -> list[Finding]:
    if probe.changed or probe.message or probe.server_statuses or probe.status >= 400:
        return []
    if feedback_after(probe) is not None or probe.field_errors or probe.dialogs:
        return []
    if probe.text_before and not probe.text_after:
        return []  # the page could not be read after the action: unknown is not silent
    # A re-rendered login form differs in its markup (a fresh CSRF token), so only the visible
    # text counts for a wrong password; for other actions any change of the markup is an answer.
    if probe.kind != "wrong_password" and probe.dom_changed:
        return []
    if probe.kind == "wrong_password":
        title = f"A wrong password on {probe.page} shows no error message"
        detail = "Signing in with a wrong password re-shows the form with no message: users cannot tell why."
    else:
        verb = "Clicking" if probe.kind == "click" else "Submitting"
        title = f"{verb} {probe.element!r} on {probe.page} shows nothing"
        detail = "The action changed nothing visible and showed no message."
    return [
        Finding(
            category="ui_silent_failure",
            severity="medium",
            method="POST" if probe.kind != "click" else "GET",
            path=probe.page,
            title=title,
            detail=detail,
            evidence=evidence(
                probe.page, probe.element, probe.screenshot, probe.steps, url_after=probe.url_after
            ),
            reproduce="; ".join(probe.steps),
            recommendation="Show a visible message (role=alert) whenever an action fails.",
        )
    ]
