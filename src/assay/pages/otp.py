"""A login's second step: after the password, a page asking for a one-time code.

The code comes from the login's TOTP secret (``pyotp``) when one is configured, else from the
mailbox the user gave (the ``CodeMailbox`` port; IMAP in :mod:`assay.adapters.mail`), read only
for messages that arrived after the login form was submitted. No mailbox is contacted unless
the user gave one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pyotp
from playwright.async_api import Locator, Page

from assay.domain.ports import CodeMailbox
from assay.domain.target import Credentials, MailAccount
from assay.pages.feedback import settle
from assay.pages.otp_support import (
    FIELD_FACTS_SCRIPT,
    otp_field_index,
    totp_now,
    wait_for_code,
)

MAIL_TIMEOUT = 60.0  # seconds to wait for the mail with the code
TOTP_ATTEMPTS = 2  # a code typed at the end of its 30 s window may be refused: one more, fresh
LATE_SECONDS = 3.0


@dataclass(frozen=True)
class SecondFactor:
    """What happened at the second step: ``kind`` is "totp", "email" or "" (none was asked)."""

    kind: str
    passed: bool
    note: str = ""


def totp_code(secret: str, interval: int = 30) -> str:
    """The current TOTP code (pyotp); raises ValueError for a secret that is not base32."""
    clean = secret.replace(" ", "").upper()
    try:
        return pyotp.TOTP(clean, interval=interval).now()
    except ValueError:
        # pyotp refuses secrets under 112 bits, yet many sites still issue 80-bit ones (16 chars)
        return totp_now(clean, period=interval)


async def mark_mailbox(credentials: Credentials, mailbox: CodeMailbox | None = None) -> int | None:
    """Before the login is submitted: where the mailbox ends (None: no mailbox given, or no way
    to read one handed to this run)."""
    if credentials.mail is None or credentials.totp_secret or mailbox is None:
        return None
    try:
        return await asyncio.to_thread(mailbox.mark, credentials.mail)
    except OSError as exc:
        raise MailboxError(f"the mailbox of {credentials.mail.address} cannot be read: {exc}") from exc


class MailboxError(Exception):
    """The mailbox given for one-time codes refused the login or cannot be reached."""


async def otp_field(page: Page) -> Locator | None:
    """The visible input asking for a one-time code, if the page shows one."""
    facts = await page.evaluate(FIELD_FACTS_SCRIPT)
    index = otp_field_index(facts if isinstance(facts, list) else [])
    return page.locator("input").nth(index) if index is not None else None


async def pass_second_factor(
    page: Page, credentials: Credentials, mark: int | None, mailbox: CodeMailbox | None = None
) -> SecondFactor:
    """Fill and submit the one-time code when the page asks for one; ``passed`` when it is gone."""
    field = await otp_field(page)
    if field is None:
        return SecondFactor("", True)
    if credentials.totp_secret:
        return await _totp(page, field, credentials.totp_secret)
    if credentials.mail is not None and mark is not None and mailbox is not None:
        return await _email(page, field, credentials.mail, mark, mailbox)
    return SecondFactor(
        "", False, "a one-time code is asked, but no TOTP secret (--totp-secret) or mailbox (--mail-login)"
    )


async def _totp(page: Page, field: Locator, secret: str) -> SecondFactor:
    """Type the current code; only when it was typed in the last seconds of its window (and may
    have expired on the way) try once more with the next window's code."""
    interval = 30
    for attempt in range(TOTP_ATTEMPTS):
        left = interval - time.time() % interval
        await _submit(page, field, totp_code(secret, interval))
        again = await otp_field(page)
        if again is None:
            return SecondFactor("totp", True, "second step passed with a TOTP code")
        if left > LATE_SECONDS or attempt + 1 == TOTP_ATTEMPTS:
            break
        await asyncio.sleep(max(0.0, interval - time.time() % interval) + 0.5)
        field = again
    return SecondFactor("totp", False, "the TOTP code was refused: is the secret the account's?")


async def _email(
    page: Page, field: Locator, account: MailAccount, mark: int, mailbox: CodeMailbox
) -> SecondFactor:
    def read() -> list[str]:
        return mailbox.texts_since(account, mark)

    try:
        code = await asyncio.to_thread(wait_for_code, read, MAIL_TIMEOUT)
    except OSError as exc:
        return SecondFactor("email", False, f"reading the one-time code from the mailbox failed: {exc}")
    if code is None:
        return SecondFactor(
            "email", False, f"no mail with a one-time code arrived within {MAIL_TIMEOUT:.0f} s"
        )
    await _submit(page, field, code)
    if await otp_field(page) is not None:
        return SecondFactor("email", False, "the one-time code from the mail was refused")
    return SecondFactor("email", True, "second step passed with a code read from the mailbox")


async def _submit(page: Page, field: Locator, code: str) -> None:
    await field.fill(code)
    form = page.locator("form", has=field).first
    scope = form if await form.count() else page.locator("body")
    submit = scope.locator("button[type=submit], button:not([type]), input[type=submit]").first
    await (submit.click() if await submit.count() else field.press("Enter"))
    await settle(page)
