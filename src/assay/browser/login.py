"""Sign in through a page's login form and keep the session (storage state) for the crawl."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.async_api import Browser, Page, StorageState

from assay.browser.containment import Containment, contained_context
from assay.browser.otp import MailboxError, mark_mailbox, pass_second_factor
from assay.browser.probes import settle
from assay.domain.target import Credentials

_LOGIN_LINK = re.compile(r"log ?in|sign ?in", re.IGNORECASE)
_USER_FIELDS = "input[type=email]:visible, input[type=text]:visible, input:not([type]):visible"


@dataclass
class LoginOutcome:
    signed_in: bool
    note: str
    login_path: str = ""
    state: StorageState | None = None
    second_factor: str = ""  # "totp" or "email" when a one-time code was asked and given


async def find_login_page(page: Page, url: str) -> bool:
    """Open ``url``; when it shows no password field, follow a link named like "Log in"."""
    await page.goto(url, wait_until="load")
    if await page.locator("input[type=password]:visible").count():
        return True
    link = page.get_by_role("link", name=_LOGIN_LINK).first
    if not await link.count():
        return False
    await link.click()
    await settle(page)
    return await page.locator("input[type=password]:visible").count() > 0


async def sign_in(
    browser: Browser, url: str, credentials: Credentials, containment: Containment | None = None
) -> LoginOutcome:
    """Fill the first login form reachable from ``url`` and submit it, then a one-time code when
    the next page asks for one (see :mod:`assay.browser.otp`); the session on success."""
    context = await contained_context(browser, containment or Containment(url))
    page = await context.new_page()
    try:
        if not await find_login_page(page, url):
            return LoginOutcome(False, f"no login form found at {url} or behind a 'Log in' link")
        login_path = _path(page.url)
        try:
            mark = await mark_mailbox(credentials)
        except MailboxError as exc:
            return LoginOutcome(False, f"signing in at {login_path} not tried: {exc}", login_path)
        await _submit_password(page, credentials)
        if await page.locator("input[type=password]:visible").count():
            return LoginOutcome(False, f"signing in at {login_path} failed: the login form is still shown")
        factor = await pass_second_factor(page, credentials, mark)
        if not factor.passed:
            return LoginOutcome(False, f"signing in at {login_path} failed: {factor.note}", login_path)
        state = await context.storage_state()
        note = f"signed in at {login_path} as {credentials.username}" + (
            f"; {factor.note}" if factor.note else ""
        )
        return LoginOutcome(True, note, login_path, state, factor.kind)
    finally:
        await context.close()


async def _submit_password(page: Page, credentials: Credentials) -> None:
    password = page.locator("input[type=password]:visible").first
    form = page.locator("form", has=password).first
    scope = form if await form.count() else page.locator("body")
    user = scope.locator(_USER_FIELDS).first
    if await user.count():
        await user.fill(credentials.username)
    await password.fill(credentials.password)
    submit = scope.locator("button[type=submit], button:not([type]), input[type=submit]").first
    await (submit.click() if await submit.count() else password.press("Enter"))
    await settle(page)


def _path(url: str) -> str:
    from assay.browser.extract import path_of

    return path_of(url)
