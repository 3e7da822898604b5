"""Swagger UI at /api/v2/docs renders with every other host unreachable (its assets ship with assay)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Route, sync_playwright
from tests.api_helpers import served, settings_for

from assay.adapters.browser.launcher import browser_available, find_chromium
from assay.pages.launch_flags import LAUNCH_ARGS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]


def test_swagger_ui_renders_offline(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        origin = urlsplit(api.base).netloc
        page_html = httpx.get(f"http://{origin}/api/v2/docs").text
        assert "cdn." not in page_html and "https://" not in page_html, page_html
        elsewhere: list[str] = []

        def only_the_server(route: Route) -> None:
            if urlsplit(route.request.url).netloc == origin:
                route.continue_()
            else:  # what a machine without internet would see
                elsewhere.append(route.request.url)
                route.abort()

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
            try:
                page = browser.new_page()
                page.route("**/*", only_the_server)
                page.goto(f"http://{origin}/api/v2/docs")
                title = page.locator(".swagger-ui .info .title")
                title.wait_for(timeout=30_000)
                assert "assay API" in title.inner_text()
                # The operations are listed: the schema loaded and rendered.
                assert page.locator(".opblock").count() > 5
            finally:
                browser.close()
    assert elsewhere == []
