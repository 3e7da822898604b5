"""The Requirements agent's web half: UI scenarios for the observed pages, bounded in number, and
the instruction's ranking of every scenario, HTTP and UI, in one call."""

from __future__ import annotations

from dataclasses import replace

from assay.agents.requirements.coverage import STANDING_GAPS
from assay.agents.requirements.focus import FocusResult, context_of, steer
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.focus import is_focused
from assay.domain.observation import Observation
from assay.domain.scenarios import FUNCTIONAL_KINDS, CoverageItem, CoverageMetrics, RequirementsResult, is_ui

MAX_UI_SCENARIOS = 60


def with_ui_scenarios(
    observation: Observation, requirements: RequirementsResult, instruction: str | None
) -> RequirementsResult:
    """``requirements`` plus the UI scenarios of the observed pages (the focused, then the most
    severe, when too many), all ranked by ``instruction`` (``requirements`` comes unranked)."""
    drafted = ui_scenarios(observation) if observation.pages else ()
    steered = steer((*requirements.scenarios, *drafted), instruction, context_of(observation))
    ui = [s for s in steered.scenarios if is_ui(s)]
    # Focused first, then what the pages are for: those are the scenarios a QA engineer would write.
    capped = sorted(ui, key=lambda s: (not is_focused(s), s.kind not in FUNCTIONAL_KINDS, -s.severity))
    capped = capped[:MAX_UI_SCENARIOS]
    keep = {s.id for s in steered.scenarios if not is_ui(s)} | {s.id for s in capped}
    final = steered.restricted(keep)
    by_kind = dict(requirements.coverage.scenarios_by_kind)
    for scenario in final.scenarios:
        if is_ui(scenario):
            by_kind[scenario.kind] = by_kind.get(scenario.kind, 0) + 1
    coverage = _with_notes(replace(requirements.coverage, scenarios_by_kind=by_kind), final)
    return replace(requirements, scenarios=final.scenarios, coverage=coverage)


def _with_notes(coverage: CoverageMetrics, focused: FocusResult) -> CoverageMetrics:
    """The instruction's matched terms among what is covered, its gaps before the standing ones."""
    if not focused.matches:
        return coverage
    gaps = [g for g in coverage.not_covered if g not in STANDING_GAPS]
    standing = [g for g in coverage.not_covered if g in STANDING_GAPS]
    not_covered: list[CoverageItem] = [*gaps, *focused.notes, *standing]
    return replace(coverage, covered=(*coverage.covered, *focused.covered), not_covered=tuple(not_covered))
