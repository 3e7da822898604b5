"""The browser side as the agents see it: one small hook per agent.

- Observation: :func:`observe_pages` crawls a target that serves HTML, when a Chromium exists.
- Requirements: :func:`with_ui_scenarios` adds the UI scenarios (``SC-UI-NNN``), bounded.
- Analysis: :mod:`assay.agents.analysis.ui.run` runs them and judges the pages.
- Evolution: :func:`ui_suite` emits the pytest-playwright suite under ``ui/``.

A target that serves no HTML never reaches Playwright: nothing here launches a browser for it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from assay.adapters.browser.launcher import NoBrowserFound, browser_available
from assay.agents.evolution.ui_suite import build_ui_suite, test_function, test_name
from assay.agents.observation.web.observe import observe_web, page_facts
from assay.agents.progress import ProgressFn, report
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.analysis import AnalysisResult
from assay.domain.evolution import TestCase
from assay.domain.findings import Finding
from assay.domain.json import as_object, as_str
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult, Scenario
from assay.domain.target import Target

MAX_UI_SCENARIOS = 40
UI_SUITE_DIR = "ui"
NO_BROWSER_NOTE = (
    "the target serves HTML pages but no Chromium was found (apt-get install -y chromium, "
    "or set ASSAY_CHROMIUM_PATH): the pages were not observed"
)


def is_ui(scenario: Scenario) -> bool:
    return bool(scenario.ui_steps)


def screenshots_dir(target: Target) -> Path:
    """``<artifacts_dir>/screenshots``, or a fresh temporary folder when the run has none."""
    if target.artifacts_dir:
        return Path(target.artifacts_dir) / "screenshots"
    return Path(tempfile.mkdtemp(prefix="assay-shots-"))


async def observe_pages(target: Target, observation: Observation, progress: ProgressFn | None) -> Observation:
    """``observation`` with the crawled pages when the target serves HTML; a note when it cannot be."""
    if observation.kind not in ("web", "both"):
        return observation
    if not browser_available():
        return replace(observation, notes=(*observation.notes, NO_BROWSER_NOTE))
    report(progress, 0.9, f"crawling the pages in Chromium (depth {target.depth})")
    try:
        web = await observe_web(target, target.base_url, screenshots_dir(target))
    except Exception as exc:  # the browser side failing never ends the run: the API side goes on
        why = f"pages not observed: {_why(exc)}"
        return replace(
            observation, notes=(*observation.notes, why), incomplete=(*observation.incomplete, why)
        )
    report(progress, 1.0, f"observed {len(web.ui_elements)} UI elements", elements=len(web.ui_elements))
    return replace(
        observation,
        ui_elements=web.ui_elements,
        page_structure=web.page_structure,
        page_context=web.page_context,
        notes=(*observation.notes, *web.notes),
        incomplete=(*observation.incomplete, *web.incomplete),
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, NoBrowserFound):  # its message already says what to install or set
        return str(exc)
    return f"the browser failed ({type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]})"


def with_ui_scenarios(
    observation: Observation, requirements: RequirementsResult, instruction: str | None
) -> RequirementsResult:
    """``requirements`` plus the UI scenarios of the observed pages (the most severe, when too many)."""
    if not page_facts(observation):
        return requirements
    drafted = ui_scenarios(observation, instruction)
    keep = {s.id for s in sorted(drafted, key=lambda s: -s.severity)[:MAX_UI_SCENARIOS]}
    chosen = tuple(s for s in drafted if s.id in keep)
    by_kind = dict(requirements.coverage.scenarios_by_kind)
    for scenario in chosen:
        by_kind[scenario.kind] = by_kind.get(scenario.kind, 0) + 1
    coverage = replace(requirements.coverage, scenarios_by_kind=by_kind)
    return replace(requirements, scenarios=(*requirements.scenarios, *chosen), coverage=coverage)


def without_ui(requirements: RequirementsResult) -> RequirementsResult:
    """The HTTP scenarios only (the API suite and runner know nothing of browser steps)."""
    return replace(requirements, scenarios=tuple(s for s in requirements.scenarios if not is_ui(s)))


def login_path(observation: Observation) -> str:
    login = as_object(observation.page_context.get("login"))
    if as_str(login.get("path")):
        return as_str(login.get("path"))
    return next((p.path for p in page_facts(observation) if p.purpose == "login"), "")


def ui_suite(
    observation: Observation,
    requirements: RequirementsResult,
    analysis: AnalysisResult | None,
    findings: Sequence[Finding],
) -> tuple[dict[str, str], tuple[TestCase, ...], tuple[str, ...]]:
    """Files under ``ui/``, one test case per UI scenario, and notes on the scenarios left out.

    When the scenarios were executed, only verified ones are kept: those that passed, those
    blocked for want of credentials (their tests skip without them), and those that failed on a
    page a UI finding concerns or that own a finding (their tests fail until the fault is fixed).
    One that failed with no finding guessed an expectation the page does not meet; one never run
    (time budget) is unverified.
    """
    scenarios = [s for s in requirements.scenarios if is_ui(s)]
    if not scenarios:
        return {}, (), ()
    runs = {r.scenario_id: r.status for r in analysis.runs} if analysis else {}
    faulty = {as_str(f.evidence.get("page")) or f.path for f in findings if f.category.startswith("ui_")}
    owners = {f.scenario_id for f in findings}  # the crawl showed their fault: kept even if not run
    executed = any(s.id in runs for s in scenarios)
    kept = [
        s
        for s in scenarios
        if not executed or s.id in owners or _verified(runs.get(s.id), _page(s) in faulty)
    ]
    dropped = [s.id for s in scenarios if s not in kept]
    second = as_str(as_object(observation.page_context.get("login")).get("second_factor"))
    files = build_ui_suite(kept, observation.target, login_path(observation), second)
    cases = tuple(
        TestCase(s.id, test_name(s), f"{UI_SUITE_DIR}/test_ui.py", "pytest-playwright", test_function(s))
        for s in kept
    )
    notes = (
        f"UI scenarios left out of the suite (not run, or failed with no finding): {', '.join(dropped)}",
    )
    return {f"{UI_SUITE_DIR}/{k}": v for k, v in files.items()}, cases, notes if dropped else ()


def _verified(status: str | None, page_has_finding: bool) -> bool:
    return status in ("passed", "blocked") or (status == "failed" and page_has_finding)


def _page(scenario: Scenario) -> str:
    first = next((u for u in scenario.ui_steps if u.action == "goto"), None)
    return first.value if first else ""
