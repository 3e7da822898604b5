"""Run UI scenarios in Chromium through three tiers of element lookup.

Tier 1 replays the stored locator. Tier 2 heals: the stored fingerprint is scored against every
element on the page (:mod:`assay.agents.analysis.ui.healing`) and the best match, if convincing, is used;
the healed locator and its confidence are recorded. Tier 3, only with a language model configured,
asks it to pick the element from a snapshot of the page (:mod:`.tier3`), checked against the
snapshot and the action safety policy, and confirms the action took effect. Only action steps
(click, fill, check, select) are healed: assertions are replayed exactly, so healing never
hides a bug. With a :class:`~assay.domain.locator_book.LocatorBook`, the locators of a scenario
that passed healed are written back, and tier 1 tries them first next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import (
    Locator,
    Page,
    Response,
    StorageState,
)

from assay.agents.analysis.ui.affordance_steps import Memory, expect, remember
from assay.agents.analysis.ui.healing import best_match
from assay.agents.analysis.ui.tier3 import Refused, Tier3Action, Tier3Deps, ask_model
from assay.domain.analysis import ExecutionSuccess, Reliability, ScenarioRun, StepResult
from assay.domain.json import as_list, as_object
from assay.domain.scenarios import Scenario, UiStep
from assay.domain.target import Credentials
from assay.oracles.ui_functional import BrokenExpectation
from assay.pages import locators
from assay.pages.affordance_script import DIALOG_OPEN, DIALOGS
from assay.pages.browser import BrowserPort, BrowserSession
from assay.pages.containment import Containment, contained_get
from assay.pages.extract import choose_locator, fingerprint
from assay.pages.feedback import settle
from assay.pages.overlays import click_through
from assay.pages.page_log import PageLog, listen
from assay.pages.page_script import COLLECT, FIELD_REFUSED, MESSAGES

_ACTIONS = frozenset({"click", "fill", "check", "select", "press"})
_NAVIGATIONS = frozenset({"reload", "back", "forward"})
_POLLED = frozenset({"expect_items", "expect_counts", "expect_dialog", "expect_view"})
_TIERS = {"tier1": 1, "tier2": 2, "tier3": 3}
# How sure a tier-3 pick is: it was checked against the page, but no fingerprint scored it; a
# scenario that passed with it counts "low" reliability, as a weak tier-2 heal does.
TIER3_CONFIDENCE = 0.5


@dataclass(frozen=True)
class HealedLocator:
    scenario_id: str
    step: int
    old: str
    new: str
    confidence: float
    tier: str


@dataclass(frozen=True)
class UiRun:
    run: ScenarioRun
    success: ExecutionSuccess
    healed: tuple[HealedLocator, ...] = ()
    broken: BrokenExpectation | None = None


class StepFailed(Exception):
    pass


class ExpectationFailed(StepFailed):
    """An assertion that did not hold: the app's behaviour, not a step assay could not take."""


class MissingValue(StepFailed):
    """A step needs a credential the run was not given: the run is blocked."""


@dataclass
class _State:
    scenario: Scenario
    base_url: str
    values: Mapping[str, str]
    tier3: Tier3Deps
    timeout_ms: int
    log: PageLog = field(init=False)
    server_errors: list[int] = field(default_factory=list)
    writes: int = 0
    containment: Containment | None = None  # the scenario's context's (it counts dismissed dialogs)
    dismissed: int = 0  # JavaScript dialogs dismissed before the last click
    not_claimed: bool = False  # the app kept nothing it could show after a reload: nothing to judge
    healed: list[HealedLocator] = field(default_factory=list)
    tier: str = "tier1"
    screenshots: Path | None = None
    memory: Memory = field(default_factory=Memory)
    before_shot: str = ""
    broken: BrokenExpectation | None = None

    def __post_init__(self) -> None:
        # Console errors attributed as the crawl's are: a blocked third party's are not the page's.
        self.log = PageLog(Containment(self.base_url))


async def run_ui_scenarios(
    scenarios: Sequence[Scenario], base_url: str, browser: BrowserPort, **options: object
) -> list[UiRun]:
    """Launch a browser through the port and :func:`execute_ui` the scenarios."""
    async with browser.open(base_url) as session:
        return await execute_ui(scenarios, base_url, session=session, **options)  # type: ignore[arg-type]


async def execute_ui(
    scenarios: Sequence[Scenario],
    base_url: str,
    *,
    session: BrowserSession,
    credentials: Credentials | None = None,
    storage_state: StorageState | None = None,
    tier3: Tier3Deps | None = None,
    timeout_ms: int = 3000,
    screenshots: Path | None = None,
) -> list[UiRun]:
    """Run each scenario in its own context (signed in unless tagged ``signed-out``)."""
    values = step_values(credentials)
    runs = []
    for scenario in scenarios:
        state = _State(
            scenario,
            base_url.rstrip("/"),
            values,
            tier3 or Tier3Deps(),
            timeout_ms,
            screenshots=screenshots,
        )
        signed_out = "signed-out" in scenario.tags
        state.containment = Containment(base_url)
        context = await session.context(state.containment, None if signed_out else storage_state)
        try:
            runs.append(await _run(await context.new_page(), state))
        finally:
            await context.close()
    return runs


def step_values(credentials: Credentials | None) -> dict[str, str]:
    """What ``${env:NAME}`` placeholders of the steps stand for: the run's own login, nothing else.

    Never the process environment: a server started with ASSAY_USERNAME in its environment would
    type its own login into every workflow's pages. The CLI reads its environment once
    (:mod:`assay.settings`) and puts the login into the Target, so it arrives here as well.
    """
    if credentials is None:
        return {}
    return {"ASSAY_USERNAME": credentials.username, "ASSAY_PASSWORD": credentials.password}


async def _run(page: Page, state: _State) -> UiRun:
    started = time.monotonic()
    listen(page, state.log)
    page.on("response", lambda r: _on_response(r, state))
    results: list[StepResult] = []
    failed: Exception | None = None
    for index, step in enumerate(state.scenario.ui_steps):
        if failed is not None:
            results.append(
                StepResult(step.description or step.action, False, "not run: an earlier step failed")
            )
            continue
        try:
            await _step(page, state, index, step)
            results.append(StepResult(step.description or step.action, True))
        except Exception as exc:  # a step failure is a result, never a crash of the run
            failed = exc
            if isinstance(exc, ExpectationFailed) and not step.fingerprint.get("precondition"):
                state.broken = await _broken(page, state, index, str(exc))
            results.append(StepResult(step.description or step.action, False, str(exc).splitlines()[0][:300]))
    blocked = isinstance(failed, MissingValue)
    run = ScenarioRun(
        state.scenario.id,
        "blocked" if blocked else "failed" if failed else "passed",
        tuple(results),
        round(time.monotonic() - started, 3),
        blocked_by=str(failed) if blocked else None,
    )
    book = state.tier3.book
    if book is not None and run.status == "passed":  # a heal is kept only once it proved itself
        for healed in state.healed:
            # In a thread: the book may be a database, and this loop runs other workflows too.
            await asyncio.to_thread(book.put, _page_of(state), healed.old, healed.new)
    return UiRun(run, _success(run, state), tuple(state.healed), state.broken)


def _page_of(state: _State) -> str:
    """The page a scenario's steps act on, with its origin (one server's book serves every target):
    the book's key beside the stored locator."""
    path = next((s.value for s in state.scenario.ui_steps if s.action == "goto"), "")
    return state.base_url + path


async def _shot(page: Page, state: _State, label: str) -> str:
    if state.screenshots is None:
        return ""
    with contextlib.suppress(Exception):  # a picture is evidence, never a reason to fail
        state.screenshots.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() else "-" for c in f"{state.scenario.id}-{label}") + ".png"
        await page.screenshot(path=str(state.screenshots / name))
        return str(state.screenshots / name)
    return ""


async def _broken(page: Page, state: _State, index: int, reason: str) -> BrokenExpectation:
    return BrokenExpectation(index, reason, page.url, state.before_shot, await _shot(page, state, "after"))


def _on_response(response: Response, state: _State) -> None:
    if response.status >= 500:
        state.server_errors.append(response.status)
    elif response.request.method in ("POST", "PUT", "PATCH") and 200 <= response.status < 300:
        state.writes += 1  # the server took a write: it claims to keep what was sent


def _success(run: ScenarioRun, state: _State) -> ExecutionSuccess:
    confidence = min((h.confidence for h in state.healed), default=1.0)
    reliability: Reliability = (
        "low"
        if run.status != "passed"
        else "high"
        if state.tier == "tier1"
        else "medium"
        if confidence >= 0.75
        else "low"
    )
    return ExecutionSuccess(
        scenario_id=run.scenario_id,
        success_rate=round(run.passed_steps / run.total_steps, 3) if run.total_steps else 0.0,
        passed_steps=run.passed_steps,
        total_steps=run.total_steps,
        tier_used=state.tier,
        reliability=reliability,
        source="real_time_execution",
    )


def _value(raw: str, values: Mapping[str, str]) -> str:
    if raw.startswith("${env:") and raw.endswith("}"):
        name = raw[6:-1]
        if name not in values:
            raise MissingValue(f"no value for {name}: the run was given no login (give one with --login)")
        return values[name]
    return raw


async def _step(page: Page, state: _State, index: int, step: UiStep) -> None:
    if step.action == "goto":
        state.server_errors.clear()
        state.log.clear()
        await page.goto(state.base_url + step.value, wait_until="load")
        await settle(page)  # a single-page app renders after its data arrives
        return
    if step.action == "confirm":
        await _confirm(page, state)
        return
    if step.action in _ACTIONS:
        state.dismissed = state.containment.dialogs_dismissed if state.containment else 0
        target, chosen = await _element(page, state, index, step)
        action = chosen.action if chosen else step.action
        if action == "click" and await target.first.is_disabled():
            if state.scenario.kind == "ui_validation":
                return  # a disabled button refuses: what follows judges the page as it stays
            raise StepFailed(f"{step.description}: the control is disabled (nothing to do here)")
        value = _value(chosen.value if chosen else step.value, state.values)
        errors = len(state.server_errors)
        await _act(target, action, value)
        await settle(page)
        if chosen is not None:
            await _took_effect(target, action, value, len(state.server_errors) > errors, step)
        return
    if state.not_claimed:
        return
    if step.action == "reload" and step.value == "if-kept":
        stored = await page.evaluate("() => { try { return localStorage.length; } catch (e) { return 0; } }")
        if not stored and not state.writes:
            state.not_claimed = True  # neither local storage nor the server took anything
            return
    if step.action in _NAVIGATIONS:
        await _navigate(page, step)
        await settle(page)
        return
    if step.action == "remember":
        await remember(page, state.memory, step)
        if not state.before_shot:
            state.before_shot = await _shot(page, state, "before")
        return
    await _assert(page, state, step)


async def _confirm(page: Page, state: _State) -> None:
    """Answer the app's "are you sure?" with yes: a dialog on the page, confirmed by its button.

    A browser dialog (``confirm()``) was already answered "cancel" by the containment, which
    never lets a page's script delete on assay's behalf: the step cannot go on (no finding).
    """
    if state.containment is not None and state.containment.dialogs_dismissed > state.dismissed:
        raise StepFailed("the app asked with a browser dialog, which assay answers 'cancel'")
    for _ in range(5):
        if await page.evaluate(DIALOG_OPEN):
            dialog = page.locator(DIALOGS).last
            button = dialog.get_by_role("button", name=_YES)
            if await button.count():
                await button.first.click(timeout=3000)
                await settle(page)
            return
        await asyncio.sleep(0.1)


_YES = re.compile(r"(?i)^\s*(yes|ok|delete|remove|confirm|continue|sure)\b")


async def _navigate(page: Page, step: UiStep) -> None:
    if step.action == "reload":
        await page.reload(wait_until="load")
    elif step.action == "back":
        await page.go_back(wait_until="load")
    else:
        await page.go_forward(wait_until="load")
    await asyncio.sleep(0.2)  # a router that renders on popstate renders after the event


async def _act(target: Locator, action: str, value: str) -> None:
    if action == "click":
        await click_through(target, 5000)  # an overlay in the way is dismissed first
    elif action == "fill":
        await target.fill(value, timeout=5000)
    elif action == "check":
        await target.check(timeout=5000)
    elif action == "press":
        await target.press(value, timeout=5000)
    else:
        await target.select_option(index=int(value or "0"), timeout=5000)


async def _element(page: Page, state: _State, index: int, step: UiStep) -> tuple[Locator, Tier3Action | None]:
    """Tier 1 (the locator written back by an earlier heal, then the stored one), then tier 2
    (healing), then tier 3 (the language model, with the action it chose)."""
    book = state.tier3.book
    kept = await asyncio.to_thread(book.get, _page_of(state), step.locator) if book is not None else None
    for code in (kept, step.locator):
        if code and await _unique(locators.resolve(page, code), state.timeout_ms):
            return locators.resolve(page, code), None
    healed = await _heal(page, step)
    if healed is not None:
        return _record(page, state, index, step, healed[0], healed[1], "tier2"), None
    try:
        chosen = await ask_model(page, step, state.tier3)
    except Refused as exc:
        raise StepFailed(str(exc)) from exc
    if chosen is not None:
        return _record(page, state, index, step, chosen.locator, TIER3_CONFIDENCE, "tier3"), chosen
    raise StepFailed(f"element not found: {step.locator} (no convincing match to heal to)")


async def _unique(stored: Locator, timeout_ms: int) -> bool:
    try:
        await stored.first.wait_for(state="visible", timeout=timeout_ms)
        return await stored.count() == 1
    except Exception:  # not found in time: heal below
        return False


async def _took_effect(target: Locator, action: str, value: str, server_error: bool, step: UiStep) -> None:
    """Tier 3's action is trusted only once the page shows it: the field holds the value, the box
    is checked, the click drew no server error. What the scenario asserts is checked after, as is."""
    why = ""
    try:
        if server_error:
            why = "the server answered an error"
        elif action == "fill" and await target.first.input_value(timeout=2000) != value:
            why = "the field does not hold the value"
        elif action == "check" and not await target.first.is_checked(timeout=2000):
            why = "the control is not checked"
    except Exception:  # the element went away (a submitted form): nothing left to compare
        why = "" if action == "click" else "the element is gone"
    if why:
        raise StepFailed(f"{step.description or step.action}: tier 3's action did not take effect ({why})")


async def _heal(page: Page, step: UiStep) -> tuple[str, float] | None:
    if not step.fingerprint:
        return None
    raw = as_object(await page.evaluate(COLLECT, 200))
    elements = [as_object(e) for e in as_list(raw.get("elements"))]
    match = best_match(step.fingerprint, [fingerprint(e) for e in elements])
    if match is None:
        return None
    return await choose_locator(page, elements[match.index]), match.score


def _record(
    page: Page, state: _State, index: int, step: UiStep, code: str, confidence: float, tier: str
) -> Locator:
    state.healed.append(HealedLocator(state.scenario.id, index, step.locator, code, confidence, tier))
    if _TIERS[tier] > _TIERS[state.tier]:
        state.tier = tier
    return locators.resolve(page, code)


async def _assert(page: Page, state: _State, step: UiStep) -> None:
    if step.action in _POLLED:
        ok, why = await expect(page, state.memory, step, state.timeout_ms)
    else:
        ok, why = await _check(page, state, step)
    if not ok:
        raise ExpectationFailed(f"{step.description or step.action}: {why}")


async def _check(page: Page, state: _State, step: UiStep) -> tuple[bool, str]:
    timeout = state.timeout_ms
    if step.action == "expect_text":
        return await _visible(page.get_by_text(step.value).first, timeout), f"{step.value!r} is not shown"
    if step.action == "expect_no_text":
        return await _hidden(page.get_by_text(step.value), timeout), f"{step.value!r} is shown"
    if step.action == "expect_visible":
        return await _visible(locators.resolve(page, step.locator).first, timeout), "not visible"
    if step.action == "expect_hidden":
        return await _hidden(locators.resolve(page, step.locator), timeout), "still visible"
    if step.action == "expect_message":
        return await _message(page, timeout), "no message is shown"
    if step.action == "expect_outcome":
        return not state.server_errors, f"the server answered {state.server_errors}"
    if step.action == "expect_field_invalid":
        invalid = await _invalid(locators.resolve(page, step.locator), timeout)
        return bool(invalid) or await _message(page, 500), "the field was accepted"
    if step.action == "expect_status":
        status = await contained_get(page.context, state.base_url + step.value, Containment(state.base_url))
        return status < 400, f"{step.value} answered {status}"
    if step.action == "expect_no_console_errors":
        errors = state.log.console_errors()
        return not errors, "; ".join(errors[:3])
    if step.action == "expect_accessible_names":
        raw = as_object(await page.evaluate(COLLECT, 200))
        problems = [*as_list(raw.get("unnamed")), *as_list(raw.get("noAlt"))]
        return not problems, f"without a name: {problems[:5]}"
    if step.action == "expect_url":
        return page.url.endswith(step.value), f"the URL is {page.url}"
    return False, f"unknown step {step.action}"


async def _invalid(field: Locator, timeout: int) -> bool:
    """True when the field reports itself invalid; False when it is valid or gone (the form was sent)."""
    try:
        return bool(await field.evaluate("e => !e.validity.valid", timeout=timeout))
    except Exception:
        return False


async def _visible(target: Locator, timeout: int) -> bool:
    try:
        await target.wait_for(state="visible", timeout=timeout)
    except Exception:
        return False
    return True


async def _hidden(target: Locator, timeout: int) -> bool:
    try:
        await target.first.wait_for(state="hidden", timeout=timeout)
    except Exception:
        return False
    return True


async def _message(page: Page, timeout: int) -> bool:
    """A message region with text, or a field shown as refused (aria-invalid, or a typed value
    the browser's validation refused): feedback either way, as the silent-failure judge says."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        if await _shows_feedback(page):
            return True
        await page.wait_for_timeout(100)
    return await _shows_feedback(page)


async def _shows_feedback(page: Page) -> bool:
    return bool(as_list(await page.evaluate(MESSAGES))) or await page.evaluate(FIELD_REFUSED) is True
