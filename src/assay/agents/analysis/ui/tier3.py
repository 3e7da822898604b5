"""Tier 3 of UI execution: the language model picks the element when tiers 1 and 2 cannot.

Only with a model configured (:class:`Tier3Deps` with a session). The page's visible controls
are read by the same script the crawl uses, shown to the model as a compact snapshot
(:mod:`.tier3_prompt`), and its answer is checked three ways before anything is done: the element
is one of the snapshot's, the action is one the step allows, and the action safety policy
(:mod:`assay.domain.action_safety`, the same decision the crawl and the probes obey) lets assay
use that control. A password is typed only into a password field.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.async_api import Page

from assay.agents.analysis.ui import tier3_prompt
from assay.agents.model_session import ModelSession
from assay.domain.action_safety import ActionPolicy, Control, judge_button, judge_link
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.locator_book import LocatorBook
from assay.domain.scenarios import UiStep
from assay.pages.extract import choose_locator
from assay.pages.page_script import COLLECT

PASSWORD_VALUE = "${env:ASSAY_PASSWORD}"


@dataclass(frozen=True)
class Tier3Deps:
    """The run's model session (None: tier 3 is off), the book healed locators go back to, and
    the action policy every control the model picks must pass."""

    model: ModelSession | None = None
    book: LocatorBook | None = None
    policy: ActionPolicy | None = None


@dataclass(frozen=True)
class Tier3Action:
    locator: str  # Playwright code for the element, as tier 2 writes it (written back to the book)
    action: str
    value: str


class Refused(Exception):
    """The model picked a control assay will not use (dangerous, off-origin, wrong field)."""


async def ask_model(page: Page, step: UiStep, deps: Tier3Deps) -> Tier3Action | None:
    """The model's action for ``step`` on ``page``, checked; None when it gave none usable.

    Raises :class:`Refused` when the model named a control the safety policy refuses: the step
    then fails saying so, as it would had the control been stored.
    """
    if deps.model is None:
        return None
    raw = as_object(await page.evaluate(COLLECT, 200))
    elements = [as_object(e) for e in as_list(raw.get("elements"))]
    if not elements:
        return None
    lines = tier3_prompt.snapshot(elements)
    prompt = tier3_prompt.question(step, page.url, await page.title(), lines)
    answer = await deps.model.ask(
        "tier 3 of a UI step", prompt, lambda a: tier3_prompt.problem(step, len(lines), a)
    )
    chosen = tier3_prompt.choice(step, answer) if answer is not None else None
    if chosen is None:
        return None
    element = elements[chosen.index]
    why = refusal(element, step, page.url, deps.policy)
    if why:
        raise Refused(
            f"{step.description or step.action}: tier 3 picked a control assay does not use ({why})"
        )
    return Tier3Action(await choose_locator(page, element), chosen.action, chosen.value)


def refusal(element: JsonObject, step: UiStep, page_url: str, policy: ActionPolicy | None) -> str:
    """Why assay may not act on ``element`` for ``step`` ("" when it may)."""
    kind = as_str(element.get("type")).lower()
    if PASSWORD_VALUE in step.value and kind != "password":
        return "a password goes only into a password field"
    if kind == "password" and step.action == "fill" and PASSWORD_VALUE not in step.value:
        return "only the run's password is typed into a password field"
    if policy is None or step.action in ("fill", "select"):
        return ""
    attrs = as_object(element.get("attrs"))
    texts = tuple(as_str(attrs.get(k)) for k in ("name", "id", "class", "value", "aria-label", "title"))
    name = as_str(element.get("name")) or as_str(element.get("text"))
    href = as_str(attrs.get("href"))
    if as_str(element.get("role")) == "link" and href:
        verdict = judge_link(urljoin(page_url, href), name, policy)
    else:
        verdict = judge_button(Control(name, tuple(t for t in texts if t)), page_url, policy)
    return "" if verdict.allowed else verdict.reason
