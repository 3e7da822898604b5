"""The Requirements agent: an Observation in, BDD scenarios with executable actions out."""

from __future__ import annotations

from assay.agents.requirements.assemble import build_requirements
from assay.agents.requirements.ui_stage import with_ui_scenarios
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult


def generate(observation: Observation, instruction: str | None = None) -> RequirementsResult:
    """Scenarios, resource recipes, test data and coverage for what was observed.

    ``instruction`` ("Focus on login and checkout") ranks matching scenarios first and tags them
    ``@focus``; nothing is dropped. Observed pages add UI scenarios (``SC-UI-NNN``). Pure: no
    request is sent.
    """
    return with_ui_scenarios(observation, build_requirements(observation, instruction), instruction)
