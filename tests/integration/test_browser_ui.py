"""The browser side against the demo web UI in real Chromium on 127.0.0.1.

Skipped when no Chromium is found (apt-get install -y chromium, or set ASSAY_CHROMIUM_PATH).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.adapters.http import HttpxTransport
from assay.agents.analysis.agent import AnalysisOutcome, analyse
from assay.agents.analysis.ui.executor import run_ui_scenarios
from assay.agents.observation.web.crawler import CrawlConfig, CrawlResult, crawl
from assay.agents.observation.web.observe import summarise
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.demo.webui import UI_PLANTED_FAULTS, WebUiState, add_web_ui
from assay.domain.action_safety import ActionPolicy
from assay.domain.events import ScenarioExecuted
from assay.domain.host_policy import SafetyPolicy
from assay.domain.observation import Observation
from assay.domain.scenarios import CoverageMetrics, RequirementsResult, Scenario
from assay.domain.target import Credentials, Target
from assay.oracles.ui import judge_pages

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
CREDS = Credentials("demo", "demo-pass-123")


@dataclass
class Ui:
    base_url: str
    state: WebUiState
    crawl: CrawlResult
    scenarios: tuple[Scenario, ...]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    app = FastAPI()
    state = add_web_ui(app)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    shots = tmp_path_factory.mktemp("shots")
    # A cap, not a pace: the crawl is bounded by its pages; a busy machine must not cut it short.
    config = CrawlConfig(
        depth=2, probe_actions=True, screenshots=Path(shots), credentials=CREDS, budget_seconds=600.0
    )
    result = asyncio.run(crawl(f"{base}/ui/", config, Chromium()))
    web = summarise(result)
    observation = web.onto(Observation(target=base, kind="web"))
    yield Ui(base, state, result, ui_scenarios(observation))
    server.should_exit = True
    thread.join(5)


def test_crawl_extracts_elements_structure_and_context(ui: Ui) -> None:
    paths = {p.path for p in ui.crawl.pages}
    assert {"/ui/", "/ui/items", "/ui/login", "/ui/settings", "/ui/contact"} <= paths
    assert ui.crawl.login is not None and ui.crawl.login.signed_in
    web = summarise(ui.crawl)
    username = next(e for e in web.ui_elements if e.page == "/ui/login" and e.name == "Username")
    assert (
        username.locator == 'page.get_by_role("textbox", name="Username", exact=True)' and username.required
    )
    display = next(e for e in web.ui_elements if e.name == "Display name")
    assert display.constraints.get("maxlength") == "30"
    login = next(p for p in ui.crawl.pages if p.path == "/ui/login")
    assert login.purpose == "login"
    assert web.pages and web.page_structure["pages"]


def test_each_ui_oracle_finds_its_planted_fault_and_nothing_else(ui: Ui) -> None:
    findings = judge_pages(ui.crawl.pages)
    found = {(f.category, f.path) for f in findings}
    expected = {(c, "/ui/items/99" if c == "ui_broken_link" else p) for c, p in UI_PLANTED_FAULTS.items()}
    assert found == expected
    for finding in findings:
        assert Path(str(finding.evidence["screenshot"])).is_file()


def _button_scenario(ui: Ui) -> Scenario:
    return next(s for s in ui.scenarios if s.kind == "ui_action" and "Save draft" in s.title)


def test_healthy_scenarios_pass_and_planted_ones_fail(ui: Ui) -> None:
    # "Save settings" overwrites the signed-in user's existing settings: left alone by default,
    # submitted only under --destructive (the demo is ours).
    assert not any("Save settings" in s.title for s in ui.scenarios)
    web = summarise(ui.crawl, ActionPolicy.for_url(ui.base_url, destructive=True))
    observation = web.onto(Observation(target=ui.base_url, kind="web"))
    scenarios = ui_scenarios(observation)
    chosen = [s for s in scenarios if s.feature.endswith(("/ui/settings", "/ui/login"))]
    runs = asyncio.run(run_ui_scenarios(chosen, ui.base_url, Chromium(), credentials=CREDS))
    by_title = {s.title: r for s, r in zip(chosen, runs, strict=True)}
    assert by_title["Sign in with valid credentials"].run.status == "passed"
    assert by_title["Sign in with a wrong password shows an error"].run.status == "failed"
    assert by_title['Submit "Save settings" with valid values'].success.success_rate == 1.0


@pytest.mark.parametrize(
    ("variant", "status", "tier"),
    [("original", "passed", "tier1"), ("renamed", "passed", "tier2"),
     ("changed", "failed", "tier1"), ("renamed_changed", "failed", "tier2")],
)  # fmt: skip
def test_tier2_heals_a_renamed_button_but_never_a_changed_behaviour(
    ui: Ui, variant: str, status: str, tier: str
) -> None:
    scenario = _button_scenario(ui)
    ui.state.button_variant = variant  # type: ignore[assignment]
    try:
        (result,) = asyncio.run(run_ui_scenarios([scenario], ui.base_url, Chromium()))
    finally:
        ui.state.button_variant = "original"
    assert (result.run.status, result.success.tier_used) == (status, tier)
    if tier == "tier2":
        assert (
            result.healed
            and result.healed[0].new == 'page.get_by_role("button", name="Keep draft", exact=True)'
        )
        assert result.healed[0].confidence >= 0.75


def test_analysis_tells_each_ui_scenario_as_one_scenario_executed(ui: Ui) -> None:
    chosen = tuple(s for s in ui.scenarios if s.feature.endswith("/ui/login"))
    assert chosen
    observation = summarise(ui.crawl).onto(Observation(target=ui.base_url, kind="web"))
    coverage = CoverageMetrics(0, 0, {}, (), ())
    requirements = RequirementsResult(chosen, (), {}, coverage)
    target = Target(ui.base_url, credentials=(CREDS,))
    told: list[ScenarioExecuted] = []

    async def run() -> AnalysisOutcome:
        async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
            return await analyse(
                observation, requirements, target, transport, browser=Chromium(), on_scenario=told.append
            )

    outcome = asyncio.run(run())
    runs = {r.scenario_id: r for r in outcome.result.runs}
    assert sorted(e.scenario_id for e in told) == sorted(s.id for s in chosen) == sorted(runs)
    titles = {s.id: s.title for s in chosen}
    for event in told:
        assert event.kind == "ui" and event.name == titles[event.scenario_id]
        assert event.status == runs[event.scenario_id].status


def _valid_sign_in(ui: Ui) -> Scenario:
    return next(s for s in ui.scenarios if s.title == "Sign in with valid credentials")


def test_ui_steps_type_the_runs_login_never_the_process_environment(
    ui: Ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server started with a valid login in its environment: no workflow may sign in with it.
    monkeypatch.setenv("ASSAY_USERNAME", CREDS.username)
    monkeypatch.setenv("ASSAY_PASSWORD", CREDS.password)
    scenario = _valid_sign_in(ui)
    (without,) = asyncio.run(run_ui_scenarios([scenario], ui.base_url, Chromium()))
    assert without.run.status == "blocked" and "ASSAY_USERNAME" in (without.run.blocked_by or "")
    wrong = Credentials(CREDS.username, "not-the-password")
    (other,) = asyncio.run(run_ui_scenarios([scenario], ui.base_url, Chromium(), credentials=wrong))
    assert other.run.status == "failed"  # the workflow's own (wrong) password was typed
    (own,) = asyncio.run(run_ui_scenarios([scenario], ui.base_url, Chromium(), credentials=CREDS))
    assert own.run.status == "passed"
