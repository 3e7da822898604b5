"""The Requirements agent: an Observation in, BDD scenarios with executable actions out."""

from __future__ import annotations

from assay.agents.requirements.assemble import build_requirements
from assay.agents.requirements.ui_stage import with_ui_scenarios
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult


def generate(observation: Observation, instruction: str | None = None) -> RequirementsResult:
    """Scenarios, resource recipes, test data and coverage for what was observed.

    ``instruction`` ("Users can search products and add them to the cart") ranks every
    scenario, HTTP and UI, in one call and tags those it really names ``@focus``; nothing is
    dropped, and the coverage says which of its clauses no scenario covers. Observed pages add
    UI scenarios (``SC-UI-NNN``). Pure: no request is sent.
    """
    return with_ui_scenarios(observation, build_requirements(observation), instruction)
