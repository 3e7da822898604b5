"""The Requirements agent: an Observation in, BDD scenarios with executable actions out."""

from __future__ import annotations

from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult
from assay.requirements import build_requirements


def generate(observation: Observation, instruction: str | None = None) -> RequirementsResult:
    """Scenarios, resource recipes, test data and coverage for what was observed.

    ``instruction`` ("Focus on login and checkout") ranks matching scenarios first and tags them
    ``@focus``; nothing is dropped. Pure: no request is sent.
    """
    return build_requirements(observation, instruction)
