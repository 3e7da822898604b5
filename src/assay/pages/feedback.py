"""Reading what a page shows after an action, giving late feedback the time to appear.

A login page may render "Invalid credentials" a moment after its request settled (a transition,
a state update after the fetch resolved): read at once, the page looks unchanged, and the probe
would call a wrong password "silent" while its own screenshot, taken a little later, shows the
message. ``read_after`` polls the visible text until something new appears or the wait ends.
"""

from __future__ import annotations

import asyncio
import contextlib

from playwright.async_api import Page

from assay.domain.json import as_list, as_str
from assay.pages.page_script import MESSAGES, VISIBLE_TEXT

SETTLE_MS = 2500


async def settle(page: Page) -> None:
    """Wait (a bounded while) for the network to go quiet; a page that never does is read as it is."""
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("networkidle", timeout=SETTLE_MS)


FEEDBACK_WAIT_MS = 3000
_STEP_MS = 250


async def visible(page: Page) -> tuple[str, list[str]]:
    """The page's visible text and its alert/status/error region texts ('' and [] mid-navigation)."""
    try:
        text = as_str(await page.evaluate(VISIBLE_TEXT))
        messages = [as_str(m) for m in as_list(await page.evaluate(MESSAGES))]
    except Exception:  # the page navigated mid-read
        return "", []
    return text, messages


def shows_something_new(before: str, messages_before: list[str], text: str, messages: list[str]) -> bool:
    """A new message region, or a visible line that was not there before."""
    if any(m not in messages_before for m in messages):
        return True
    old = {line.strip() for line in before.splitlines()}
    return any(line.strip() and line.strip() not in old for line in text.splitlines())


async def read_after(
    page: Page, before: str, messages_before: list[str], wait_ms: int = FEEDBACK_WAIT_MS
) -> tuple[str, list[str]]:
    """What the page shows after an action: at once when something new is visible, else once
    ``wait_ms`` has passed without anything new appearing (polled every 250 ms)."""
    waited = 0
    while True:
        text, messages = await visible(page)
        if shows_something_new(before, messages_before, text, messages) or waited >= wait_ms:
            return text, messages
        with contextlib.suppress(Exception):  # a page closing under us ends the wait
            await asyncio.sleep(_STEP_MS / 1000)
        waited += _STEP_MS
