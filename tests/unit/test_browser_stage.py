"""The hooks that wire the browser side into the agents (no browser needed)."""

from __future__ import annotations

import asyncio

from assay.adapters.browser.chromium import Chromium
from assay.agents.analysis.ui.run import analyse_ui
from assay.agents.evolution.ui_stage import ui_suite
from assay.agents.observation.web import stage
from assay.agents.requirements.agent import generate
from assay.domain.analysis import ScenarioRun
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import LinkCheck, LoginFacts, PageFacts
from assay.domain.scenarios import is_ui, without_ui
from assay.domain.target import Target
from assay.report.gherkin import render_features

LOGIN = {"form": "/login", "role": "textbox"}
ELEMENTS = (
    UiElement("/login", "textbox", "Username", 'page.get_by_label("Username", exact=True)', "input", "text",
              True, {}, {"form": "/login"}),
    UiElement("/login", "", "Password", 'page.get_by_label("Password", exact=True)', "input", "password",
              True, {}, {"form": "/login"}),
    UiElement("/login", "button", "Sign in", 'page.get_by_role("button", name="Sign in", exact=True)',
              "button", "submit", False, {}, {"form": "/login"}),
)  # fmt: skip


def web_observation() -> Observation:
    pages = (
        PageFacts("/login", "http://127.0.0.1:1/login", 200, "Sign in", "login",
                  links=(LinkCheck("/login", "/help", "Help", 200),)),
        PageFacts("/broken", "http://127.0.0.1:1/broken", 200, console_errors=("boom",)),
    )  # fmt: skip
    return Observation("http://127.0.0.1:1", "web", ui_elements=ELEMENTS, pages=pages, login=LoginFacts())


class _Forbidden(Chromium):
    def available(self) -> bool:
        raise AssertionError("the browser was looked for")


class _Absent(Chromium):
    def available(self) -> bool:
        return False


def test_a_pure_api_never_reaches_the_browser() -> None:
    api = Observation("http://127.0.0.1:1", "api")
    assert asyncio.run(stage.observe_pages(Target("http://127.0.0.1:1"), api, None, _Forbidden())) is api
    outcome = asyncio.run(analyse_ui(api, [], Target("http://127.0.0.1:1"), _Forbidden()))
    assert outcome.runs == [] and outcome.findings == []


def test_html_without_a_browser_is_a_note() -> None:
    web = Observation("http://127.0.0.1:1", "both")
    for browser in (_Absent(), None):  # none found, or the run was handed none
        observed = asyncio.run(stage.observe_pages(Target("http://127.0.0.1:1"), web, None, browser))
        assert observed.notes == (stage.NO_BROWSER_NOTE,) and observed.ui_elements == ()


def test_requirements_add_ui_scenarios_whose_features_parse() -> None:
    from gherkin.parser import Parser

    result = generate(web_observation())
    ui = [s for s in result.scenarios if is_ui(s)]
    assert ui and all(s.id.startswith("SC-UI-") and not s.actions for s in ui)
    assert {"happy_path", "invalid_credentials", "ui_navigation", "ui_console"} <= {s.kind for s in ui}
    assert result.coverage.scenarios_by_kind["ui_console"] == 2
    for text in render_features(result.scenarios).values():
        Parser().parse(text)
    assert without_ui(result).scenarios == tuple(s for s in result.scenarios if not s.ui_steps)


def test_the_ui_suite_keeps_only_verified_scenarios() -> None:
    from assay.agents.analysis.planning import plan
    from assay.agents.analysis.ui.run import ui_findings

    observation = web_observation()
    requirements = generate(observation)
    ui = [s for s in requirements.scenarios if is_ui(s)]
    console = {s.id: s for s in ui if s.kind == "ui_console"}
    broken = next(sid for sid, s in console.items() if "/broken" in s.title)
    healthy = next(sid for sid in console if sid != broken)
    runs = (ScenarioRun(broken, "failed"), ScenarioRun(healthy, "failed"))
    from dataclasses import replace

    analysis = replace(plan(requirements, None), runs=runs)
    findings = ui_findings(observation, ui)
    assert [(f.category, f.scenario_id) for f in findings] == [("ui_console_error", broken)]
    files, cases, notes = ui_suite(observation, requirements, analysis, findings)
    assert {c.scenario_id for c in cases} == {broken}  # the rest were never run or failed unexplained
    suite = {"conftest.py", "test_ui.py", "page_script.js", "messages.js", "field_refused.js", "ruff.toml"}
    suite |= {"items.js", "counts.js", "dialog_open.js", "dialogs.css", "body_text.js", "list_checks.py"}
    assert healthy in notes[0] and set(files) == {f"ui/{name}" for name in suite}
    compile(files["ui/test_ui.py"], "test_ui.py", "exec")
    compile(files["ui/conftest.py"], "conftest.py", "exec")
