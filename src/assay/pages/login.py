"""Sign in through a page's login form and keep the session (storage state) for the crawl.

The login form is reached by :mod:`assay.pages.login_finder` (overlays dismissed, links, menus,
usual paths) and told from registration and reset forms by :mod:`assay.pages.auth_forms`; whether
signing in worked is judged by what changed (:mod:`assay.pages.signed_in`), not by the form
vanishing. The password is typed only into a form on the target's own origin whose submission
(the form's resolved ``action`` and the submit button's ``formaction``) goes back to that origin;
anything else is refused before a key is pressed. Whatever goes wrong (a timeout, a click an
overlay swallows), the outcome is a note, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Locator, Page, StorageState

from assay.domain.action_safety import origin_of
from assay.domain.auth_forms import LOGIN_WORDS
from assay.domain.ports import CodeMailbox
from assay.domain.target import Credentials
from assay.pages.auth_forms import form_for
from assay.pages.browser import BrowserSession
from assay.pages.containment import Containment
from assay.pages.feedback import read_after, settle
from assay.pages.form_facts import SUBMIT_SELECTOR
from assay.pages.login_finder import find_form
from assay.pages.otp import MailboxError, mark_mailbox, pass_second_factor
from assay.pages.overlays import click_through, dismiss_overlays
from assay.pages.signed_in import Signs, judge, read_signs

_USER_FIELDS = "input[type=email]:visible, input[type=text]:visible, input:not([type]):visible"
# Where a form's submission goes: its formaction when the button has one, else its action.
_SUBMITS_TO = """([form, selector]) => {
  const button = form ? form.querySelector(selector) : null;
  const href = button && button.hasAttribute('formaction') ? button.getAttribute('formaction')
    : (form ? form.getAttribute('action') : '') || '';
  return new URL(href, document.baseURI).href;
}"""


@dataclass
class LoginOutcome:
    signed_in: bool
    note: str
    login_path: str = ""
    state: StorageState | None = None
    second_factor: str = ""  # "totp" or "email" when a one-time code was asked and given
    failure: str = ""  # what broke (an exception, a refusal), when assay itself could not sign in


async def sign_in(
    session: BrowserSession,
    url: str,
    credentials: Credentials,
    containment: Containment | None = None,
    mailbox: CodeMailbox | None = None,
) -> LoginOutcome:
    """Fill the first login form reachable from ``url`` and submit it, then a one-time code when
    the next page asks for one (see :mod:`assay.pages.otp`); the session on success."""
    context = await session.context(containment or Containment(url))
    page = await context.new_page()
    try:
        return await _sign_in(page, url, credentials, mailbox or session.mailbox)
    except Exception as exc:  # a timeout or a swallowed click: the crawl goes on signed out
        why = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:160]}"
        return LoginOutcome(False, f"signing in from {url} failed ({why}); the pages are crawled signed out",
                            failure=why)  # fmt: skip
    finally:
        await context.close()


async def _sign_in(
    page: Page, url: str, credentials: Credentials, mailbox: CodeMailbox | None
) -> LoginOutcome:
    dismissed: list[str] = []
    found = await find_form(page, url, "login", dismissed)
    if found.form is None:
        return LoginOutcome(False, f"no login form found at {url}, behind a 'Log in' link or menu, "
                                   "or at the usual sign-in paths")  # fmt: skip
    login_path = _path(page.url)
    form = found.form.locator(page)
    password = form.locator("input[type=password]:visible").first
    refusal = await _elsewhere(page, form, origin_of(url))
    if refusal:
        note = f"signing in at {login_path} refused: {refusal}; the pages are crawled signed out"
        return LoginOutcome(False, note, login_path, failure=refusal)
    try:
        mark = await mark_mailbox(credentials, mailbox)
    except MailboxError as exc:
        return LoginOutcome(False, f"signing in at {login_path} not tried: {exc}", login_path)
    before = await read_signs(page, credentials.username)
    dismissed += await _submit_password(page, form, password, credentials)
    first = judge(before, await _signs_after(page, before, credentials))
    if not first.signed_in:
        return LoginOutcome(False, f"signing in at {login_path} failed: {first.why}", login_path)
    factor = await pass_second_factor(page, credentials, mark, mailbox)
    if not factor.passed:
        return LoginOutcome(False, f"signing in at {login_path} failed: {factor.note}", login_path)
    reopened = await _reopens(page, url) if found.refused else None
    verdict = judge(before, await read_signs(page, credentials.username), reopened)
    if not verdict.signed_in:
        return LoginOutcome(False, f"signing in at {login_path} failed: {verdict.why}", login_path)
    state = await page.context.storage_state()
    note = f"signed in at {login_path} as {credentials.username} ({verdict.why})"
    note += f"; {factor.note}" if factor.note else ""
    note += f" (first {', '.join(dict.fromkeys(dismissed))})" if dismissed else ""
    return LoginOutcome(True, note, login_path, state, factor.kind)


async def _signs_after(page: Page, before: Signs, credentials: Credentials) -> Signs:
    """The signs once the page has answered: at once when its text changed, else after a short
    wait for late feedback (a message rendered after the request settled)."""
    await read_after(page, before.text, list(before.messages), wait_ms=1500)
    return await read_signs(page, credentials.username)


async def _reopens(page: Page, url: str) -> bool:
    """Whether ``url``, which led to the sign-in page before, now opens without asking for it."""
    probe = await page.context.new_page()
    try:
        response = await probe.goto(url, wait_until="load")
        await settle(probe)
        ok = response is None or response.status < 400
        return ok and await form_for(probe, "login") is None
    finally:
        await probe.close()


async def _elsewhere(page: Page, form: Locator, origin: str) -> str:
    """Why the password must not be typed here ("" when it may): the login page, or where its
    form submits, is on another origin than the target's."""
    if origin_of(page.url) != origin:
        return f"the login form is on another origin ({origin_of(page.url)})"
    # The marked form itself (a password outside any <form> is marked on the body).
    handle = await form.element_handle(timeout=1000)
    if handle is None or not await handle.evaluate("(e) => e.tagName === 'FORM'"):
        return ""  # no form: the page's own script submits (request interception guards that)
    target = str(await page.evaluate(_SUBMITS_TO, [handle, SUBMIT_SELECTOR]))
    if origin_of(target) != origin:
        return f"its form submits to another origin ({origin_of(target)})"
    return ""


async def _submit_password(
    page: Page, form: Locator, password: Locator, credentials: Credentials
) -> list[str]:
    user = form.locator(_USER_FIELDS).first
    dismissed = await dismiss_overlays(page, password)
    if await user.count():
        await user.fill(credentials.username)
    await password.fill(credentials.password)
    is_form = await form.evaluate("(e) => e.tagName === 'FORM'")
    # Outside a <form>, the page's first button may be its search: only one named for signing in.
    submit = (
        form.locator(SUBMIT_SELECTOR).first if is_form else form.get_by_role("button", name=LOGIN_WORDS).first
    )
    await (click_through(submit) if await submit.count() else password.press("Enter"))
    await settle(page)
    return dismissed


def _path(url: str) -> str:
    from assay.pages.extract import path_of

    return path_of(url)
