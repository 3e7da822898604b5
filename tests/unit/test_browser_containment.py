"""Containment without a browser: the host policy, the tallies, the launch switches, the report
section and the generated UI suite's own containment (see tests/integration/test_containment.py
for the real Chromium)."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from assay.adapters.browser.launcher import launch_args
from assay.agents.evolution.ui_suite import build_ui_suite
from assay.agents.observation.web.crawler import CrawlResult
from assay.agents.observation.web.observe import summarise
from assay.domain.observation import Observation
from assay.domain.pages import BlockedHost, UnsettledPage
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario, UiStep
from assay.pages import locators
from assay.pages.containment import Containment, is_blocked_error
from assay.pages.launch_flags import DISABLED_FEATURES, LAUNCH_ARGS, SWITCHES
from assay.report.blocked import blocked_section
from assay.report.markdown import render_markdown

TARGET = "http://127.0.0.1:8000/start"


def test_only_the_targets_host_is_allowed() -> None:
    contained = Containment(TARGET)
    assert contained.allows("http://127.0.0.1:8000/a.js")
    assert contained.allows("https://127.0.0.1:9443/other-port")  # the host policy: host, not port
    assert contained.allows("data:text/plain,x") and contained.allows("blob:http://127.0.0.1:8000/id")
    assert not contained.allows("https://fonts.googleapis.com/css")
    assert not contained.allows("ws://127.0.0.2:8000/socket")
    assert not contained.allows("http://localhost:8000/")  # another name is another host


def test_blocked_hosts_are_counted_most_blocked_first() -> None:
    contained = Containment(TARGET)
    for url in ("https://b.example/1", "https://a.example/1", "https://b.example/2", "https://C.example/"):
        contained.block(url)
    assert contained.blocked_hosts() == (
        BlockedHost("b.example", 2),
        BlockedHost("a.example", 1),
        BlockedHost("c.example", 1),
    )


def test_a_page_is_recorded_once_with_its_gravest_reason() -> None:
    contained = Containment(TARGET)
    contained.never_settled("http://127.0.0.1:8000/loop", "no answer")
    contained.never_settled("http://127.0.0.1:8000/loop", "closed")
    assert contained.unsettled == [UnsettledPage("http://127.0.0.1:8000/loop", "closed")]


def test_console_noise_of_blocked_resources_is_recognised() -> None:
    contained = Containment(TARGET)
    assert is_blocked_error("Failed to load resource: net::ERR_BLOCKED_BY_CLIENT")
    assert is_blocked_error("net::ERR_NAME_NOT_RESOLVED")
    assert not is_blocked_error("Uncaught TypeError: x is undefined")
    assert contained.names_other_host("WebSocket connection to 'wss://cdn.example/ws' failed")
    assert not contained.names_other_host("GET http://127.0.0.1:8000/api 500 (Internal Server Error)")


def test_launch_switches_keep_chromium_home() -> None:
    args = launch_args(TARGET)
    assert "--no-proxy-server" in args
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in args
    for switch in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert switch in args
    features = [a for a in args if a.startswith("--disable-features=")]
    assert len(features) == 1  # Chromium keeps only the last one
    disabled = set(features[0].removeprefix("--disable-features=").split(","))
    assert {"AutofillServerCommunication", "Translate", "OptimizationHints", "MediaRouter"} <= disabled
    assert {"HttpsUpgrades", "DestroyProfileOnBrowserClose"} <= disabled  # Playwright's own, kept
    assert launch_args() == list(LAUNCH_ARGS)  # no target: no resolver rule


def _crawl() -> CrawlResult:
    return CrawlResult(
        "http://127.0.0.1:8000/",
        blocked=(BlockedHost("fonts.example", 3), BlockedHost("cdn.example", 1)),
        unsettled=(UnsettledPage("http://127.0.0.1:8000/loop", "no answer for 20 s"),),
        popups_closed=4,
        dialogs_dismissed=1,
    )


def test_the_observation_carries_what_was_blocked_and_what_never_settled() -> None:
    web = summarise(_crawl())
    assert web.blocked_hosts == _crawl().blocked and web.unsettled_pages == _crawl().unsettled
    assert any("fonts.example (3)" in n and "cdn.example (1)" in n for n in web.notes)
    assert any("4 pop-up" in n for n in web.notes) and any("1 JavaScript dialog" in n for n in web.notes)
    assert web.incomplete == (
        "page http://127.0.0.1:8000/loop never settled (no answer for 20 s): not observed in full",
    )


def test_the_report_lists_blocked_hosts_apart_from_the_findings() -> None:
    web = summarise(_crawl())
    run = RunResult(
        "http://127.0.0.1:8000",
        "2026-01-01T00:00:00",
        observation=web.onto(Observation("http://127.0.0.1:8000", "web")),
    )
    section = blocked_section(run)
    assert section.startswith("## Blocked third-party resources")
    assert "- `fonts.example`: 3 request(s)" in section and "- `cdn.example`: 1 request(s)" in section
    assert section in render_markdown(run)
    assert blocked_section(RunResult("http://x", "2026-01-01")) == ""


def _scenarios() -> list[Scenario]:
    home = (
        UiStep("goto", value="/"),
        UiStep("expect_status", value="/about"),
        UiStep("expect_no_console_errors"),
    )
    user, password = locators.by_label("Username"), locators.by_label("Password")
    sign_in = (
        UiStep("goto", value="/login"),
        UiStep("fill", user, "${env:ASSAY_USERNAME}"),
        UiStep("fill", password, "${env:ASSAY_PASSWORD}"),
        UiStep("click", locators.by_role("button", "Sign in")),
        UiStep("expect_text", value="Welcome"),
        UiStep("expect_hidden", password),
    )
    return [
        Scenario("SC-UI-001", "Home", "The home page loads", "ui_navigation", (), (), (), (), ui_steps=home),
        Scenario("SC-UI-002", "Login", "Sign in", "happy_path", (), (), (), (), ui_steps=sign_in),
    ]


def _suite(second_factor: str = "") -> dict[str, str]:
    return build_ui_suite(_scenarios(), "http://127.0.0.1:8000", "/login", second_factor)


def test_the_generated_ui_suite_is_contained_the_same_way() -> None:
    conftest = _suite()["conftest.py"]
    tree = ast.parse(conftest)
    assigned = {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert tuple(ast.literal_eval(assigned["DISABLED_FEATURES"])) == DISABLED_FEATURES
    switches = {e.value for e in ast.walk(assigned["ARGS"]) if isinstance(e, ast.Constant)}
    assert set(SWITCHES) <= switches
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {HOST}" in conftest
    # One place makes contexts, and it aborts other hosts, blocks service workers, answers
    # dialogs with cancel and closes pop-ups.
    assert conftest.count("new_context(") == 1
    for line in (
        'service_workers="block"',
        'context.route(_elsewhere, lambda route: route.abort("blockedbyclient"))',
        "context.route_web_socket(_elsewhere",
        'context.on("dialog", lambda dialog: dialog.dismiss())',
        'page.on("popup", _close)',
    ):
        assert line in conftest
    tests = _suite()["test_ui.py"]
    assert "assert _status(page, '/about') < 400" in tests or 'assert _status(page, "/about") < 400' in tests
    assert "max_redirects=0" in tests and "ERR_BLOCKED_BY_CLIENT" in tests


@pytest.mark.parametrize("second_factor", ["", "totp"])
def test_the_generated_ui_suite_is_ruff_clean(tmp_path: Path, second_factor: str) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    for name, text in _suite(second_factor).items():
        (tmp_path / name).write_text(text)
    # The suite's own ruff.toml applies, to every file (otp_support.py is assay's own module).
    check = subprocess.run([ruff, "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout
