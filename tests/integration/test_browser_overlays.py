"""Overlays are dismissed before assay clicks or types, in real Chromium (pages set in place)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page, async_playwright

from assay.adapters.browser.launcher import browser_available, launch
from assay.pages.overlays import click_through, dismiss_overlays

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
BUTTON = '<main><h1>Shop</h1><button id="go" onclick="window.clicked = true">Go</button></main>'


def on_page(html: str, check: Callable[[Page], Awaitable[None]]) -> None:
    async def run() -> None:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            try:
                page = await browser.new_page()
                await page.set_content(html)
                await check(page)
            finally:
                await browser.close()

    asyncio.run(run())


def test_a_cookie_banner_is_accepted_in_the_page_language() -> None:
    banner = ('<div class="cookie-banner" style="position:fixed;bottom:0;left:0;right:0;height:80px">'
              "Nous utilisons des cookies. "
              "<button onclick=\"this.parentElement.remove()\">Tout accepter</button>"
              "</div>")  # fmt: skip

    async def check(page: Page) -> None:
        assert await dismiss_overlays(page) == ["clicked 'tout accepter' on an overlay"]
        assert await page.locator(".cookie-banner").count() == 0

    on_page(BUTTON + banner, check)


def test_a_modal_covering_the_target_is_closed_and_the_click_goes_through() -> None:
    modal = ('<div role="dialog" style="position:fixed;inset:0;background:#000c">Newsletter!'
             '<button aria-label="Close" onclick="this.parentElement.remove()">×</button></div>')  # fmt: skip

    async def check(page: Page) -> None:
        await click_through(page.locator("#go"), 3000)
        assert await page.evaluate("window.clicked === true")
        assert await page.locator("[role=dialog]").count() == 0

    on_page(BUTTON + modal, check)


def test_a_confirmation_is_never_accepted_only_closed() -> None:
    confirm = ('<div role="dialog" style="position:fixed;inset:0">Delete this post?'
               '<button onclick="window.deleted = true">OK</button>'
               '<button onclick="this.parentElement.remove()">Close</button></div>')  # fmt: skip

    async def check(page: Page) -> None:
        await dismiss_overlays(page)
        assert not await page.evaluate("window.deleted === true")
        assert await page.locator("[role=dialog]").count() == 0

    on_page(BUTTON + confirm, check)


def test_a_layer_without_any_control_is_hidden_so_the_click_lands() -> None:
    layer = '<div style="position:fixed;inset:0;z-index:9;background:#fff">Loading…</div>'

    async def check(page: Page) -> None:
        await click_through(page.locator("#go"), 3000)
        assert await page.evaluate("window.clicked === true")

    on_page(BUTTON + layer, check)


def test_nothing_is_touched_when_nothing_covers_the_page() -> None:
    async def check(page: Page) -> None:
        assert await dismiss_overlays(page, page.locator("#go")) == []
        assert await dismiss_overlays(page) == []
        assert not await page.evaluate("window.clicked === true")

    on_page(BUTTON, check)
