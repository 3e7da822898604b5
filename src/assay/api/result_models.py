"""Typed mirrors of the agents' outputs, so a client generated from our OpenAPI gets models.

Each class mirrors a dataclass of ``assay.domain`` field for field (``coverage`` is renamed
``coverage_metrics`` at the edge, as the spec names it). Closed sets reuse the domain's Literals,
so anything these models accept, ``assay.domain.codec.from_json`` accepts too. A field left out
here vanishes from ``/results`` and from a result posted back inline; tests/unit/
test_api_models_mirror.py checks every model against its dataclass (deliberate differences listed).
"""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from assay.domain.analysis import Priority, Reliability, RunStatus
from assay.domain.evolution import Framework
from assay.domain.findings import Category, Proof, Severity
from assay.domain.observation import TargetKind
from assay.domain.operations import AuthKind, HttpMethod, ParamLocation, SchemeKind
from assay.domain.scenarios import AuthMode, Intent, ScenarioKind, StepKeyword, UiActionKind

JsonMap = dict[str, JsonValue]
PORT = r"(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
# An absolute http(s) URL as assay.domain.host_policy reads it: the schema admits only what the
# server accepts.
URL_PATTERN = r"[hH][tT][tT][pP][sS]?://[A-Za-z0-9._~-]+" + PORT + r"(/[^\n\r\u2028\u2029]*)?"


def _integral(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; strict Pydantic does not, so convert it first."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Strict models reject what JSON Schema rejects (``true`` for an integer, ``"1"`` for a number).
Int = Annotated[int, BeforeValidator(_integral)]
# Stored ids and event numbers are 32-bit integers (PostgreSQL ``integer``): the schema says so.
MAX_ID = 2**31 - 1
RowId = Annotated[int, Ge(1), Le(MAX_ID), BeforeValidator(_integral)]


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=True)


# --- observation -------------------------------------------------------------------------


class ParameterModel(Model):
    name: str
    location: ParamLocation
    required: bool = False
    schema_: JsonMap = Field(default_factory=dict, alias="schema")
    description: str = ""


class RequestBodyModel(Model):
    content_type: str
    schema_: JsonMap = Field(alias="schema")
    required: bool = False


class ResponseSpecModel(Model):
    status: str
    description: str = ""
    content_type: str | None = None
    schema_: JsonMap | None = Field(default=None, alias="schema")
    headers: list[str] = Field(default_factory=list)


class OperationModel(Model):
    method: HttpMethod
    path: str
    operation_id: str | None = None
    summary: str = ""
    tags: list[str] = Field(default_factory=list)
    parameters: list[ParameterModel] = Field(default_factory=list)
    request_body: RequestBodyModel | None = None
    responses: list[ResponseSpecModel] = Field(default_factory=list)
    security: list[str] = Field(default_factory=list)
    deprecated: bool = False
    # The spec's prose: a reset may say so only here ("drops the database"); domain.state_change
    # reads it to keep resets out of the run, so an inline observation must not lose it.
    description: str = ""


class SecuritySchemeModel(Model):
    name: str
    kind: SchemeKind
    location: str | None = None
    parameter_name: str | None = None
    token_url: str | None = None


class AuthFlowModel(Model):
    kind: AuthKind = "none"
    scheme: str | None = None
    login_operation: str | None = None
    login_format: Literal["form", "json"] = "json"
    username_field: str = "username"
    password_field: str = "password"
    token_field: str = "access_token"
    register_operation: str | None = None
    register_fields: list[str] = Field(default_factory=list)
    current_user_operation: str | None = None
    header_name: str = "Authorization"
    notes: list[str] = Field(default_factory=list)


class DependencyModel(Model):
    consumer: str
    producer: str
    parameter: str
    location: Literal["path", "query", "body"]
    source_field: str
    resource: str


class SpecIssueModel(Model):
    kind: Literal[
        "untyped_response",
        "placeholder_schema",
        "missing_operation_id",
        "undocumented_auth",
        "no_success_response",
        "missing_schema",
        "duplicate_operation_id",
        "invalid_example",
        "other",
    ]
    message: str
    operation: str | None = None


class ApiModelModel(Model):
    title: str
    version: str
    spec_version: str
    base_path: str
    operations: list[OperationModel]
    security_schemes: list[SecuritySchemeModel] = Field(default_factory=list)
    auth: AuthFlowModel = Field(default_factory=AuthFlowModel)
    dependencies: list[DependencyModel] = Field(default_factory=list)
    spec_issues: list[SpecIssueModel] = Field(default_factory=list)


class ProbedEndpointModel(Model):
    method: str
    path: str
    status: Int
    content_type: str = ""


class UiElementModel(Model):
    page: str
    role: str
    name: str
    locator: str
    tag: str = ""
    input_type: str = ""
    required: bool = False
    constraints: JsonMap = Field(default_factory=dict)
    fingerprint: JsonMap = Field(default_factory=dict)


class ObservationResult(Model):
    """ObservationAgent output: ``ui_elements``, ``page_structure``, ``page_context``, plus the API model."""

    target: str = Field(
        default="",
        pattern=f"^({URL_PATTERN})?$",
        max_length=2048,
        description="The URL that was observed; empty when unknown (then nothing is executed).",
    )
    kind: TargetKind = "unknown"
    api: ApiModelModel | None = None
    spec_location: str | None = None
    discovery_log: list[str] = Field(default_factory=list)
    probes: list[ProbedEndpointModel] = Field(default_factory=list)
    ui_elements: list[UiElementModel] = Field(default_factory=list)
    page_structure: JsonMap = Field(default_factory=dict)
    page_context: JsonMap = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    incomplete: list[str] = Field(
        default_factory=list,
        description="What observation planned but could not do; non-empty makes the run inconclusive.",
    )
    confidence: float = 0.0
    requests_sent: Int = 0


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
