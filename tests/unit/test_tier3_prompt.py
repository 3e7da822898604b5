"""Tier 3's snapshot, prompt and answer checks, and the safety rules on the model's pick (pure)."""

from __future__ import annotations

from assay.agents.analysis.ui import tier3_prompt
from assay.agents.analysis.ui.tier3 import refusal
from assay.domain.action_safety import ActionPolicy
from assay.domain.json import JsonObject
from assay.domain.language_model import ModelUse
from assay.domain.locator_book import MemoryLocatorBook
from assay.domain.run import RunResult
from assay.domain.scenarios import UiStep
from assay.report.findings_doc import findings_document

BASE = "http://127.0.0.1:8000"
ELEMENTS: list[JsonObject] = [
    {"tag": "button", "role": "switch", "name": "Email alerts", "testid": "alerts", "attrs": {}},
    {
        "tag": "button",
        "role": "switch",
        "name": "Night theme",
        "testid": "theme-switch",
        "heading": "Preferences",
    },
    {"tag": "input", "role": "", "type": "password", "name": "Password", "attrs": {"name": "pw"}},
    {"tag": "button", "role": "button", "name": "Delete account", "attrs": {"class": "btn-danger"}},
    {"tag": "a", "role": "link", "name": "Docs", "attrs": {"href": "https://elsewhere.example/docs"}},
]
CLICK = UiStep(
    "click", 'page.get_by_test_id("dark-toggle")', fingerprint={"role": "switch", "name": "Dark mode"}
)


def test_snapshot_lines_are_compact_and_refer_by_index() -> None:
    lines = tier3_prompt.snapshot(ELEMENTS)
    assert lines[1] == "e1: switch 'Night theme' testid='theme-switch' under='Preferences'"
    assert lines[2].startswith("e2: input[type=password] 'Password'")
    many = tier3_prompt.snapshot([{"tag": "a", "role": "link", "name": "x" * 500}] * 100)
    assert len(many) == tier3_prompt.MAX_ELEMENTS and all(len(line) <= tier3_prompt.MAX_LINE for line in many)


def test_the_question_carries_the_intent_the_observed_element_and_the_snapshot() -> None:
    prompt = tier3_prompt.question(CLICK, BASE + "/settings", "Settings", tier3_prompt.snapshot(ELEMENTS))
    assert "Action: click" in prompt.user and "name='Dark mode'" in prompt.user
    assert "e1: switch 'Night theme'" in prompt.user and prompt.schema == tier3_prompt.SCHEMA


def test_answers_are_checked_against_the_snapshot_and_the_step() -> None:
    count = len(ELEMENTS)
    assert tier3_prompt.problem(CLICK, count, {"ref": "e1", "action": "click"}) == ""
    assert tier3_prompt.problem(CLICK, count, {"ref": "none", "action": "click"}) == ""
    assert "not an element" in tier3_prompt.problem(CLICK, count, {"ref": "e9", "action": "click"})
    assert "not an element" in tier3_prompt.problem(CLICK, count, {"ref": "button#x", "action": "click"})
    assert "not one a click step" in tier3_prompt.problem(CLICK, count, {"ref": "e1", "action": "fill"})
    assert tier3_prompt.choice(CLICK, {"ref": "none", "action": "click"}) is None


def test_the_typed_value_is_always_the_steps_own() -> None:
    fill = UiStep("fill", "x", value="${env:ASSAY_USERNAME}")
    chosen = tier3_prompt.choice(fill, {"ref": "e0", "action": "fill", "value": "attacker@example.com"})
    assert chosen is not None and chosen.value == "${env:ASSAY_USERNAME}"


def test_the_safety_policy_refuses_dangerous_off_origin_and_wrong_fields() -> None:
    policy = ActionPolicy.for_url(BASE)
    page = BASE + "/settings"
    assert refusal(ELEMENTS[1], CLICK, page, policy) == ""
    assert "deleting" in refusal(ELEMENTS[3], CLICK, page, policy)
    assert "another origin" in refusal(ELEMENTS[4], CLICK, page, policy)
    password = UiStep("fill", "x", value="${env:ASSAY_PASSWORD}")
    assert "password field" in refusal(ELEMENTS[0], password, page, policy)
    assert refusal(ELEMENTS[2], password, page, policy) == ""
    assert "password field" in refusal(ELEMENTS[2], UiStep("fill", "x", value="hello"), page, policy)


def test_the_book_keeps_only_real_heals() -> None:
    book = MemoryLocatorBook()
    book.put("/settings", "old", "old")
    assert book.entries == {}
    book.put("/settings", "old", "new")
    assert book.get("/settings", "old") == "new" and book.get("/other", "old") is None


def test_findings_json_tells_the_models_use_only_when_one_was_configured() -> None:
    run = RunResult("http://127.0.0.1", "2026-12-03T00:00:00Z")
    assert "language_model" not in findings_document(run)
    run.model_use = ModelUse("openai:fake", calls=2, tokens=300, notes=["language model down"])
    assert findings_document(run)["language_model"] == {
        "model": "openai:fake", "calls": 2, "tokens": 300, "notes": ["language model down"],
    }  # fmt: skip


def test_report_md_has_a_model_section_only_with_a_model() -> None:
    from assay.report.markdown import render_markdown

    run = RunResult("http://127.0.0.1", "2026-12-03T00:00:00Z")
    assert "## Language Model" not in render_markdown(run)
    run.model_use = ModelUse(
        "openai:fake", calls=1, tokens=132, notes=["language model (openai:fake) not used"]
    )
    text = render_markdown(run)
    assert "## Language Model" in text and "openai:fake: 1 call(s), 132 token(s)" in text
