"""Read what a live page is for: the script's scan, then a click on each button that may open a
dialog (nothing it writes leaves the browser), then the dialog closed again.

A dialog is only known once open: a React app renders it on click. The buttons tried are those
whose name offers to add, create, open or edit something and that the action policy allows; at
most ``MAX_OPENERS`` per page. While they are clicked, writes get a local 204 (see
:class:`~assay.agents.observation.web.page_urls.WriteGuard`), so a button that saves on click
saves nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence

from playwright.async_api import Page

from assay.agents.observation.web.affordance_kinds import (
    OPENER,
    allowed,
    classify,
    form_of,
    main_collection,
    navigation,
    without_options,
)
from assay.agents.observation.web.page_urls import PageUrls, WriteGuard
from assay.domain.action_safety import ActionPolicy, origin_of
from assay.domain.affordances import Affordance, Control
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.observation import UiElement
from assay.pages import locators
from assay.pages.affordance_script import DIALOG, DIALOG_OPEN, SCAN

MAX_OPENERS = 3
CANCEL = re.compile(r"(?i)^\s*(cancel|close|dismiss|no|back|abort|×|x|✕)\s*$|\b(cancel|close)\b")
CONFIRM = re.compile(
    r"(?i)\b(save|create|add|ok|submit|confirm|done|apply|yes|post|send|publish|continue|invite|update)\b"
)


async def read_affordances(
    page: Page,
    path: str,
    elements: Sequence[UiElement],
    links: Sequence[tuple[str, str]],
    policy: ActionPolicy,
) -> tuple[Affordance, ...]:
    """Every affordance of the page as loaded; ``page`` is left as it was found (or reloaded)."""
    raw = as_object(await page.evaluate(SCAN))
    found = classify(raw, path, page.url, elements, policy)
    found += navigation(path, links, origin_of(page.url), policy)
    persistent = bool(as_list(raw.get("storage"))) or raw.get("claims") is True
    found += await _dialogs(page, path, elements, policy, raw, persistent)
    return tuple(found)


async def _dialogs(
    page: Page,
    path: str,
    elements: Sequence[UiElement],
    policy: ActionPolicy,
    raw: JsonObject,
    persistent: bool,
) -> list[Affordance]:
    openers = [
        e
        for e in elements
        if e.role == "button" and not form_of(e) and OPENER.search(e.name) and allowed(e, page.url, policy)
    ]
    if not openers:
        return []
    start = page.url
    guard = WriteGuard(PageUrls(), policy)
    await page.route("**/*", guard.handle)
    out = []
    try:
        for opener in openers[:MAX_OPENERS]:
            with contextlib.suppress(Exception):  # a button that cannot be clicked opens nothing
                described = await _open(page, opener)
                if described is not None:
                    out.append(_dialog(path, opener, described, raw, persistent))
            await _restore(page, start)
    finally:
        with contextlib.suppress(Exception):
            await page.unroute("**/*", guard.handle)
    return out


async def _open(page: Page, opener: UiElement) -> JsonObject | None:
    if await page.evaluate(DIALOG_OPEN):
        return None  # one was open already: not this button's
    await locators.resolve(page, opener.locator).first.click(timeout=1500)
    for _ in range(10):
        await asyncio.sleep(0.1)
        described = await page.evaluate(DIALOG)
        if described:
            return as_object(described)
    return None


async def _restore(page: Page, start: str) -> None:
    """Close the dialog (Escape), or load the page again when that is not enough."""
    with contextlib.suppress(Exception):
        if await page.evaluate(DIALOG_OPEN):
            await page.keyboard.press("Escape")
            await asyncio.sleep(0.2)
        if page.url != start or await page.evaluate(DIALOG_OPEN):
            await page.goto(start, wait_until="load", timeout=15000)


def _root(role: str) -> str:
    if role in ("dialog", "alertdialog"):
        return f"page.get_by_role({locators.quoted(role)})"
    return locators.by_css("[aria-modal=true], dialog[open]")


def _dialog(
    path: str, opener: UiElement, described: JsonObject, raw: JsonObject, persistent: bool
) -> Affordance:
    root = _root(as_str(described.get("role")))
    controls = [Control("opener", opener.locator, opener.name, "button")]
    for field in (as_object(f) for f in as_list(described.get("fields"))):
        options = tuple(as_str(o) for o in as_list(field.get("options")))
        field = {**field, "label": without_options(as_str(field.get("label")), options)}
        locator = _field_locator(root, field)
        if locator:
            kind = as_str(field.get("type")) or as_str(field.get("tag"))
            role = (
                "combobox"
                if field.get("tag") == "select"
                else "checkbox"
                if kind == "checkbox"
                else "textbox"
            )
            controls.append(
                Control(
                    "field",
                    locator,
                    as_str(field.get("label")),
                    role,
                    kind,
                    field.get("required") is True,
                    options,
                )
            )
    buttons = [as_str(as_object(b).get("name")) for b in as_list(described.get("buttons"))]
    cancel = next((b for b in buttons if CANCEL.search(b)), None)
    confirm = next((b for b in reversed(buttons) if b and b != cancel and CONFIRM.search(b)), None)
    for part, name in (("cancel", cancel), ("confirm", confirm)):
        if name:
            code = f'{root}.get_by_role("button", name={locators.quoted(name)}, exact=True)'
            controls.append(Control(part, code, name, "button"))  # type: ignore[arg-type]
    label = as_str(described.get("label")) or opener.name
    return Affordance("dialog", path, label, tuple(controls), main_collection(raw), persistent)


def _field_locator(root: str, field: JsonObject) -> str:
    label, placeholder, name = (as_str(field.get(k)) for k in ("label", "placeholder", "name"))
    if name and field.get("tag") == "select":  # a select's label name holds its options' text
        selector = '[name="' + name.replace('"', "") + '"]'
        return f"{root}.locator({locators.quoted(selector)})"
    if label:
        return f"{root}.get_by_label({locators.quoted(label)}, exact=True)"
    if placeholder:
        return f"{root}.get_by_placeholder({locators.quoted(placeholder)}, exact=True)"
    if name:
        selector = '[name="' + name.replace('"', "") + '"]'
        return f"{root}.locator({locators.quoted(selector)})"
    return ""
