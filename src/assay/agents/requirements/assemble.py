"""From an Observation to a RequirementsResult: recipes, scenarios, focus, coverage, test data."""

from __future__ import annotations

from dataclasses import replace

from assay.agents.requirements.builders import Context, happy_body, operation_drafts
from assay.agents.requirements.coverage import coverage_metrics
from assay.agents.requirements.focus import apply_focus
from assay.agents.requirements.lifecycle import convention_drafts, lifecycle_drafts
from assay.agents.requirements.probes import probe_scenarios
from assay.agents.requirements.recipes import build_recipes
from assay.agents.requirements.steps import METHOD_ORDER, Draft
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.operations import ApiModel
from assay.domain.scenarios import CoverageItem, RequirementsResult, Scenario
from assay.domain.state_change import STATE_RESET_TAG, is_state_reset
from assay.spec.datagen import minimal_body
from assay.spec.recipe_refs import body_schema
from assay.spec.requests import path_params_for, query_for


def scenario_id(index: int) -> str:
    return f"SC-API-{index:03d}"


def _drafts(ctx: Context) -> tuple[list[Draft], list[CoverageItem]]:
    drafts: list[Draft] = []
    skipped: list[CoverageItem] = []
    order = sorted(ctx.api.operations, key=lambda o: (o.path, METHOD_ORDER.index(o.method)))
    for op in order:
        found, gaps = operation_drafts(ctx, op)
        drafts += found
        skipped += gaps
    found, gaps = lifecycle_drafts(ctx)
    drafts += found + convention_drafts(ctx)
    skipped += gaps
    return drafts, skipped


def test_data(ctx: Context) -> JsonObject:
    """The values each operation is called with, and each recipe's create body."""
    per_op: JsonObject = {}
    for op in ctx.api.operations:
        entry: JsonObject = {
            "path_params": dict(path_params_for(ctx.api, ctx.names, op)),
            "query": query_for(op),
        }
        if op.request_body is not None:
            entry["body"] = happy_body(ctx, op)
            entry["minimal_body"] = minimal_body(body_schema(op))
        per_op[op.key] = entry
    recipes: JsonObject = {r.name: r.action.request.body for r in ctx.plan.recipes}
    return {"operations": per_op, "recipes": recipes}


def mark_resets(api: ApiModel, scenarios: list[Scenario]) -> list[Scenario]:
    """Scenarios that call a state reset carry STATE_RESET_TAG (planning runs them alone and last)."""
    resets = {op.key for op in api.operations if is_state_reset(op)}
    marked: list[Scenario] = []
    for s in scenarios:
        keys = {*s.operations, *(a.request.operation for a in s.actions)}
        hit = bool(keys & resets) and STATE_RESET_TAG not in s.tags
        marked.append(replace(s, tags=(*s.tags, STATE_RESET_TAG)) if hit else s)
    return marked


def from_api(api: ApiModel, instruction: str | None = None) -> RequirementsResult:
    plan = build_recipes(api)
    ctx = Context(api, plan)
    drafts, skipped = _drafts(ctx)
    ordered = sorted(drafts, key=lambda d: d.order)
    scenarios = mark_resets(
        api, [replace(d.scenario, id=scenario_id(i)) for i, d in enumerate(ordered, start=1)]
    )
    focused = apply_focus(scenarios, {op.key: op for op in api.operations}, instruction)
    notes = [CoverageItem("resource recipes", note) for note in plan.notes]
    coverage = coverage_metrics(api, focused.scenarios, skipped, [*notes, *focused.notes])
    coverage = replace(coverage, covered=(*coverage.covered, *focused.covered))
    return RequirementsResult(focused.scenarios, plan.recipes, test_data(ctx), coverage)


def from_probes(observation: Observation, instruction: str | None = None) -> RequirementsResult:
    scenarios, gaps = probe_scenarios(observation)
    focused = apply_focus(scenarios, {}, instruction)
    listed: tuple[Scenario, ...] = focused.scenarios
    coverage = coverage_metrics(None, listed, gaps, focused.notes)
    coverage = replace(coverage, covered=(*coverage.covered, *focused.covered))
    data: JsonObject = {"probes": {s.operations[0]: s.data.get("probed_status") for s in listed}}
    return RequirementsResult(listed, (), data, coverage)


def build_requirements(observation: Observation, instruction: str | None = None) -> RequirementsResult:
    """Scenarios from the API model when there is one, else smoke checks of what probing found.

    The agent passes no ``instruction`` here: it ranks these with the UI scenarios in one call
    (:mod:`assay.agents.requirements.ui_stage`)."""
    if observation.api is not None:
        return from_api(observation.api, instruction)
    return from_probes(observation, instruction)
