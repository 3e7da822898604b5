"""The Evolution agent: turns the scenarios (and the findings they exposed) into a pytest suite."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.evolution.api_suite.pytest_suite import build_suite
from assay.agents.evolution.calibrate import calibrate
from assay.agents.evolution.ui_stage import ui_suite
from assay.agents.evolution.web_readme import ui_readme, web_readme
from assay.domain.analysis import AnalysisResult
from assay.domain.evolution import EvolutionResult, TestCase
from assay.domain.findings import Finding
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult, without_ui


def evolve(
    observation: Observation,
    requirements: RequirementsResult,
    analysis: AnalysisResult | None,
    findings: Sequence[Finding],
) -> EvolutionResult:
    """One pytest-httpx test per HTTP scenario and one pytest-playwright test (under ``ui/``) per UI
    scenario; ``files`` holds the whole runnable suite."""
    smoke = analysis.execution_strategy.smoke_tests if analysis else ()
    ui_files, ui_cases, ui_notes = ui_suite(observation, requirements, analysis, findings)
    requirements_all = requirements
    requirements, calibration = calibrate(without_ui(requirements), analysis, findings)
    suite = build_suite(
        requirements, observation.api, findings, observation.api_base_url, smoke_ids=set(smoke)
    )
    cases = tuple(
        TestCase(
            scenario_id=test.scenario_id,
            name=test.name,
            file=test.file,
            framework="pytest-httpx",
            code=test.code,
            finding_ids=test.finding_ids,
        )
        for test in suite.tests
    )
    notes = (*suite.notes, *calibration, *ui_notes)
    files = {**suite.files, **ui_files}
    if ui_cases:
        files["ui/README.md"] = ui_readme(observation, ui_cases, requirements_all)
    if observation.api is None:
        notes = (*notes, "no API model: authentication and response schemas were not generated")
        if ui_cases:  # a web app: its README speaks of pages, not of an API with 0 tests
            files["README.md"] = web_readme(observation, requirements_all, ui_cases, cases, findings)
    files["requirements.txt"] = suite_requirements(files)
    return EvolutionResult(test_cases=(*cases, *ui_cases), files=dict(sorted(files.items())), notes=notes)


def suite_requirements(files: dict[str, str]) -> str:
    """What the generated suite imports, for one ``pip install -r requirements.txt``.

    Playwright is listed whenever there are browser tests: without it they are skipped, and a
    reader who installed only the HTTP half would otherwise wonder where they went.
    """
    lines = ["# pip install -r requirements.txt", "pytest>=8"]
    if any(name.endswith(".py") and not name.startswith("ui/") for name in files):
        lines += ["httpx>=0.27", "jsonschema>=4.21"]
    if any(name.startswith("ui/") for name in files):
        lines += ["playwright>=1.50  # and a Chromium: `playwright install chromium` or ASSAY_CHROMIUM_PATH"]
    return "\n".join(lines) + "\n"
