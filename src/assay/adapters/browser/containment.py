"""Keep every browser context on the target's host, and no page able to hang or flood the run.

:func:`contained_context` is the one way assay opens a browser context (crawl, sign-in, UI
scenarios). In it:

- every request whose host is not the target's is aborted before it leaves (scripts, fonts,
  images, frames, fetch(), beacons, and navigations: links, form posts), WebSockets too; a
  redirect to another host, which request interception does not see, fails on the launcher's
  resolver rule (see :func:`assay.adapters.browser.launcher.launch_args`); the blocked hosts are counted
  in :class:`Containment`;
- service workers are blocked (their requests would escape the route);
- a page a page opens (``window.open``, ``target=_blank``) is closed at once;
- JavaScript dialogs are dismissed: ``confirm()`` answers "cancel", so a confirmed delete is not
  confirmed;
- a watchdog pings each page; one that does not answer (a script that never ends, a load that
  never settles) has its script stopped, is closed if that does not help, and is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Coroutine

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Dialog,
    Page,
    Request,
    Route,
    StorageState,
    WebSocketRoute,
)

from assay.pages.containment import ABORT_REASON, ABORTED, Containment

PING_SECONDS = 2.0
STUCK_SECONDS = 10.0  # a page that answers no script for this long never settles
NAVIGATION_TIMEOUT_MS = 20000


async def contained_context(
    browser: Browser,
    containment: Containment,
    storage_state: StorageState | None = None,
) -> BrowserContext:
    """A new context of ``browser`` kept on ``containment.target_url``'s host (see the module)."""
    context = await browser.new_context(storage_state=storage_state, service_workers="block")
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    guard = _ContextGuard(containment)
    await context.route(lambda _url: True, guard.route)
    await context.route_web_socket(lambda _url: True, guard.route_socket)
    context.on("page", guard.on_page)
    context.on("dialog", guard.on_dialog)
    context.on("requestfailed", guard.on_failed)
    context.on("close", guard.on_close)
    return context


class _ContextGuard:
    """The handlers of one contained context, and the tasks they started."""

    def __init__(self, containment: Containment) -> None:
        self.containment = containment
        self.tasks: set[asyncio.Task[None]] = set()  # watchdogs and closings
        self.popups: weakref.WeakSet[Page] = weakref.WeakSet()

    async def route(self, route: Route) -> None:
        url = route.request.url
        with contextlib.suppress(Exception):  # the page may be gone by now
            if self.containment.allows(url):
                await route.fallback()
            else:
                self.containment.block(url)
                await route.abort(ABORT_REASON)

    async def route_socket(self, socket: WebSocketRoute) -> None:
        with contextlib.suppress(Exception):
            if self.containment.allows(socket.url):
                socket.connect_to_server()
            else:
                self.containment.block(socket.url)
                await socket.close(code=1008, reason="blocked by assay: not the target's host")

    async def on_dialog(self, dialog: Dialog) -> None:
        await _dismiss(dialog, self.containment)

    def on_page(self, page: Page) -> None:
        page.on("popup", self.on_popup)
        self._spawn(_guard(page, self.popups, self.containment))

    def on_popup(self, popup: Page) -> None:
        self.containment.popups_closed += 1
        self.popups.add(popup)
        self._spawn(_close(popup))

    def on_failed(self, request: Request) -> None:
        # A redirect to another host never reaches the route: the launcher's resolver rule
        # stops it (ERR_NAME_NOT_RESOLVED), and it is counted here.
        if not self.containment.allows(request.url) and ABORTED not in (request.failure or ""):
            self.containment.block(request.url)

    def on_close(self, _context: BrowserContext) -> None:
        for task in list(self.tasks):
            task.cancel()

    def _spawn(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def _dismiss(dialog: Dialog, containment: Containment) -> None:
    containment.dialogs_dismissed += 1
    with contextlib.suppress(Exception):  # another listener may have answered it
        await dialog.dismiss()


async def _close(page: Page) -> None:
    with contextlib.suppress(Exception):  # gone with its opener already
        await page.close()


async def _guard(page: Page, popups: weakref.WeakSet[Page], containment: Containment) -> None:
    """Watch that a page assay opened keeps answering (a pop-up is closed, not watched)."""
    await asyncio.sleep(0)  # let the opener's "popup" event mark a pop-up first
    if page in popups or await page.opener() is not None:
        if page not in popups:
            containment.popups_closed += 1
            await _close(page)
        return
    with contextlib.suppress(Exception):
        # Attached now: a session attached once a script loops would wait for it forever.
        session = await asyncio.wait_for(page.context.new_cdp_session(page), STUCK_SECONDS)
        await _watch(page, session, containment)


async def _watch(page: Page, session: CDPSession, containment: Containment) -> None:
    while not page.is_closed():
        await asyncio.sleep(PING_SECONDS)
        if await _answers(page) or await _answers(page):  # twice: a loaded machine is slow, not stuck
            continue
        containment.never_settled(
            page.url, f"no answer for {2 * STUCK_SECONDS:.0f} s: its script was stopped"
        )
        with contextlib.suppress(Exception):
            await asyncio.wait_for(session.send("Runtime.terminateExecution"), STUCK_SECONDS)
        if not await _answers(page):
            containment.never_settled(page.url, "its script could not be stopped: the page was closed")
            await asyncio.wait_for(page.close(), STUCK_SECONDS)


async def _answers(page: Page) -> bool:
    """False only when the page is alive and does not run a trivial script within the limit."""
    try:
        await asyncio.wait_for(page.evaluate("0"), STUCK_SECONDS)
    except TimeoutError:
        return page.is_closed()
    except Exception:  # navigated away mid-ping, or closed: not stuck
        return True
    return True
