"""What a page is for: the affordances the crawl recognised, each with the elements it involves.

A search box and the list it narrows, a filter or sort control over a list, a form that creates
the things a list shows, a dialog and its confirm/cancel buttons, a counter and the buttons that
move it, the page's internal links. The Requirements agent writes one family of scenarios per
kind, each with an oracle the page itself makes observable (the list's items, a count, the URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AffordanceKind = Literal[
    "search",
    "filter",
    "sort",
    "create_form",
    "dialog",
    "counter",
    "tabs",
    "pagination",
    "toggle",
    "navigation",
    "login",
    "register",
    "drag_drop",
]
AFFORDANCE_KINDS: tuple[AffordanceKind, ...] = (
    "search", "filter", "sort", "create_form", "dialog", "counter", "tabs", "pagination",
    "toggle", "navigation", "login", "register", "drag_drop",
)  # fmt: skip

# What each control of an affordance is for.
ControlPart = Literal[
    "input", "field", "submit", "option", "opener", "confirm", "cancel", "increment", "decrement", "link"
]


@dataclass(frozen=True)
class Control:
    """One element an affordance uses: its locator (Playwright code, as the steps replay it)."""

    part: ControlPart
    locator: str
    name: str = ""
    role: str = ""
    input_type: str = ""
    required: bool = False
    options: tuple[str, ...] = ()  # a select's option labels, in order
    value: str = ""  # an option's label, a link's path


@dataclass(frozen=True)
class Collection:
    """A list, table or grid of like items: how to read them, and what they showed when crawled."""

    items: str  # locator code that matches every item (``page.locator("ul.products > li")``)
    count: int
    titles: tuple[str, ...] = ()  # each item's title (its heading, link or first line)
    texts: tuple[str, ...] = ()  # each item's whole visible text
    label: str = ""  # the nearest heading or the container's accessible name
    actions: tuple[str, ...] = ()  # the names of the buttons inside the items ("Delete", "Edit")


@dataclass(frozen=True)
class Affordance:
    kind: AffordanceKind
    page: str  # the page's path
    label: str  # what the user sees it as ("Search products", "Add product", "Cart (0)")
    controls: tuple[Control, ...] = ()
    collection: Collection | None = None  # the items it acts on, when the page lists any
    # The page says it keeps what the user does ("Notes are saved in this browser"), or its
    # script keeps state in local storage: a reload must show the same.
    persistent: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    # A create form assay fed this page's empty list through (test systems only): the values it
    # typed, which every scenario of the page types first. ``seeded``: read after that seeding.
    seeds: tuple[str, ...] = ()
    seeded: bool = False

    def control(self, part: ControlPart) -> Control | None:
        return next((c for c in self.controls if c.part == part), None)

    def parts(self, part: ControlPart) -> tuple[Control, ...]:
        return tuple(c for c in self.controls if c.part == part)
