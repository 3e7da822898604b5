"""The browser port: how an agent gets a browser without knowing how it is launched or contained.

The adapter (:class:`assay.adapters.browser.chromium.Chromium`) finds and launches Chromium with
its network services off and only the target's host resolving, and opens every context through
the containment that aborts other hosts. Agents are handed a :class:`BrowserPort` by the pipeline
and see only a :class:`BrowserSession`: they can open contained contexts, never a bare one.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from playwright.async_api import BrowserContext, StorageState

from assay.domain.ports import CodeMailbox
from assay.pages.containment import Containment


class BrowserSession(Protocol):
    """One launched browser, kept on one target's host, and how its sign-ins read mailed codes."""

    @property
    def mailbox(self) -> CodeMailbox | None:
        """Where a login's one-time codes are read (None: this run reads no mail)."""
        ...

    async def context(
        self, containment: Containment, storage_state: StorageState | None = None
    ) -> BrowserContext: ...


class BrowserPort(Protocol):
    """Where browsers come from. ``open`` raises NoBrowserFound when none can be launched."""

    def available(self) -> bool: ...

    def open(self, target_url: str) -> AbstractAsyncContextManager[BrowserSession]: ...
