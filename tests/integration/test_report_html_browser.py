"""report.html of a whole ``assay run`` on a small web app, opened from disk in headless Chromium.

The app is ``tests/apps/ui_fault_pages`` (flawed): its own script throws on /dashboard, a UI
finding with a screenshot. The page must open from a file:// URL with no console error (its one
script passes its own CSP, nothing is fetched), show the screenshot from the run's folder, filter
the findings as the search box is typed in, and offer the copy button of each curl line.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from tests.apps.ui_fault_pages import ui_fault_site
from typer.testing import CliRunner

from assay.adapters.browser.launcher import browser_available, find_chromium
from assay.cli.main import app
from assay.demo.server import serve_in_thread

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = serve_in_thread(ui_fault_site(flawed=True), log_level="critical")
    folder = tmp_path_factory.mktemp("run") / "out"
    try:
        args = ["run", server.base_url + "/", "--out", str(folder), "--budget", "180", "--depth", "2"]
        result = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "COLUMNS": "200"})
        assert result.exit_code in (0, 1, 3), result.output  # 3: a loaded machine hit the time budget
        yield folder
    finally:
        server.stop()


def _visible_cards(page: Page) -> list[str]:
    return [c.get_attribute("id") or "" for c in page.locator("article.finding").all() if c.is_visible()]


def test_report_html_opens_from_disk_filters_and_shows_the_screenshot(out: Path) -> None:
    findings = json.loads((out / "findings.json").read_text())["findings"]
    console = next(f for f in findings if f["category"] == "ui_console_error")
    shot = Path(console["evidence"]["screenshot"])
    assert shot.is_file() and shot.parent == out / "screenshots"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," + base64.b64encode(shot.read_bytes()).decode() in report

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium())
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request", lambda r: errors.append(f"loaded {r.url}") if r.url.startswith("http") else None
            )
            page.goto((out / "report.html").as_uri())
            card = page.locator(f"#finding-{console['id'].lower()}")
            # The screenshot decoded: the policy allows data: images and nothing else.
            assert card.locator("img").evaluate("img => img.naturalWidth") > 0

            assert page.locator("#filters").is_visible()  # the script ran under its own CSP hash
            assert len(_visible_cards(page)) == len(findings)
            page.fill("#f-text", "renderChart")  # the dashboard's console error, in its finding only
            assert _visible_cards(page) == [f"finding-{console['id'].lower()}"]
            assert page.locator("#f-count").inner_text().startswith(f"1 of {len(findings)} findings")
            page.fill("#f-text", "")
            page.select_option("#f-severity", "low")
            low = [f"finding-{f['id'].lower()}" for f in findings if f["severity"] == "low"]
            assert _visible_cards(page) == low
            page.select_option("#f-severity", "")

            copy = card.locator("button.copy")
            assert copy.is_visible() and copy.inner_text() == "Copy"
            copy.click()
            assert copy.inner_text() != "Copy"  # copied, or selected for Ctrl+C where no clipboard is

            # Scripts off: every finding shows, and no control is left that would do nothing.
            still = browser.new_context(java_script_enabled=False).new_page()
            still.goto((out / "report.html").as_uri())
            assert len(_visible_cards(still)) == len(findings)
            assert (
                not still.locator("#filters").is_visible()
                and not still.locator("button.copy").first.is_visible()
            )
            assert still.locator(f"#finding-{console['id'].lower()} img").evaluate("i => i.naturalWidth") > 0
        finally:
            browser.close()
    assert errors == []
