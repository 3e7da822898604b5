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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

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
from assay.agents.observation.web.affordance_kinds import (
    collection_of as _collection_of,
)
from assay.agents.observation.web.page_urls import PageUrls, WriteGuard
from assay.agents.observation.web.probes import record_created
from assay.domain.action_safety import ActionPolicy, origin_of
from assay.domain.affordances import Affordance, Collection, Control
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.observation import UiElement
from assay.pages import locators
from assay.pages.affordance_script import DIALOG, DIALOG_OPEN, SCAN
from assay.pages.list_checks import EMPTY_STATE, search_terms
from assay.pages.values import sample_value

MAX_OPENERS = 3
Reread = Callable[[Page], Awaitable[tuple[Affordance, ...]]]
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
    forms: Sequence[JsonObject] = (),
) -> tuple[Affordance, ...]:
    """Every affordance of the page as loaded; ``page`` is left as it was found (or reloaded).
    ``forms`` are the page's forms as the crawl read them (what the action policy judges)."""
    raw = as_object(await page.evaluate(SCAN))
    found = []
    for affordance in classify(raw, path, page.url, elements, policy, forms):
        if affordance.kind == "search" and affordance.control("submit") is None:
            calibrated = await _calibrated(
                page, affordance, {_items_of(as_object(c)) for c in as_list(raw.get("collections"))}
            )
            if calibrated is not None:
                found.append(calibrated)
        else:
            found.append(affordance)
    found += navigation(path, links, origin_of(page.url), policy)
    persistent = bool(as_list(raw.get("storage"))) or raw.get("claims") is True
    found += await _dialogs(page, path, elements, policy, raw, persistent)
    return tuple(found)


async def _calibrated(page: Page, search: Affordance, listed: set[str]) -> Affordance | None:
    """Which list a search box acts on, seen by typing into it (a read: nothing is submitted).

    The page's largest list is a guess: a wiki's sidebar search fills a drop-down, not the
    article's list of steps. Typing a word of one listed item must narrow that list in place, or
    make a list appear that holds the word (``notes`` says "results"); a box that does neither
    makes no affordance, rather than a scenario that judges the wrong list.
    """
    box, items = search.control("input"), search.collection
    if box is None or items is None:
        return None
    start = page.url
    try:
        for term in search_terms(items.titles, 3):
            found = await _typed_term(page, box.locator, term, items, listed)
            if isinstance(found, Collection):
                return replace(search, collection=found, notes=("results",))
            if found is not None:
                return search  # narrowed in place
        return None
    finally:
        with contextlib.suppress(Exception):
            await locators.resolve(page, box.locator).first.fill("", timeout=3000)
        await _restore(page, start)


async def _typed_term(
    page: Page, box: str, term: str, items: Collection, listed: set[str]
) -> Collection | str | None:
    """What typing ``term`` did: "in place" (the list narrowed), the list it made appear, or None."""
    await locators.resolve(page, box).first.fill(term, timeout=3000)
    for _ in range(12):
        await asyncio.sleep(0.15)
        scanned = as_object(await page.evaluate(SCAN))
        collections = [as_object(c) for c in as_list(scanned.get("collections"))]
        same = next((c for c in collections if _items_of(c) == items.items), None)
        if (_count(same) if same is not None else 0) < items.count:
            return "in place"
        for raw in collections:
            # A list that typing made appear, with results in it (not "No search result").
            texts = [as_str(t) for t in as_list(raw.get("texts"))]
            fresh = _items_of(raw) not in listed and _count(raw) > 0 and not raw.get("chrome")
            if fresh and not all(EMPTY_STATE.search(t) for t in texts):
                return _collection_of(raw)
    return None


def _items_of(raw: JsonObject) -> str:
    return locators.by_css(as_str(raw.get("items")))


def _count(raw: JsonObject) -> int:
    count = raw.get("count")
    return count if isinstance(count, int) else 0


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
            described = None
            with contextlib.suppress(Exception):  # a button that cannot be clicked opens nothing
                described = await _open(page, opener)
                if described is not None:
                    out.append(_dialog(path, opener, described, raw, persistent))
            # A button that opened something else (a drawer, a menu) may cover the next one.
            await _restore(page, start, reload=described is None)
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


async def _restore(page: Page, start: str, reload: bool = False) -> None:
    """Close the dialog (Escape), or load the page again when that is not enough (or asked)."""
    with contextlib.suppress(Exception):
        if await page.evaluate(DIALOG_OPEN):
            await page.keyboard.press("Escape")
            await asyncio.sleep(0.2)
        if reload or page.url != start or await page.evaluate(DIALOG_OPEN):
            await page.goto(start, wait_until="load", timeout=15000)


def _root(role: str, css: str) -> str:
    if role in ("dialog", "alertdialog"):
        return f"page.get_by_role({locators.quoted(role)})"
    return locators.by_css(css or "[aria-modal=true], dialog[open]")


def _dialog(
    path: str, opener: UiElement, described: JsonObject, raw: JsonObject, persistent: bool
) -> Affordance:
    root = _root(as_str(described.get("role")), as_str(described.get("css")))
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


# Items assay adds to an empty list so that its search, filters and counts have something to act
# on: distinct words (a search needs a word one item holds), each marked as assay's own.
SEEDS = ("Assay apples order", "Assay plumber call", "Assay report draft")


async def seeded(
    page: Page, affordances: tuple[Affordance, ...], policy: ActionPolicy, reread: Reread
) -> tuple[Affordance, ...]:
    """On a test system, a page whose create form feeds an empty list gets three items through
    that form, then is read again: what its filters, search and counts do is only seen on a list
    with items. The create form keeps the seeds it typed (its scenarios type them first too); the
    reading is kept only when the seeds did appear."""
    create = next(
        (
            a
            for a in affordances
            if a.kind == "create_form" and (a.collection is None or a.collection.count < 2)
        ),
        None,
    )
    if create is None or not fill_steps(create, SEEDS[0]):
        return affordances
    start = page.url
    for seed in SEEDS:
        try:
            await _send_seed(page, create, seed)
        finally:  # what a seed made is recorded even when a step after the click failed
            landed = page.url
            record_created(policy, create.page, landed, [f"fill: {seed}"])
        if landed != start:
            # A form that leads to the object it made (a blog's /posts/4) feeds no list here.
            await page.goto(start, wait_until="load", timeout=15000)
            return affordances
    again = await reread(page)
    shown = [
        a
        for a in again
        if a.collection is not None and all(any(s in t for t in a.collection.texts) for s in SEEDS)
    ]
    if not shown:
        return affordances
    return tuple(
        replace(a, seeds=SEEDS) if a.kind == "create_form" else replace(a, seeded=True) for a in again
    )


async def _send_seed(page: Page, create: Affordance, seed: str) -> None:
    for action, locator, value in fill_steps(create, seed):
        target = locators.resolve(page, locator).first
        if action == "fill":
            await target.fill(value, timeout=3000)
        elif action == "select":
            await target.select_option(index=int(value), timeout=3000)
        elif action == "press":
            await target.press(value, timeout=3000)
        else:
            await target.click(timeout=3000)
    await asyncio.sleep(0.3)


def fill_steps(create: Affordance, value: str) -> list[tuple[str, str, str]]:
    """(action, locator, value) that fill ``create`` with ``value`` in its main field and send it."""
    fields = create.parts("field")
    main = next(
        (f for f in fields if f.role in ("textbox", "") and f.input_type in ("", "text", "textarea")), None
    )
    if main is None:
        return []
    steps = []
    for field in fields:
        if field is main:
            steps.append(("fill", field.locator, value))
        elif field.role == "combobox":
            steps.append(("select", field.locator, "1"))
        elif field.role in ("textbox", "spinbutton"):
            steps.append(("fill", field.locator, sample_value(field.input_type, field.name, {})))
    submit = create.control("submit")
    steps.append(("click", submit.locator, "") if submit else ("press", main.locator, "Enter"))
    return steps
