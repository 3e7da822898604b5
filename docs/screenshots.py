"""Screenshots of the dashboard and of report.html, written to docs/screenshots/*.png.

Run from the repository root, in the project's virtualenv, with Debian's Chromium installed:

    python docs/screenshots.py            # or: python docs/screenshots.py --out /tmp/shots

It starts, all on 127.0.0.1: the demo target (``assay.demo``), a small web app with browser
faults (``tests/apps/ui_fault_pages``), and the assay server (API and dashboard) on a throwaway
SQLite store. Then Chromium (Playwright) uses the dashboard as a person would: starts runs from
the form, watches progress, opens a finding, the scenarios, the tests, the report, chains an
observation into requirements, and compares two runs of the demo. Each page is one PNG at a
1366x768 viewport. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.apps: the web app with browser faults

from playwright.sync_api import Page, ViewportSize, expect, sync_playwright  # noqa: E402
from tests.apps.ui_fault_pages import ui_fault_site  # noqa: E402

from assay.bootstrap import build_app  # noqa: E402
from assay.demo.app import create_app  # noqa: E402
from assay.demo.server import serve_in_thread  # noqa: E402
from assay.settings import Settings  # noqa: E402

VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
CHROMIUM = "/usr/bin/chromium"
RUN_TIMEOUT_MS = 600_000  # a whole run on a loaded 2-core machine; an upper bound, not a measure


def start_from_form(page: Page, base: str, url: str, kind: str = "generate-tests", depth: str = "1") -> str:
    """Start a workflow from the dashboard's form; its id."""
    page.goto(base + "/")
    page.get_by_label("Workflow", exact=True).select_option(kind)
    page.get_by_label("Target URL").fill(url)
    page.get_by_label("Depth").select_option(depth)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/workflows/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[-1]


def wait_finished(page: Page) -> None:
    expect(page.locator("#workflow[data-finished=true]")).to_be_attached(timeout=RUN_TIMEOUT_MS)


def loaded(page: Page) -> None:
    """Wait until the page's pictures have loaded (the page's CSP forbids wait_for_function's eval)."""
    for image in page.locator("figure img").all():
        for _ in range(100):
            if image.evaluate("img => img.complete && img.naturalWidth > 1"):
                break
            page.wait_for_timeout(100)
        else:
            raise RuntimeError("a screenshot of the finding did not load")


def shoot(page: Page, out: Path, name: str, *, full_page: bool = False) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = Path(tempfile.mkdtemp(prefix="assay-shots-db-")) / "assay.db"
    settings = Settings(database_url=f"sqlite:///{store}", allowed_targets=["127.0.0.1"])
    with (
        serve_in_thread(create_app(), log_level="critical") as demo,
        serve_in_thread(ui_fault_site(flawed=True), log_level="critical") as site,
        serve_in_thread(build_app(settings), log_level="critical") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        base = server.base_url
        page.goto(base + "/")
        shoot(page, out, "dashboard-start")

        first = start_from_form(page, base, demo.base_url + "/")
        expect(page.locator("#events li").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
        expect(page.locator("#agent-analysis .agent-status")).to_have_text("running", timeout=RUN_TIMEOUT_MS)
        shoot(page, out, "workflow-running")
        wait_finished(page)
        shoot(page, out, "workflow-overview")
        page.locator("#findings tbody a").first.click()
        shoot(page, out, "finding", full_page=True)
        page.goto(f"{base}/workflows/{first}/scenarios")
        page.locator("#scenarios details summary").first.click()
        shoot(page, out, "scenarios")
        page.goto(f"{base}/workflows/{first}/tests")
        page.locator("#tests details summary").first.click()
        shoot(page, out, "tests")
        page.goto(f"{base}/workflows/{first}/report.html")
        shoot(page, out, "report-html")

        start_from_form(page, base, demo.base_url + "/")
        wait_finished(page)
        page.locator("#peers a").first.click()
        shoot(page, out, "compare", full_page=True)

        start_from_form(page, base, site.base_url + "/", depth="2")
        wait_finished(page)
        page.locator("#findings tbody tr", has_text="ui_console_error").get_by_role("link").click()
        expect(page.locator("figure img").first).to_be_visible()
        loaded(page)
        shoot(page, out, "finding-ui-screenshot", full_page=True)

        start_from_form(page, base, demo.base_url + "/", kind="observation")
        wait_finished(page)
        page.get_by_role("button", name=re.compile("Run requirements")).click()
        wait_finished(page)
        shoot(page, out, "chain")

        page.goto(base + "/")
        shoot(page, out, "dashboard-workflows")
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    main(parser.parse_args().out)
