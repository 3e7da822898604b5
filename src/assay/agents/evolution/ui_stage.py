"""The Evolution agent's web half: the pytest-playwright suite under ``ui/``, verified scenarios only."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.evolution.ui_suite import build_ui_suite, test_function, test_name
from assay.domain.analysis import AnalysisResult
from assay.domain.evolution import TestCase
from assay.domain.findings import Finding
from assay.domain.json import as_str
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult, Scenario, is_ui

UI_SUITE_DIR = "ui"


def login_path(observation: Observation) -> str:
    if observation.login and observation.login.path:
        return observation.login.path
    return next((p.path for p in observation.pages if p.purpose == "login"), "")


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
    second = observation.login.second_factor if observation.login else ""
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
