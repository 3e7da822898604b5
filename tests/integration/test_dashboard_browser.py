"""The dashboard in real Chromium, over the real pipeline, against the demo target on 127.0.0.1.

A person's path through it: start a run from the form, watch its progress arrive over SSE,
open a finding, download the suite, cancel a run, and compare two runs of the same target.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.api_helpers import settings_for

from assay.bootstrap import build_app
from assay.demo.app import create_app
from assay.demo.server import RunningServer, serve_in_thread

CHROMIUM = "/usr/bin/chromium"
RUN_MS = 600_000  # an upper bound for one demo run on a loaded machine, not a measure of speed

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium: apt-get install -y chromium"),
]


@dataclass
class Stack:
    demo: RunningServer
    base: str  # the assay server: API and dashboard
    browser: Browser


@dataclass
class FirstRun:
    workflow_id: str
    events_seen: list[str]  # the event log the script wrote while the run went on
    status_seen: str  # the status badge as the stream set it, before the page reloaded
    page: Page


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = settings_for(tmp_path_factory.mktemp("store"), allowed_targets="127.0.0.1")
    with (
        serve_in_thread(create_app(), log_level="critical") as demo,
        serve_in_thread(build_app(settings), log_level="critical") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield Stack(demo, server.base_url, browser)
        finally:
            browser.close()


def new_page(stack: Stack) -> Page:
    return stack.browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)


def start_from_form(page: Page, stack: Stack, kind: str = "generate-tests") -> str:
    page.goto(stack.base + "/")
    page.get_by_label("Workflow", exact=True).select_option(kind)
    page.get_by_label("Target URL").fill(stack.demo.base_url + "/")
    page.get_by_label("Instruction (optional)").fill("notes")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/workflows/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[-1]


def wait_finished(page: Page) -> None:
    expect(page.locator("#workflow[data-finished=true]")).to_be_attached(timeout=RUN_MS)


@pytest.fixture(scope="module")
def first_run(stack: Stack) -> FirstRun:
    """A full run started from the form, followed live until the page reloads with its results."""
    page = new_page(stack)
    workflow_id = start_from_form(page, stack)
    # Only the script writes these: the event log and a stage marked completed come from SSE.
    expect(page.locator("#agent-observation .agent-status")).to_have_text("completed", timeout=RUN_MS)
    status_seen = page.locator("#status").inner_text()
    events_seen = page.locator("#events li").all_inner_texts()
    wait_finished(page)
    return FirstRun(workflow_id, events_seen, status_seen, page)


def test_progress_arrives_live_and_the_page_ends_with_the_findings(first_run: FirstRun) -> None:
    page = first_run.page
    assert first_run.status_seen == "running"
    assert any(text.endswith("observation started") for text in first_run.events_seen), first_run.events_seen
    assert any("observation completed" in text for text in first_run.events_seen), first_run.events_seen
    expect(page.locator("#status")).to_have_text("completed")
    assert page.locator("#findings tbody tr").count() > 5  # the demo's planted faults
    assert page.locator("#agent-evolution progress").get_attribute("value") == "1.00"


def test_open_a_finding_by_keyboard_and_read_its_evidence(stack: Stack, first_run: FirstRun) -> None:
    page = new_page(stack)
    page.goto(f"{stack.base}/workflows/{first_run.workflow_id}")
    page.get_by_label("Filter findings").fill("server_error")
    link = page.locator("#findings tbody tr:visible a").first
    finding_id = link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/findings/{finding_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(finding_id)
    expect(page.locator("#request")).to_contain_text('"method"')
    expect(page.locator("#response")).to_contain_text('"status": 5')
    expect(page.locator("#curl")).to_contain_text("curl ")
    assert page.locator("#recommendation").inner_text().strip()
    page.close()


def test_download_the_suite_as_a_zip_of_tests(stack: Stack, first_run: FirstRun, tmp_path: Path) -> None:
    page = new_page(stack)
    page.goto(f"{stack.base}/workflows/{first_run.workflow_id}/tests")
    first_code = page.locator("#tests details").first
    first_code.locator("summary").click()
    expect(first_code.locator("pre")).to_contain_text("def test_")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the suite (zip)").click()
    target = tmp_path / "suite.zip"
    download.value.save_as(target)
    page.close()
    names = zipfile.ZipFile(target).namelist()
    tests = [n for n in names if re.search(r"/test_[^/]+\.py$", n)]
    assert tests, names
    assert any(n.endswith("conftest.py") for n in names), names
    assert all(n.startswith(f"assay-suite-{first_run.workflow_id[:8]}/") for n in names)


def test_cancel_a_running_workflow(stack: Stack) -> None:
    page = new_page(stack)
    start_from_form(page, stack)
    page.get_by_role("button", name="Cancel this workflow").click()
    expect(page.locator("#status")).to_have_text("cancelled", timeout=RUN_MS)
    expect(page.get_by_role("button", name="Cancel this workflow")).to_have_count(0)
    page.close()


def test_compare_two_runs_of_the_demo(stack: Stack, first_run: FirstRun) -> None:
    page = new_page(stack)
    second = start_from_form(page, stack)
    wait_finished(page)
    page.locator(f"#peers a[href*='before={first_run.workflow_id}']").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparison of two runs")
    earlier = page.locator("#runs tbody tr").first.locator("td").first.get_by_role("link")
    assert earlier.get_attribute("href") == f"/workflows/{first_run.workflow_id}"
    assert page.locator("#runs a").nth(1).get_attribute("href") == f"/workflows/{second}"
    # The demo's planted faults are found again: most findings are the same ones, still there.
    assert page.locator("#unchanged-findings tbody tr").count() > 5
    assert re.fullmatch(r"[+-]\d+\.\d points", page.locator("#pass-rate-change").inner_text())
    page.close()
