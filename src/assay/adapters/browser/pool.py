"""The server's browsers: one Chromium per target host shared by every workflow on that host,
and a bound on the contexts open at once over all of them.

Each workflow still gets contexts of its own (cookies, storage and cache are per context), opened
through the same containment as ever (:func:`contained_context`); the browser is shared only by
workflows on one host because the launcher's resolver rule, which lets no other host name
resolve, is a switch of the whole process.

The bound is kept without deadlock by reserving: a session (one ``open``) waits, FIFO, until
``per_session`` slots are free and holds them until it ends; its contexts then take from its own
reservation, so a session holding contexts never waits for another's. ``per_session`` must be the
most contexts an agent holds at once (the composition root computes it from the agents).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Playwright, StorageState, async_playwright

from assay.adapters.browser.containment import contained_context
from assay.adapters.browser.launcher import browser_available, launch
from assay.domain.ports import CodeMailbox
from assay.pages.browser import BrowserSession
from assay.pages.containment import Containment

log = logging.getLogger("assay.browser")


@dataclass
class _Shared:
    browser: Browser
    users: int = 0


class Slots:
    """``total`` slots handed out FIFO, several at a time (a session's reservation)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.free = total
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    async def take(self, count: int) -> None:
        if not self._waiters and self.free >= count:
            self.free -= count
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((count, waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give(count)  # granted just as it was cancelled: hand them on
            else:
                with contextlib.suppress(ValueError):  # already skipped by _wake
                    self._waiters.remove((count, waiter))
                self._wake()
            raise

    def give(self, count: int) -> None:
        self.free += count
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.free >= self._waiters[0][0]:
            count, waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self.free -= count
            waiter.set_result(None)


@dataclass
class PooledSession:
    """One workflow's session on a shared browser: contexts of its own, within its reservation."""

    browser: Browser
    pool: BrowserPool
    slots: asyncio.Semaphore
    mailbox: CodeMailbox | None = None
    contexts: set[BrowserContext] = field(default_factory=set)

    async def context(
        self, containment: Containment, storage_state: StorageState | None = None
    ) -> BrowserContext:
        await self.slots.acquire()
        try:
            context = await contained_context(self.browser, containment, storage_state)
        except BaseException:
            self.slots.release()
            raise
        self.contexts.add(context)
        self.pool.opened()
        context.on("close", lambda _c: self._closed(context))
        return context

    def _closed(self, context: BrowserContext) -> None:
        if context in self.contexts:
            self.contexts.discard(context)
            self.slots.release()
            self.pool.closed()

    async def close(self) -> None:
        """Close what the agents left open (a crash between open and close)."""
        for context in list(self.contexts):
            with contextlib.suppress(Exception):
                await context.close()
            self._closed(context)


class BrowserPool:
    """Implements the browser port (assay.pages.browser) for the server; see the module."""

    def __init__(
        self, max_contexts: int, per_session: int, mailbox: CodeMailbox | None = None, keep_idle: int = 1
    ) -> None:
        self.per_session = max(1, per_session)
        if max_contexts < self.per_session:
            log.warning("%d browser contexts cannot hold one session's %d", max_contexts, self.per_session)
        self.max_contexts = max(max_contexts, self.per_session)
        self._slots = Slots(self.max_contexts)
        self._mailbox = mailbox
        self._keep_idle = keep_idle
        self._browsers: dict[str, _Shared] = {}
        self._idle: deque[str] = deque()  # hosts whose browser no session uses, oldest first
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self.open_contexts = 0
        self.peak_contexts = 0  # the most contexts open at once: what the bound is checked by
        self.launches = 0

    def available(self) -> bool:
        return browser_available()

    @asynccontextmanager
    async def open(self, target_url: str) -> AsyncIterator[BrowserSession]:
        host = urlsplit(target_url).hostname or ""
        await self._slots.take(self.per_session)
        try:
            browser = await self._acquire(host, target_url)
            session = PooledSession(browser, self, asyncio.Semaphore(self.per_session), self._mailbox)
            try:
                yield session
            finally:
                await session.close()
                await self._release(host)
        finally:
            self._slots.give(self.per_session)

    def opened(self) -> None:
        self.open_contexts += 1
        self.peak_contexts = max(self.peak_contexts, self.open_contexts)

    def closed(self) -> None:
        self.open_contexts -= 1

    def browsers(self) -> list[Browser]:
        return [shared.browser for shared in self._browsers.values()]

    async def aclose(self) -> None:
        async with self._lock:
            for shared in self._browsers.values():
                with contextlib.suppress(Exception):
                    await shared.browser.close()
            self._browsers.clear()
            self._idle.clear()
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await self._playwright.stop()
                self._playwright = None

    async def _acquire(self, host: str, target_url: str) -> Browser:
        async with self._lock:
            shared = self._browsers.get(host)
            if shared is not None and not shared.browser.is_connected():
                del self._browsers[host]  # it crashed or was killed: a fresh one
                shared = None
            if shared is None:
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                shared = _Shared(await launch(self._playwright, target_url))
                self.launches += 1
                self._browsers[host] = shared
            if host in self._idle:
                self._idle.remove(host)
            shared.users += 1
            return shared.browser

    async def _release(self, host: str) -> None:
        async with self._lock:
            shared = self._browsers.get(host)
            if shared is None:
                return
            shared.users -= 1
            if shared.users > 0:
                return
            self._idle.append(host)
            while len(self._idle) > self._keep_idle:  # an idle Chromium costs ~100 MB
                oldest = self._idle.popleft()
                stale = self._browsers.pop(oldest)
                with contextlib.suppress(Exception):
                    await stale.browser.close()
