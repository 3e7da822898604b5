"""The Requirements agent's web half: UI scenarios for the observed pages, bounded in number."""

from __future__ import annotations

from dataclasses import replace

from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.observation import Observation
from assay.domain.scenarios import FUNCTIONAL_KINDS, RequirementsResult

MAX_UI_SCENARIOS = 60


def with_ui_scenarios(
    observation: Observation, requirements: RequirementsResult, instruction: str | None
) -> RequirementsResult:
    """``requirements`` plus the UI scenarios of the observed pages (the most severe, when too many)."""
    if not observation.pages:
        return requirements
    drafted = ui_scenarios(observation, instruction)
    # What the pages are for comes first: those scenarios are the ones a QA engineer would write.
    ranked = sorted(drafted, key=lambda s: (s.kind not in FUNCTIONAL_KINDS, -s.severity))
    keep = {s.id for s in ranked[:MAX_UI_SCENARIOS]}
    chosen = tuple(s for s in drafted if s.id in keep)
    by_kind = dict(requirements.coverage.scenarios_by_kind)
    for scenario in chosen:
        by_kind[scenario.kind] = by_kind.get(scenario.kind, 0) + 1
    coverage = replace(requirements.coverage, scenarios_by_kind=by_kind)
    return replace(requirements, scenarios=(*requirements.scenarios, *chosen), coverage=coverage)
