# ruff: noqa: E501
"""UI oracles, healing, locators, scenarios and codegen on recorded page facts (no browser)."""

from __future__ import annotations

import ast

import pytest

from assay.agents.analysis.ui.healing import best_match, score
from assay.agents.evolution.ui_suite import build_ui_suite
from assay.agents.requirements.focus import steer
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.json import JsonObject
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import ActionProbe, LinkCheck, PageFacts
from assay.oracles.ui import judge_pages
from assay.pages import locators


def _probe(**kw: object) -> ActionProbe:
    base: dict[str, object] = dict(page="/login", kind="wrong_password", element="Sign in", locator="",
                                   steps=("open /login",), url_before="/login", url_after="/login")  # fmt: skip
    base.update(kw)
    return ActionProbe(**base)  # type: ignore[arg-type]


HEALTHY = PageFacts(
    path="/", url="http://x/", status=200, links=(LinkCheck("/", "/about", "About", 200),),
    actions=(_probe(page="/", kind="submit", changed=True, message="Saved"),),
)  # fmt: skip


def test_healthy_page_has_no_findings() -> None:
    assert judge_pages([HEALTHY]) == []


def test_each_ui_oracle_finds_its_fault() -> None:
    page = PageFacts(
        path="/bad", url="http://x/bad", status=200, console_errors=("uncaught TypeError: x",),
        unnamed_controls=("input[name=q]",), images_without_alt=("/logo.png",), screenshot="/tmp/bad.png",
        links=(LinkCheck("/bad", "/gone", "Gone", 404),),
        actions=(_probe(page="/bad"), _probe(page="/bad", kind="submit", status=500, server_statuses=(500,))),
    )  # fmt: skip
    found = {f.category: f for f in judge_pages([page])}
    assert set(found) == {"ui_broken_link", "ui_console_error", "ui_accessibility", "ui_server_error",
                          "ui_silent_failure"}  # fmt: skip
    assert found["ui_broken_link"].path == "/gone"
    assert found["ui_console_error"].evidence["screenshot"] == "/tmp/bad.png"
    assert found["ui_silent_failure"].evidence["steps"] == ["open /login"]


def test_wrong_password_with_a_message_is_not_silent() -> None:
    page = PageFacts(
        path="/login", url="http://x/login", status=200, actions=(_probe(message="Wrong password"),)
    )
    assert judge_pages([page]) == []


FP: JsonObject = {
    "role": "button", "name": "Save draft", "text": "Save draft", "tag": "button", "type": "button",
    "testid": "save-draft", "form": "", "css": "main > section > button",
    "attributes": {"class": "draft-button", "type": "button", "data-testid": "save-draft"},
    "neighbours": {"before": "Keep your unsaved changes.", "after": "", "heading": "Drafts"},
}  # fmt: skip


def test_healing_prefers_the_renamed_button_over_a_lookalike() -> None:
    renamed: JsonObject = {**FP, "name": "Keep draft", "text": "Keep draft", "testid": "keep-draft"}
    other: JsonObject = {**FP, "name": "Save settings", "text": "Save settings", "type": "submit", "testid": "",
             "form": "settings", "neighbours": {"before": "", "after": "", "heading": "Settings"}}  # fmt: skip
    match = best_match(FP, [other, renamed])
    assert match is not None and match.index == 1
    assert score(FP, renamed) > score(FP, other)


def test_healing_refuses_when_nothing_is_close() -> None:
    link: JsonObject = {
        "role": "link",
        "name": "Home",
        "tag": "a",
        "neighbours": {},
        "attributes": {"href": "/"},
    }
    assert best_match(FP, [link]) is None


def test_locator_code_round_trips_and_rejects_other_code() -> None:
    calls = locators.parse(locators.by_role("button", 'Say "hi"'))
    assert calls[0].method == "get_by_role" and calls[0].args == ("button",)
    assert dict(calls[0].kwargs) == {"name": 'Say "hi"', "exact": True}
    with pytest.raises(ValueError):
        locators.parse("__import__('os').system('true')")


def _observation() -> Observation:
    login = PageFacts(path="/login", url="http://x/login", status=200, purpose="login",
                      links=(LinkCheck("/login", "/", "Home", 200),))  # fmt: skip
    elements = (
        UiElement("/login", "textbox", "Username", locators.by_label("Username"), "input", "text", True,
                  fingerprint={"form": "f"}),
        UiElement("/login", "", "Password", locators.by_label("Password"), "input", "password", True,
                  fingerprint={"form": "f"}),
        UiElement("/login", "button", "Sign in", locators.by_role("button", "Sign in"), "button",
                  fingerprint={"form": "f"}),
    )  # fmt: skip
    return Observation(target="http://x", kind="web", ui_elements=elements,
                       pages=(login,))  # fmt: skip


def test_scenarios_cover_sign_in_links_console_and_names() -> None:
    scenarios = ui_scenarios(_observation(), "sign in")
    titles = [s.title for s in scenarios]
    assert titles[0].startswith("Sign in") and "@focus" in scenarios[0].tags
    assert "Sign in with a wrong password shows an error" in titles
    assert any(s.kind == "ui_navigation" for s in scenarios)
    valid = scenarios[0]
    assert valid.ui_steps[1].value == "${env:ASSAY_USERNAME}"
    assert steer(scenarios, None).scenarios == scenarios


def test_generated_suite_is_python_with_env_credentials() -> None:
    files = build_ui_suite(ui_scenarios(_observation()), "http://127.0.0.1:8000", "/login")
    for name, source in files.items():
        if name.endswith(".py"):
            ast.parse(source)
    assert 'os.environ["ASSAY_PASSWORD"]' in files["test_ui.py"]
    assert 'get_by_label("Password", exact=True)' in files["test_ui.py"]
    assert "executable_path" in files["conftest.py"] and "tracing.stop(path=" in files["conftest.py"]
