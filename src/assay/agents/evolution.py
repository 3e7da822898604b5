"""The Evolution agent: turns the scenarios (and the findings they exposed) into a pytest suite."""

from __future__ import annotations

from collections.abc import Sequence

from assay.codegen.pytest_suite import build_suite
from assay.domain.analysis import AnalysisResult
from assay.domain.evolution import EvolutionResult, TestCase
from assay.domain.findings import Finding
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult
from assay.evolution.calibrate import calibrate


def evolve(
    observation: Observation,
    requirements: RequirementsResult,
    analysis: AnalysisResult | None,
    findings: Sequence[Finding],
) -> EvolutionResult:
    """One pytest-httpx test per scenario; ``files`` holds the whole runnable suite."""
    smoke = analysis.execution_strategy.smoke_tests if analysis else ()
    requirements, calibration = calibrate(requirements, analysis, findings)
    suite = build_suite(requirements, observation.api, findings, observation.target, smoke_ids=set(smoke))
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
    notes = (*suite.notes, *calibration)
    if observation.api is None:
        notes = (*notes, "no API model: authentication and response schemas were not generated")
    return EvolutionResult(test_cases=cases, files=suite.files, notes=notes)
