"""Locators healed during execution, written back so that tier 1 finds the element next time.

A step whose stored locator no longer matches is healed by tier 2 (fingerprint) or tier 3 (the
language model); once the scenario passes with the healed locator, the book keeps it under the
page (its URL: origin and path, so that one server's targets never share) and the locator the
step was written with. The next run of that step replays the kept locator first: tier 1, no
healing, no model call. Kept in memory for the life of the process (one ``assay serve`` or one
CLI run, across scenario re-runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LocatorBook:
    """(page URL, stored locator) -> the locator that worked instead."""

    entries: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, page: str, locator: str) -> str | None:
        return self.entries.get((page, locator))

    def put(self, page: str, locator: str, healed: str) -> None:
        if healed and healed != locator:
            self.entries[(page, locator)] = healed
