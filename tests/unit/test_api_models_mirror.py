"""The API's Pydantic models and the domain's dataclasses say the same thing, field by field.

A result posted back inline (api.mapping.inline) is decoded by ``assay.domain.codec.from_json``;
a result read from ``/results`` is ``to_json`` of the dataclass validated by the model. A domain
field the model lacks is silently dropped on both paths (this is how ``Scenario.ui_steps`` once
vanished), so every field must be mirrored with a compatible type, or be listed below with why.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
from typing import Annotated, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, JsonValue
from tests.unit import sample_run

from assay.api import mapping, result_models, schemas
from assay.domain import (
    analysis,
    evolution,
    findings,
    observation,
    operations,
    partial,
    run,
    scenarios,
    workflow,
)
from assay.domain.codec import from_json
from assay.domain.events import AGENTS
from assay.domain.json import Json, JsonObject
from assay.services.workflows import WorkflowResults

R, S = result_models, schemas
# Each model and the dataclass(es) it mirrors. A model made of several records lists them all.
MIRRORS: dict[type[BaseModel], tuple[type, ...]] = {
    R.ParameterModel: (operations.Parameter,),
    R.RequestBodyModel: (operations.RequestBody,),
    R.ResponseSpecModel: (operations.ResponseSpec,),
    R.OperationModel: (operations.Operation,),
    R.SecuritySchemeModel: (operations.SecurityScheme,),
    R.AuthFlowModel: (operations.AuthFlow,),
    R.DependencyModel: (operations.Dependency,),
    R.SpecIssueModel: (operations.SpecIssue,),
    R.ApiModelModel: (operations.ApiModel,),
    R.ProbedEndpointModel: (observation.ProbedEndpoint,),
    R.UiElementModel: (observation.UiElement,),
    R.ObservationResult: (observation.Observation,),
    R.RequestSpecModel: (scenarios.RequestSpec,),
    R.ExpectationModel: (scenarios.Expectation,),
    R.ActionModel: (scenarios.Action,),
    R.StepModel: (scenarios.Step,),
    R.UiStepModel: (scenarios.UiStep,),
    R.ResourceRecipeModel: (scenarios.ResourceRecipe,),
    R.ScenarioModel: (scenarios.Scenario,),
    R.CoverageItemModel: (scenarios.CoverageItem,),
    R.CoverageMetricsModel: (scenarios.CoverageMetrics,),
    R.RequirementsResultModel: (scenarios.RequirementsResult,),
    R.RiskScoreModel: (analysis.RiskScore,),
    R.BusinessValueModel: (analysis.BusinessValue,),
    R.RoiScoreModel: (analysis.RoiScore,),
    R.ExecutionTimeModel: (analysis.ExecutionTime,),
    R.ScenarioDependencyModel: (analysis.ScenarioDependency,),
    R.FinalPriorityModel: (analysis.FinalPriority,),
    R.ExecutionStrategyModel: (analysis.ExecutionStrategy,),
    R.ExecutionSuccessModel: (analysis.ExecutionSuccess,),
    R.StepResultModel: (analysis.StepResult,),
    R.ScenarioRunModel: (analysis.ScenarioRun,),
    R.AnalysisResultModel: (analysis.AnalysisResult,),
    R.TestCaseModel: (evolution.TestCase,),
    R.EvolutionResultModel: (evolution.EvolutionResult,),
    R.FindingModel: (findings.Finding,),
    S.AgentProgress: (workflow.AgentState,),
    S.TestCaseResponse: (evolution.TestCase, workflow.StoredTestCase),
    S.WorkflowResultsResponse: (run.RunResult,),
    S.SkippedItem: (partial.Skipped,),
}
# Result models that mirror no dataclass: none today. A new one must be added to MIRRORS or here.
UNMIRRORED: set[type[BaseModel]] = set()
# Domain field -> model field, where the edge names a fact as the seed spec (002) does.
RENAMES: dict[type[BaseModel], dict[str, str]] = {
    R.RequirementsResultModel: {"coverage": "coverage_metrics"},  # §2.2 "coverage_metrics"
    S.WorkflowResultsResponse: {
        "observation": "observation_result",
        "requirements": "requirements_result",
        "analysis": "analysis_result",
        "evolution": "evolution_result",
    },
}
# Model fields the seed spec defines that no single mirrored dataclass holds (§2.2 WorkflowResultsResponse:
# they come from the workflow record and the store).
SPEC_ONLY: dict[type[BaseModel], set[str]] = {
    # The seed spec's observation result carries the crawl as one page_context object.
    R.ObservationResult: {"page_context"},
    S.WorkflowResultsResponse: {
        "workflow_id",
        "status",
        "test_case_ids",
        "test_count",
        "completed_at",
        "total_duration_seconds",
    },
}
# Model fields derived from the mirrored dataclass by a pure function, not stored in it: field -> why.
DERIVED: dict[type[BaseModel], dict[str, str]] = {
    S.WorkflowResultsResponse: {
        "partial": "domain.partial.is_partial(RunResult): one definition for every output",
        "skipped": "domain.partial.skipped(RunResult)",
    },
}
# Deliberate differences, each with its reason: (model, "Dataclass.field") -> why.
NOT_MIRRORED: dict[tuple[type[BaseModel], str], str] = {
    # The typed page facts travel inside the spec's page_context (api/mapping.PAGE_FIELDS);
    # tests/unit/test_page_context.py shows they come back equal.
    **{
        (R.ObservationResult, f"Observation.{name}"): "inside page_context (mapping.PAGE_FIELDS)"
        for name in mapping.PAGE_FIELDS
    },
    # The response flattens the stored case's TestCase into its own fields (checked above).
    (S.TestCaseResponse, "StoredTestCase.case"): "flattened: TestCase's fields are the response's own",
    # RunResult's parts that the spec serves elsewhere, or never.
    (S.WorkflowResultsResponse, "RunResult.target"): "observation_result.target holds it",
    (
        S.WorkflowResultsResponse,
        "RunResult.started_at",
    ): "spec §2.2 gives total_duration_seconds (from the record)",
    (S.WorkflowResultsResponse, "RunResult.finished_at"): "spec §2.2 names it completed_at (from the record)",
    (
        S.WorkflowResultsResponse,
        "RunResult.model_use",
    ): "the language model's calls and notes: served in findings.json's language_model",
    (
        S.WorkflowResultsResponse,
        "RunResult.findings",
    ): "served by GET /workflows/{id}/findings (FindingModel)",
    (
        S.WorkflowResultsResponse,
        "RunResult.exchanges",
    ): "raw traffic: not kept by the workflow store (the CLI writes it)",
    (
        S.WorkflowResultsResponse,
        "RunResult.error",
    ): "WorkflowStatusResponse.error and status `failed` carry it",
    (S.WorkflowResultsResponse, "RunResult.cancelled"): "status `cancelled` carries it",
    (S.WorkflowResultsResponse, "RunResult.secrets"): "the values to redact: never leave the process",
    (
        S.WorkflowResultsResponse,
        "RunResult.ledger",
    ): "not kept by the workflow store (the CLI writes created.json)",
    (
        S.WorkflowResultsResponse,
        "RunResult.baseline",
    ): "the CLI's --baseline only: its marks are in findings.json",
}
# Same fact, deliberately different type at the edge: (model, "Dataclass.field") -> why.
RETYPED: dict[tuple[type[BaseModel], str], str] = {
    (R.FindingModel, "Finding.proof"): "None only until merging settles it; findings.json is always settled",
    (S.AgentProgress, "AgentState.started_at"): "ISO 8601 text in the record, a date-time in the spec",
    (S.AgentProgress, "AgentState.completed_at"): "ISO 8601 text in the record, a date-time in the spec",
    (S.TestCaseResponse, "TestCase.id"): "None only before the store gives one; a stored case has it",
    (
        S.TestCaseResponse,
        "StoredTestCase.created_at",
    ): "ISO 8601 text in the store, a date-time in the response",
    (
        S.TestCaseResponse,
        "StoredTestCase.last_result",
    ): "free JSON in the store, validated into TestCaseLastResult",
}
_JSON_SCALARS = {bool, int, float, str, type(None)}


def _strip(hint: object) -> object:
    """The type without Annotated metadata (the API's Int is an int with a validator)."""
    while get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return hint


def _is_union(hint: object) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _is_json(hint: object) -> bool:
    return _is_union(hint) and set(get_args(hint)) >= _JSON_SCALARS


def _mismatch(domain: object, model: object, where: str) -> list[str]:
    """Why ``model`` cannot carry every value of ``domain`` (and only those), or nothing."""
    domain, model = _strip(domain), _strip(model)
    if _is_json(domain):
        return [] if model is JsonValue else [f"{where}: JSON in the domain, {model} in the model"]
    if isinstance(domain, type) and dataclasses.is_dataclass(domain):
        ok = isinstance(model, type) and domain in MIRRORS.get(model, ())
        return [] if ok else [f"{where}: {domain.__name__} is not mirrored by {model}"]
    if _is_union(domain) or _is_union(model):
        return _union_mismatch(domain, model, where)
    if get_origin(domain) is Literal or get_origin(model) is Literal:
        same = get_origin(domain) is get_origin(model) and set(get_args(domain)) == set(get_args(model))
        return [] if same else [f"{where}: {domain} vs {model}"]
    return _container_mismatch(domain, model, where)


def _union_mismatch(domain: object, model: object, where: str) -> list[str]:
    mine = get_args(domain) if _is_union(domain) else (domain,)
    theirs = get_args(model) if _is_union(model) else (model,)
    if len(mine) != len(theirs):
        return [f"{where}: {domain} vs {model}"]
    unmatched = [d for d in mine if all(_mismatch(d, m, where) for m in theirs)]
    return [f"{where}: {domain} vs {model}"] if unmatched else []


def _container_mismatch(domain: object, model: object, where: str) -> list[str]:
    d_origin, m_origin = get_origin(domain), get_origin(model)
    if d_origin in (tuple, list):
        args = get_args(domain)
        if m_origin is not list or (d_origin is tuple and (len(args) != 2 or args[1] is not Ellipsis)):
            return [f"{where}: {domain} vs {model}"]
        return _mismatch(args[0], get_args(model)[0], f"{where}[]")
    if d_origin is dict:
        if m_origin is not dict:
            return [f"{where}: {domain} vs {model}"]
        (dk, dv), (mk, mv) = get_args(domain), get_args(model)
        return _mismatch(dk, mk, f"{where} key") + _mismatch(dv, mv, f"{where}{{}}")
    return [] if domain is model else [f"{where}: {domain} vs {model}"]


def _model_field(model: type[BaseModel], name: str) -> str | None:
    """The model's field for the domain field ``name`` (by rename, alias or name)."""
    wanted = RENAMES.get(model, {}).get(name, name)
    for field_name, info in model.model_fields.items():
        if wanted in (field_name, info.alias):
            return field_name
    return None


def _domain_hints(cls: type) -> dict[str, object]:
    return get_type_hints(cls, localns={"Json": Json, "JsonObject": JsonObject})


def mirror_problems(model: type[BaseModel]) -> list[str]:
    """Every way ``model`` and the dataclasses it mirrors disagree."""
    problems: list[str] = []
    covered: set[str] = set()
    for cls in MIRRORS[model]:
        hints = _domain_hints(cls)
        for f in dataclasses.fields(cls):
            where, key = f"{model.__name__}.{f.name}", (model, f"{cls.__name__}.{f.name}")
            if key in NOT_MIRRORED:
                continue
            mine = _model_field(model, f.name)
            if mine is None:
                problems.append(f"{where}: {cls.__name__}.{f.name} has no model field")
                continue
            covered.add(mine)
            if key not in RETYPED:
                problems += _mismatch(hints[f.name], model.model_fields[mine].annotation, where)
    extra = set(model.model_fields) - covered - SPEC_ONLY.get(model, set()) - set(DERIVED.get(model, {}))
    problems += [f"{model.__name__}.{name}: no domain field (nor in the seed spec)" for name in sorted(extra)]
    return problems


def test_every_result_model_is_checked() -> None:
    defined = {
        cls
        for _, cls in inspect.getmembers(result_models, inspect.isclass)
        # result_models re-exports the models of its sibling modules (result_models_observation…).
        if issubclass(cls, BaseModel)
        and cls.__module__.startswith(result_models.__name__)
        and cls is not R.Model
    }
    assert defined - set(MIRRORS) - UNMIRRORED == set()


def test_models_mirror_the_domain_field_by_field() -> None:
    problems = [p for model in MIRRORS for p in mirror_problems(model)]
    assert not problems, "\n".join(problems)


def test_the_allow_lists_name_real_fields() -> None:
    # A stale entry would hide a future difference: each must name a field that exists.
    for model, name in [*NOT_MIRRORED, *RETYPED]:
        fields = {f"{c.__name__}.{f.name}" for c in MIRRORS[model] for f in dataclasses.fields(c)}
        assert name in fields, (model, name)


def test_the_check_catches_a_dropped_field_and_a_wrong_type() -> None:
    class Narrow(BaseModel):  # mirrors Step without `text`, and with a keyword of the wrong type
        keyword: str

    MIRRORS[Narrow] = (scenarios.Step,)
    try:
        assert mirror_problems(Narrow) == [
            "Narrow.keyword: typing.Literal['Given', 'When', 'Then', 'And', 'But'] vs <class 'str'>",
            "Narrow.text: Step.text has no model field",
        ]
    finally:
        del MIRRORS[Narrow]


def _rich_run() -> run.RunResult:
    """The sample run, with a value in each field that once went missing at the edge."""
    result = sample_run.run_result()
    assert result.observation and result.observation.api and result.requirements and result.analysis
    api = result.observation.api
    wipe = dataclasses.replace(api.operations[0], description="Drops the database.")
    api = dataclasses.replace(api, operations=(wipe, *api.operations[1:]))
    result.observation = dataclasses.replace(
        result.observation, api=api, incomplete=("page /slow not observed: timeout",)
    )
    steps = (
        scenarios.UiStep("goto", value="/login"),
        scenarios.UiStep(
            "click", 'page.get_by_role("button", name="Sign in")', "", {"role": "button"}, "Sign in"
        ),
    )
    ui = scenarios.Scenario("SC-UI-001", "Login", "Sign in", "ui_action", (), (), (), (), ui_steps=steps)
    requirements = result.requirements
    result.requirements = dataclasses.replace(requirements, scenarios=(*requirements.scenarios, ui))
    result.analysis = dataclasses.replace(result.analysis, family_requests={"injection": 40, "ssrf": 0})
    result.incomplete = ["analysis family injection crashed"]
    return result


def test_results_and_inline_chaining_lose_nothing() -> None:
    # /results builds the response from the dataclasses; a client posts its parts back inline.
    domain = _rich_run()
    record = workflow.WorkflowRecord(
        "w-1", "generate-tests", "completed", domain.target, domain.started_at, AGENTS
    )
    response = mapping.results_response(WorkflowResults(record, domain, []))
    assert response.incomplete == domain.incomplete
    body = json.loads(response.model_dump_json())  # what the client received
    stages = ("observation_result", "requirements_result", "analysis_result")
    sent = schemas.EvolutionRequest.model_validate({name: body[name] for name in stages})
    start = mapping.start_request(sent)
    assert start.observation and start.requirements and start.analysis
    assert from_json(observation.Observation, start.observation) == domain.observation
    assert from_json(scenarios.RequirementsResult, start.requirements) == domain.requirements
    assert from_json(analysis.AnalysisResult, start.analysis) == domain.analysis
