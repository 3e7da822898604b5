"""Typed mirrors of the agents' outputs, so a client generated from our OpenAPI gets models.

Each class mirrors a dataclass of ``assay.domain`` field for field (``coverage`` is renamed
``coverage_metrics`` at the edge, as the spec names it). Closed sets reuse the domain's Literals,
so anything these models accept, ``assay.domain.codec.from_json`` accepts too. A field left out
here vanishes from ``/results`` and from a result posted back inline; tests/unit/
test_api_models_mirror.py checks every model against its dataclass (deliberate differences listed).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from assay.api.result_models_base import MAX_ID, URL_PATTERN, Int, JsonMap, Model, RowId
from assay.api.result_models_observation import (
    ApiModelModel,
    AuthFlowModel,
    DependencyModel,
    ObservationResult,
    OperationModel,
    ParameterModel,
    ProbedEndpointModel,
    RequestBodyModel,
    ResponseSpecModel,
    SecuritySchemeModel,
    SpecIssueModel,
    UiElementModel,
)
from assay.domain.analysis import Priority, Reliability, RunStatus
from assay.domain.evolution import Framework
from assay.domain.findings import Category, Proof, Severity
from assay.domain.scenarios import AuthMode, Intent, ScenarioKind, StepKeyword, UiActionKind

# The observation models and the shared pieces live beside this module; importers use this one.
__all__ = [
    "MAX_ID",
    "URL_PATTERN",
    "ActionModel",
    "AnalysisResultModel",
    "ApiModelModel",
    "AuthFlowModel",
    "BusinessValueModel",
    "CoverageItemModel",
    "CoverageMetricsModel",
    "DependencyModel",
    "EvolutionResultModel",
    "ExecutionStrategyModel",
    "ExecutionSuccessModel",
    "ExecutionTimeModel",
    "ExpectationModel",
    "FinalPriorityModel",
    "FindingModel",
    "Int",
    "JsonMap",
    "Model",
    "ObservationResult",
    "OperationModel",
    "ParameterModel",
    "ProbedEndpointModel",
    "RequestBodyModel",
    "RequestSpecModel",
    "RequirementsResultModel",
    "ResourceRecipeModel",
    "ResponseSpecModel",
    "RiskScoreModel",
    "RoiScoreModel",
    "RowId",
    "ScenarioDependencyModel",
    "ScenarioModel",
    "ScenarioRunModel",
    "SecuritySchemeModel",
    "SpecIssueModel",
    "StepModel",
    "StepResultModel",
    "TestCaseModel",
    "UiElementModel",
    "UiStepModel",
]


# --- requirements ------------------------------------------------------------------------


class RequestSpecModel(Model):
    operation: str
    method: str
    path: str
    path_params: JsonMap = Field(default_factory=dict)
    query: JsonMap = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body: JsonValue = None
    has_body: bool = False
    content_type: str = "application/json"
    auth: AuthMode = "user"
    path_variant: Literal["as_is", "add_slash", "strip_slash"] = "as_is"
    intent: Intent = "valid"


class ExpectationModel(Model):
    statuses: list[Int] = Field(default_factory=list)
    status_classes: list[Int] = Field(default_factory=lambda: [2])
    validate_schema: bool = True
    description: str = ""


class ActionModel(Model):
    name: str
    request: RequestSpecModel
    expect: ExpectationModel
    save: dict[str, str] = Field(default_factory=dict)


class StepModel(Model):
    keyword: StepKeyword
    text: str


class UiStepModel(Model):
    """One browser step of a UI scenario (``locator`` is Playwright code relative to ``page``)."""

    action: UiActionKind
    locator: str = ""
    value: str = ""
    fingerprint: JsonMap = Field(default_factory=dict)
    description: str = ""


class ResourceRecipeModel(Model):
    name: str
    action: ActionModel
    requires: list[str] = Field(default_factory=list)
    id_field: str = "id"


class ScenarioModel(Model):
    id: str
    feature: str
    title: str
    kind: ScenarioKind
    tags: list[str]
    operations: list[str]
    steps: list[StepModel]
    actions: list[ActionModel]
    fixtures: list[str] = Field(default_factory=list)
    data: JsonMap = Field(default_factory=dict)
    severity: Int = 5
    description: str = ""
    ui_steps: list[UiStepModel] = Field(
        default_factory=list, description="Browser steps of a UI scenario (empty for HTTP ones)."
    )


class CoverageItemModel(Model):
    item: str
    reason: str = ""


class CoverageMetricsModel(Model):
    operations_total: Int
    operations_covered: Int
    scenarios_by_kind: dict[str, Int]
    covered: list[CoverageItemModel]
    not_covered: list[CoverageItemModel]


class RequirementsResultModel(Model):
    """RequirementsAgent output: ``scenarios``, ``test_data``, ``coverage_metrics`` (+ fixture recipes)."""

    scenarios: list[ScenarioModel]
    recipes: list[ResourceRecipeModel] = Field(default_factory=list)
    test_data: JsonMap = Field(default_factory=dict)
    coverage_metrics: CoverageMetricsModel


# --- analysis ----------------------------------------------------------------------------


class RiskScoreModel(Model):
    scenario_id: str
    severity: Int
    occurrence: Int
    detection: Int
    rpn: Int = Field(description="Severity × Occurrence × Detection.")
    priority: Priority
    rationale: str = ""


class BusinessValueModel(Model):
    scenario_id: str
    revenue_impact: float
    user_impact: float
    compliance_impact: float
    total_value: float


class RoiScoreModel(Model):
    scenario_id: str
    roi: float
    bug_detection_value: float
    test_cost: float


class ExecutionTimeModel(Model):
    scenario_id: str
    estimated_seconds: float
    category: Literal["fast", "medium", "slow"]


class ScenarioDependencyModel(Model):
    scenario_id: str
    depends_on: list[str]
    execution_order: Int
    can_run_parallel: bool


class FinalPriorityModel(Model):
    scenario_id: str
    composite_score: float
    rank: Int
    priority: Priority
    execution_group: Int


class ExecutionStrategyModel(Model):
    smoke_tests: list[str]
    parallel_groups: list[list[str]]
    estimated_total_time: float
    estimated_parallel_time: float


class ExecutionSuccessModel(Model):
    scenario_id: str
    success_rate: float = Field(ge=0.0, le=1.0)
    passed_steps: Int
    total_steps: Int
    tier_used: str
    reliability: Reliability
    source: Literal["real_time_execution", "execution_results", "historical"] = "real_time_execution"


class StepResultModel(Model):
    name: str
    passed: bool
    message: str = ""
    status: Int | None = None


class ScenarioRunModel(Model):
    scenario_id: str
    status: RunStatus
    steps: list[StepResultModel] = Field(default_factory=list)
    duration_seconds: float = 0.0
    blocked_by: str | None = None


class AnalysisResultModel(Model):
    """AnalysisAgent output, the spec's "Analysis result shape"."""

    risk_scores: list[RiskScoreModel]
    business_values: list[BusinessValueModel]
    roi_scores: list[RoiScoreModel]
    execution_times: list[ExecutionTimeModel]
    dependencies: list[ScenarioDependencyModel]
    final_prioritization: list[FinalPriorityModel]
    execution_strategy: ExecutionStrategyModel
    execution_success: list[ExecutionSuccessModel] = Field(default_factory=list)
    runs: list[ScenarioRunModel] = Field(default_factory=list)
    requests_sent: Int = 0
    budget_exhausted: bool = False
    family_requests: dict[str, Int] = Field(
        default_factory=dict, description="Requests sent by each security attack family."
    )
    families_out_of_time: list[str] = Field(
        default_factory=list,
        description="Security families the time budget stopped before they sent all they planned.",
    )
    learned_bodies: list[str] = Field(
        default_factory=list,
        description="Per operation, the body fields its server asked for that the spec does not require.",
    )


# --- evolution and findings --------------------------------------------------------------


class TestCaseModel(Model):
    scenario_id: str
    name: str
    file: str
    framework: Framework
    code: str
    finding_ids: list[str] = Field(default_factory=list)
    id: Int | None = None


class EvolutionResultModel(Model):
    """EvolutionAgent output: generated test cases and the suite's files."""

    test_cases: list[TestCaseModel]
    files: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class FindingModel(Model):
    id: str
    category: Category
    severity: Severity
    method: str
    path: str
    title: str
    detail: str
    evidence: JsonMap = Field(default_factory=dict)
    reproduce: str = ""
    scenario_id: str | None = None
    recommendation: str = ""
    impact: str = ""
    proof: Proof = "reproduced"
    identity: str = "user"
    flaky: bool = False
    occurrences: Int = 1
