"""Calibrate guessed expectations against what execution observed, never against a fault.

Requirements guesses some expectations the spec does not settle (a 2xx for a value it had to
invent, 404 for an unknown id on an endpoint that treats ids differently). When such a step
failed during analysis and no finding touches its operation, the oracles judged the observed
answer acceptable, so the generated test pins that answer instead of failing on a healthy
server. A step on an operation with a finding is left alone: its test must keep failing until
the fault is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.domain.analysis import AnalysisResult, ScenarioRun
from assay.domain.findings import Finding
from assay.domain.scenarios import Action, Expectation, RequirementsResult, Scenario

OBSERVED = "observed during analysis; the spec does not settle it"
# Findings about the spec or about timing: no status assertion of a test is tied to them.
NOT_BEHAVIOUR = frozenset({"spec_quality", "slow_response"})


def calibrate(
    requirements: RequirementsResult, analysis: AnalysisResult | None, findings: Sequence[Finding]
) -> tuple[RequirementsResult, tuple[str, ...]]:
    """Requirements with pinned expectations (and without unverifiable scenarios), plus notes."""
    if analysis is None:
        return requirements, ()
    runs = {run.scenario_id: run for run in analysis.runs}
    faulty = {(f.method.upper(), f.path) for f in findings if f.category not in NOT_BEHAVIOUR}
    pinned: list[str] = []
    dropped: list[str] = []
    scenarios: list[Scenario] = []
    for scenario in requirements.scenarios:
        run = runs.get(scenario.id)
        if run is None or run.status not in {"failed", "blocked"}:
            scenarios.append(scenario)
            continue
        fixed = _pin(scenario, run, faulty) if run.status == "failed" else None
        if fixed is not None:
            scenarios.append(fixed)
            pinned.append(scenario.id)
        elif _touches_fault(scenario, requirements, faulty):
            scenarios.append(scenario)  # it fails because of a finding: that is its job
        else:
            dropped.append(scenario.id)  # e.g. a "create" that hands out no id: a wrong guess of ours
    notes = []
    if pinned:
        notes.append(f"{len(pinned)} tests pin a status observed during analysis: {', '.join(pinned)}")
    if dropped:
        notes.append(f"{len(dropped)} scenarios left out, unverifiable on this target: {', '.join(dropped)}")
    return replace(requirements, scenarios=tuple(scenarios)), tuple(notes)


def _touches_fault(
    scenario: Scenario, requirements: RequirementsResult, faulty: set[tuple[str, str]]
) -> bool:
    requests = [a.request for a in scenario.actions]
    for name in scenario.fixtures:
        recipe = requirements.recipe(name)
        if recipe is not None:
            requests.append(recipe.action.request)
    return any((r.method.upper(), r.path) in faulty for r in requests)


def _pin(scenario: Scenario, run: ScenarioRun, faulty: set[tuple[str, str]]) -> Scenario | None:
    if len(run.steps) != len(scenario.actions):
        return None
    actions: list[Action] = []
    for action, step in zip(scenario.actions, run.steps, strict=True):
        touches_fault = (action.request.method.upper(), action.request.path) in faulty
        if step.passed or step.status is None or touches_fault or step.status >= 500:
            if not step.passed:
                return None  # a failure we cannot explain away: keep the test as it is
            actions.append(action)
            continue
        pinned = Expectation(
            statuses=(step.status,), status_classes=(), validate_schema=False, description=OBSERVED
        )
        actions.append(replace(action, expect=pinned))
    return replace(scenario, actions=tuple(actions), tags=(*scenario.tags, "@observed"))
