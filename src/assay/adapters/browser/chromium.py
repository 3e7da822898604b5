"""The browser port's implementation: Debian's Chromium under Playwright, contained (see the port)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from playwright.async_api import Browser, BrowserContext, StorageState, async_playwright

from assay.adapters.browser.containment import contained_context
from assay.adapters.browser.launcher import browser_available, launch
from assay.domain.ports import CodeMailbox
from assay.pages.browser import BrowserSession
from assay.pages.containment import Containment


@dataclass(frozen=True)
class ContainedBrowser:
    """A launched browser whose every context is contained (the session the port hands out)."""

    browser: Browser
    mailbox: CodeMailbox | None = None

    async def context(
        self, containment: Containment, storage_state: StorageState | None = None
    ) -> BrowserContext:
        return await contained_context(self.browser, containment, storage_state)


class Chromium:
    """Headless Chromium, one launch per :meth:`open`, closed when the block ends; its sessions
    read a login's mailed one-time codes through ``mailbox``."""

    def __init__(self, mailbox: CodeMailbox | None = None) -> None:
        self._mailbox = mailbox

    def available(self) -> bool:
        return browser_available()

    @asynccontextmanager
    async def open(self, target_url: str) -> AsyncIterator[BrowserSession]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, target_url)
            try:
                yield ContainedBrowser(browser, self._mailbox)
            finally:
                await browser.close()
