"""The Analysis agent's browser half: run UI scenarios within a time budget, judge the crawled pages.

Scenarios run in the planned order, ``UI_WORKERS`` at a time, each in its own browser context
(signed in when credentials were given, unless tagged ``signed-out``). One not started before
the deadline is reported ``skipped``; with no browser at all every one is ``blocked``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import StorageState

from assay.agents import run_clock
from assay.agents.analysis.ui.executor import UiRun, execute_ui
from assay.agents.analysis.ui.tier3 import Tier3Deps
from assay.agents.model_session import ModelSession
from assay.domain.action_safety import ActionPolicy
from assay.domain.analysis import ExecutionSuccess, ScenarioRun
from assay.domain.errors import NoBrowserFound
from assay.domain.findings import Finding
from assay.domain.json import as_str
from assay.domain.locator_book import LocatorBook
from assay.domain.observation import Observation
from assay.domain.partial import OUT_OF_TIME
from assay.domain.ports import CancelToken
from assay.domain.scenarios import FUNCTIONAL_KINDS, Scenario
from assay.domain.target import Target
from assay.oracles import ui_functional
from assay.oracles.ui import judge_pages
from assay.pages.browser import BrowserPort, BrowserSession
from assay.pages.login import sign_in

UI_WORKERS = 2
MIN_BUDGET = 15.0
# Which scenario of a page shows each category of finding (its test fails while the fault is there).
_SHOWN_BY = {
    "ui_broken_link": ("ui_navigation",),
    "ui_console_error": ("ui_console",),
    "ui_accessibility": ("ui_accessibility",),
    "ui_server_error": ("happy_path",),
    "ui_silent_failure": ("invalid_credentials", "ui_action", "happy_path"),
}

NO_BROWSER = "no browser was provided to this run: the UI scenarios were not executed"


@dataclass
class UiOutcome:
    runs: list[ScenarioRun] = field(default_factory=list)
    success: list[ExecutionSuccess] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


async def analyse_ui(
    observation: Observation,
    scenarios: Sequence[Scenario],
    target: Target,
    browser: BrowserPort | None,
    *,
    cancel: CancelToken | None = None,
    on_run: Callable[[ScenarioRun], None] | None = None,
    model: ModelSession | None = None,
    book: LocatorBook | None = None,
) -> UiOutcome:
    """Execute ``scenarios`` (already in run order) and judge what the crawl recorded."""
    outcome = UiOutcome(findings=ui_findings(observation, scenarios))
    if not scenarios:
        return outcome
    # A web app with no API to test gives the browser nearly the whole budget; else it shares it.
    share = 0.9 if observation.api is None and not observation.probes else 0.5
    deadline = run_clock.charged() + max(MIN_BUDGET, target.budget_seconds * share)
    if browser is None:
        outcome.runs = [ScenarioRun(s.id, "blocked", blocked_by=NO_BROWSER) for s in scenarios]
        return outcome
    try:
        # The browser starts where the crawl did (the API side's target may be rooted elsewhere).
        web_target = replace(target, base_url=observation.target or target.base_url)
        if model is not None:  # the browser's login, the account the crawl registered: masked too
            login = web_target.web_login
            model.with_secrets((*(login.secrets if login else ()), web_target.ledger.password))
        tier3 = Tier3Deps(
            model, book, ActionPolicy.for_url(web_target.base_url, web_target.destructive, web_target.ledger)
        )
        results = await _run_all(scenarios, web_target, browser, deadline, cancel, on_run, tier3)
    except NoBrowserFound as exc:
        outcome.runs = [ScenarioRun(s.id, "blocked", blocked_by=str(exc)) for s in scenarios]
        return outcome
    functional: list[Finding] = []
    for result, again in results:
        outcome.runs.append(result.run if isinstance(result, UiRun) else result)
        if isinstance(result, UiRun) and result.run.status in ("passed", "failed"):
            outcome.success.append(result.success)
        if isinstance(result, UiRun) and again is not None:
            scenario = next(s for s in scenarios if s.id == result.run.scenario_id)
            functional += ui_functional.judge(scenario, result.broken, again.broken)
    outcome.findings += ui_functional.per_page(functional)
    return outcome


def ui_findings(observation: Observation, scenarios: Sequence[Scenario]) -> list[Finding]:
    """The UI oracles' findings, each tied to the scenario of its page that shows it."""
    found = []
    for finding in judge_pages(observation.pages):
        page = as_str(finding.evidence.get("page")) or finding.path
        kinds = _SHOWN_BY.get(finding.category, ())
        owner = next(
            (s.id for kind in kinds for s in scenarios if s.kind == kind and _page(s) == page),
            None,
        )
        found.append(replace(finding, scenario_id=owner))
    return found


def _page(scenario: Scenario) -> str:
    return next((u.value for u in scenario.ui_steps if u.action == "goto"), "")


async def _run_all(
    scenarios: Sequence[Scenario],
    target: Target,
    browser: BrowserPort,
    deadline: float,
    cancel: CancelToken | None,
    on_run: Callable[[ScenarioRun], None] | None,
    tier3: Tier3Deps,
) -> list[tuple[UiRun | ScenarioRun, UiRun | None]]:
    """Each scenario's run, and for an affordance scenario whose expectation broke, its second run
    (a fresh context): a behaviour is only reported when it breaks again at the same step."""
    parts = urlsplit(target.base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    credentials = target.web_login  # given, or registered by the crawl
    results: dict[str, tuple[UiRun | ScenarioRun, UiRun | None]] = {}
    shots = Path(target.artifacts_dir) / "screenshots" if target.artifacts_dir else None
    queue = list(scenarios)
    async with browser.open(target.base_url) as session:
        state = await _signed_in(session, target)

        async def once(scenario: Scenario) -> UiRun:
            (run,) = await execute_ui(
                [scenario],
                origin,
                session=session,
                credentials=credentials,
                storage_state=state,
                screenshots=shots,
                tier3=tier3,
            )
            return run

        async def worker() -> None:
            while queue:
                scenario = queue.pop(0)
                why = _skip_reason(deadline, cancel)
                if why is not None:
                    skipped = ScenarioRun(scenario.id, "skipped", blocked_by=why)
                    results[scenario.id] = (skipped, None)
                    if on_run is not None:
                        on_run(skipped)
                    continue
                run = await once(scenario)
                again = None
                if run.broken is not None and scenario.kind in FUNCTIONAL_KINDS:
                    again = await once(scenario)
                results[scenario.id] = (run, again)
                if on_run is not None:
                    on_run(run.run)

        await asyncio.gather(*(worker() for _ in range(UI_WORKERS)))
    return [results[s.id] for s in scenarios]


async def _signed_in(session: BrowserSession, target: Target) -> StorageState | None:
    login = target.web_login
    if login is None:
        return None
    outcome = await sign_in(session, target.base_url, login)
    return outcome.state if outcome.signed_in else None


def _skip_reason(deadline: float, cancel: CancelToken | None) -> str | None:
    """Why the next browser scenario is not run, or None to run it."""
    if cancel is not None and cancel.cancelled:
        return "not run: the workflow was cancelled"
    if run_clock.charged() >= deadline:
        return f"not run: the {OUT_OF_TIME} of the browser scenarios was spent"
    return None
