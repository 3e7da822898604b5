"""The dashboard at /: list, start form, workflow page with findings and links; live in Chromium."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import FakePipeline, served, settings_for

TARGET = "http://127.0.0.1:9/"
CHROMIUM = "/usr/bin/chromium"


def test_start_from_the_form_then_follow_the_workflow_to_its_findings(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        empty = web.get("/")
        started = web.post("/", data={"url": TARGET, "kind": "generate-tests", "user_instruction": "items"})
        assert started.status_code == 303, started.text
        location = started.headers["location"]
        workflow_id = location.rsplit("/", 1)[-1]
        assert api.wait(workflow_id)["status"] == "completed"
        listing = web.get("/")
        page = web.get(location)
        report = web.get(f"/workflows/{workflow_id}/report.html")
        script = web.get("/static/dashboard.js")
        links = re.findall(r'href="(/[^"]+)"', page.text)
        linked = {link: web.get(link).status_code for link in links if link.startswith("/api/v2/workflows")}
    assert empty.status_code == 200 and "No workflows yet" in empty.text and "<form" in empty.text
    assert listing.status_code == 200 and f"/workflows/{workflow_id}" in listing.text
    assert 'class="status completed"' in listing.text and TARGET in listing.text
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'data-finished="true"' in page.text
    assert 'id="findings"' in page.text and "GET /items" in page.text and "critical" in page.text
    assert "Test suite (zip, 2 tests)" in page.text
    assert {
        f"/api/v2/workflows/{workflow_id}/{p}" for p in ("report", "findings", "results", "suite")
    } <= set(linked)
    assert set(linked.values()) == {200}
    assert report.headers["content-type"].startswith("text/html") and "<html" in report.text.lower()
    assert script.status_code == 200 and "EventSource" in script.text


def test_bad_input_unknown_workflow_and_cancel(tmp_path: Path) -> None:
    gate = threading.Event()
    with (
        served(settings_for(tmp_path), FakePipeline(gate=gate)) as api,
        httpx.Client(base_url=api.base, timeout=10) as web,
    ):
        bad_url = web.post("/", data={"url": "ftp://x/", "kind": "observation"})
        bad_kind = web.post("/", data={"url": TARGET, "kind": "improve"})
        missing = web.get("/workflows/nope")
        location = web.post("/", data={"url": TARGET, "kind": "observation"}).headers["location"]
        running = web.get(location)
        cancelled = web.post(f"{location}/cancel")
        after = web.get(location)
        gate.set()
    assert bad_url.status_code == 400 and "absolute http(s) URL" in bad_url.text
    assert 'value="ftp://x/"' in bad_url.text  # the form keeps what was typed
    assert bad_kind.status_code == 400 and "Unknown workflow kind" in bad_kind.text
    assert missing.status_code == 404 and "No workflow" in missing.text
    assert 'data-finished="false"' in running.text and "/cancel" in running.text
    assert cancelled.status_code == 303
    assert 'class="status cancelled"' in after.text


def test_no_dashboard_when_api_keys_are_set(tmp_path: Path) -> None:
    with served(settings_for(tmp_path, api_keys="k1")) as api:
        response = httpx.get(f"{api.base}/")
    assert response.status_code == 404


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_live_progress_in_a_browser(tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    gate = threading.Event()
    with served(settings_for(tmp_path), FakePipeline(gate=gate)) as api, playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.goto(f"{api.base}/")
            page.fill("input[name=url]", TARGET)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/workflows/[0-9a-f-]{36}$"))
            status = page.locator("#status")
            # Only the script writes "started" (on the stream's agent_started): the page follows SSE.
            message = page.locator("#agent-observation .agent-message")
            playwright.expect(message).to_have_text("started", timeout=60_000)
            playwright.expect(status).to_have_text("running", timeout=60_000)
            gate.set()
            playwright.expect(page.locator("#findings")).to_be_visible(timeout=60_000)  # reloaded when done
            playwright.expect(status).to_have_text("completed", timeout=60_000)
            progress = page.locator("#agent-evolution progress").get_attribute("value")
        finally:
            browser.close()
    assert progress is not None and float(progress) == 1.0
