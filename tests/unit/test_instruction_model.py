"""With a model, the instruction becomes scenarios over what was observed, checked entry by entry.

The model here is a fake of the port (an in-process object answering a scripted JSON): the
adapters' wire contracts are tested against fake servers in tests/integration/test_llm_providers.py.
"""

from __future__ import annotations

import asyncio

from tests.unit.test_instruction_steers import REQUIREMENT, _observation

from assay.agents.model_session import ModelSession
from assay.agents.requirements import model_scenarios
from assay.agents.requirements.agent import generate
from assay.domain.focus import instruction_items, is_focused, quoted
from assay.domain.json import JsonObject
from assay.domain.language_model import Completion, ModelFailure, Prompt
from assay.domain.scenarios import RequirementsResult


class ScriptedModel:
    """Answers every prompt with ``answer`` (or fails), and keeps the prompts it was sent."""

    def __init__(self, answer: JsonObject | None) -> None:
        self.answer = answer
        self.prompts: list[Prompt] = []

    @property
    def name(self) -> str:
        return "fake:scripted"

    async def complete(self, prompt: Prompt) -> Completion:
        self.prompts.append(prompt)
        if self.answer is None:
            raise ModelFailure("the model server answered 503")
        return Completion(self.answer, 50)


CART: JsonObject = {
    "title": "Add a product to the cart",
    "uses": ["op:GET /api/products", "op:POST /api/cart/items"],
}
INVENTED: JsonObject = {"title": "Pay for the order", "uses": ["op:POST /api/checkout"]}
SEARCH_UI: JsonObject = {
    "title": "Search from the home page",
    "uses": ['el:/ searchbox "Search products"', 'el:/ button "Search"'],
}


def _run(answer: JsonObject | None) -> tuple[RequirementsResult | None, ModelSession, ScriptedModel]:
    model = ScriptedModel(answer)
    session = ModelSession(model)
    observation = _observation()
    plain = generate(observation)
    return asyncio.run(model_scenarios.with_model(session, observation, plain, REQUIREMENT)), session, model


def test_the_catalogue_shows_only_what_was_observed() -> None:
    _, _, model = _run({"scenarios": [CART]})
    (prompt,) = model.prompts
    assert f"Instruction: {REQUIREMENT}" in prompt.user
    assert "op:POST /api/cart/items  (Add a product to the cart)" in prompt.user
    assert 'el:/contact button "Send"' in prompt.user and "checkout" not in prompt.user.split("Catalogue:")[1]


def test_model_scenarios_focus_the_generated_ones_that_carry_them_out() -> None:
    result, session, _ = _run({"scenarios": [CART, SEARCH_UI, INVENTED]})
    assert result is not None
    focused = [s for s in result.scenarios if is_focused(s)]
    assert focused and result.scenarios[: len(focused)] == tuple(focused)
    assert any("POST /api/cart/items" in s.operations for s in focused)
    assert any(any(u.action == "goto" and u.value == "/" for u in s.ui_steps) for s in focused)
    covered = {quoted(i): i.reason for i in instruction_items(result.coverage.covered)}
    assert covered["Add a product to the cart"].startswith("model scenario, carried out by SC-")
    # A scenario naming an operation that was never observed is dropped whole, with a note.
    assert "Pay for the order" not in covered
    assert any("'Pay for the order' dropped" in n and "/api/checkout" in n for n in session.use.notes)


def test_nothing_usable_leaves_the_keyword_focus() -> None:
    result, session, _ = _run({"scenarios": [INVENTED]})
    assert result is None and "keyword focus was kept" in session.use.notes[-1]
    result, session, _ = _run(None)  # the model is down
    assert result is None and "answered 503" in session.use.notes[0]
