"""Locators healed during execution, written back so that tier 1 finds the element next time.

A step whose stored locator no longer matches is healed by tier 2 (fingerprint) or tier 3 (the
language model); once the scenario passes with the healed locator, the book keeps it under the
page (its URL: origin and path, so that one server's targets never share) and the locator the
step was written with. The next run of that step replays the kept locator first: tier 1, no
healing, no model call.

:class:`LocatorBook` is the port. The composition root hands the pipeline a book kept in a
database (``assay.adapters.healed_locators``), so that the next run finds it whichever process
runs it: another ``assay worker``, a restarted ``assay serve``, the next ``assay run``.
:class:`MemoryLocatorBook` lives as long as its process (tests, and the fallback when the
database cannot be opened).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class LocatorBook(Protocol):
    """(page URL, stored locator) -> the locator that worked instead.

    Blocking calls (a database may be behind them): async callers run them in a thread.
    """

    def get(self, page: str, locator: str) -> str | None: ...

    def put(self, page: str, locator: str, healed: str) -> None:
        """Keep ``healed`` for (``page``, ``locator``), replacing what was kept; a no-op unless
        :func:`worth_keeping`. Safe when several processes write the same key at once."""
        ...


def worth_keeping(locator: str, healed: str) -> bool:
    """Only a real heal is kept: a locator that differs from the one the step was written with."""
    return bool(healed) and healed != locator


@dataclass
class MemoryLocatorBook:
    """A :class:`LocatorBook` in this process's memory."""

    entries: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, page: str, locator: str) -> str | None:
        return self.entries.get((page, locator))

    def put(self, page: str, locator: str, healed: str) -> None:
        if worth_keeping(locator, healed):
            self.entries[(page, locator)] = healed
