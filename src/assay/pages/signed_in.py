"""Whether a sign-in worked, judged by what changed on the page and in the browser.

A vanished login form is weak proof: a wrong password may lead to an error page with no form, and
an app may keep a sign-in box in its header after success. So assay compares what it read
before submitting with what it reads after: a log-out control that appeared, the user name now
shown, a cookie that is new (or was rotated), a page refused before that now opens; and a new
error message ("Invalid password") on the other side. Cookie values are compared in memory
only; they never reach a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.async_api import Page

from assay.domain.danger import is_logout
from assay.pages.auth_forms import form_for
from assay.pages.feedback import visible

_CONTROLS = """() => Array.from(document.querySelectorAll('a,button,[role=button],input[type=submit]'))
  .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map((e) => [e.innerText || e.value || '', e.getAttribute('aria-label') || '',
    e.getAttribute('title') || '', e.getAttribute('href') || '',
    (e.form && e.form.getAttribute('action')) || ''].join(' '))"""
FAILURE = re.compile(
    r"\b(?:invalid|incorrect|wrong|failed|not match|doesn'?t match|unknown user|no such user|"
    r"user not found|try again|denied|unable to (?:log|sign)|bad credentials|not recognized|"
    r"ungültig|falsch|incorrecto|inválid|incorrect|erroné|errato|onjuist|неверн)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signs:
    """What the page and the browser showed at one moment."""

    logout: bool
    user_shown: bool
    login_form: bool
    cookies: frozenset[tuple[str, str]]
    text: str
    messages: tuple[str, ...]


async def read_signs(page: Page, username: str) -> Signs:
    text, messages = await visible(page)
    try:
        controls = [str(c) for c in await page.evaluate(_CONTROLS)]
    except Exception:  # navigating: read again later
        controls = []
    cookies = frozenset((c.get("name", ""), c.get("value", "")) for c in await page.context.cookies())
    return Signs(
        logout=any(is_logout(c) for c in controls),
        user_shown=_names_user(text, username),
        login_form=await form_for(page, "login") is not None,
        cookies=cookies,
        text=text,
        messages=tuple(messages),
    )


def _names_user(text: str, username: str) -> bool:
    """The user name (or an e-mail's local part) as a word in ``text``; too short a name proves nothing."""
    names = {username, username.split("@", 1)[0]} if "@" in username else {username}
    return any(
        len(n) >= 3 and re.search(rf"(?<![\w@.]){re.escape(n)}(?![\w@])", text, re.IGNORECASE) for n in names
    )


@dataclass(frozen=True)
class Verdict:
    signed_in: bool
    why: str  # what proved it, or what showed it failed


def judge(before: Signs, after: Signs, reopened: bool | None = None) -> Verdict:
    """Did the sign-in between ``before`` and ``after`` work? ``reopened``: whether a page that
    was refused before now opens (None when no page was refused)."""
    error = _new_error(before, after)
    proofs = [
        *(["a log-out control appeared"] if after.logout and not before.logout else []),
        *(["the user name is shown"] if after.user_shown and not before.user_shown else []),
        *(["a page refused before now opens"] if reopened else []),
    ]
    if proofs and not (error and after.login_form):
        return Verdict(True, ", ".join(proofs))
    if error:
        return Verdict(False, f"the app answered {error!r}")
    if reopened is False:
        return Verdict(False, "the page that was refused is still refused")
    if after.login_form:
        return Verdict(False, "the login form is still shown")
    if after.cookies - before.cookies:
        return Verdict(True, "the login form is gone and a new session cookie was set")
    return Verdict(True, "the login form is gone")


def _new_error(before: Signs, after: Signs) -> str:
    old_lines = {line.strip() for line in before.text.splitlines()}
    fresh = [m for m in after.messages if m not in before.messages]
    fresh += [
        line.strip() for line in after.text.splitlines() if line.strip() and line.strip() not in old_lines
    ]
    return next((line[:80] for line in fresh if FAILURE.search(line) and len(line) < 300), "")
