"""The browser half of the affordance steps: remember what a page shows, act, and compare.

What the steps compare (the visible items of a list, the count-like texts, the URL and text of
the view) is read by the scripts in :mod:`assay.pages.affordance_script` and judged by
:mod:`assay.pages.list_checks`, which the generated suite runs verbatim. An expectation is polled
for up to its timeout: a list that filters after a debounce, or a count that updates after a
round trip, gets that time to show the outcome before it is called broken.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Page

from assay.domain.json import Json, as_list, as_object, as_str
from assay.domain.scenarios import UiStep
from assay.pages import locators
from assay.pages.affordance_script import BODY_TEXT, COUNTS, DIALOG_OPEN, ITEMS
from assay.pages.list_checks import Item, check_counts, check_items, not_found_problem, view_problem

POLL_SECONDS = 0.15
LIST_WAIT_SECONDS = 3.0


@dataclass
class Memory:
    """What the page showed when a ``remember`` step ran, by what was remembered."""

    items: dict[str, list[Item]] = field(default_factory=dict)  # by the items' locator code
    counts: dict[str, str] = field(default_factory=dict)
    view: tuple[str, str] | None = None  # (path and query, visible text)


async def read_items(page: Page, code: str) -> list[Item]:
    raw = await locators.resolve(page, code).evaluate_all(ITEMS)
    return [{k: as_str(v) for k, v in as_object(i).items()} for i in as_list(raw)]


async def read_counts(page: Page) -> dict[str, str]:
    raw = as_list(await page.evaluate(COUNTS))
    return {as_str(as_object(c).get("css")): as_str(as_object(c).get("text")) for c in raw}


async def read_view(page: Page) -> tuple[str, str]:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    ), as_str(await page.evaluate(BODY_TEXT))


async def remember(page: Page, memory: Memory, step: UiStep) -> None:
    if step.value == "items":
        # A list a single-page app fetches may still be empty: give it a moment to fill.
        deadline = time.monotonic() + LIST_WAIT_SECONDS
        seen = await read_items(page, step.locator)
        while not seen and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            seen = await read_items(page, step.locator)
        memory.items[step.locator] = seen
    elif step.value == "counts":
        memory.counts = await read_counts(page)
    else:
        memory.view = await read_view(page)


async def expect(page: Page, memory: Memory, step: UiStep, timeout_ms: int) -> tuple[bool, str]:
    """Poll the expectation until it holds or ``timeout_ms`` passes; the last reason when it fails."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        why = await _judge(page, memory, step)
        if why is None:
            return True, ""
        if time.monotonic() >= deadline:
            return False, why
        await asyncio.sleep(POLL_SECONDS)


async def _judge(page: Page, memory: Memory, step: UiStep) -> str | None:
    if step.action == "expect_items":
        op, _, arg = step.value.partition(":")
        return check_items(op, arg, memory.items.get(step.locator), await read_items(page, step.locator))
    if step.action == "expect_counts":
        return check_counts(int(step.value), memory.counts, await read_counts(page))
    if step.action == "expect_dialog":
        is_open = await page.evaluate(DIALOG_OPEN) is True
        wanted = step.value == "open"
        return None if is_open == wanted else ("no dialog opened" if wanted else "the dialog is still open")
    if step.action == "expect_view" and step.value.startswith("unlike:"):
        return await _unlike(page, step.value[len("unlike:") :])
    if step.action == "expect_view":
        return view_problem(step.value, memory.view, await read_view(page))
    return f"unknown step {step.action}"


async def _unlike(page: Page, absent: str) -> str | None:
    """Is this page other than what the app shows for ``absent``, a path that cannot exist?"""
    other = await page.context.new_page()
    try:
        parts = urlsplit(page.url)
        await other.goto(f"{parts.scheme}://{parts.netloc}{absent}", wait_until="load")
        await asyncio.sleep(0.3)
        path, text = await read_view(page)
        _, missing = await read_view(other)
    finally:
        await other.close()
    return not_found_problem(path, text, absent, missing)


def as_json(items: list[Item]) -> Json:
    return [dict(i) for i in items]
