"""The HTTP API's models, field by field as the API v2 spec (seed 002) writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from assay.api.result_models import (
    URL_PATTERN,
    AnalysisResultModel,
    EvolutionResultModel,
    FindingModel,
    Int,
    ObservationResult,
    RequirementsResultModel,
    RowId,
    ScenarioModel,
)
from assay.domain.evolution import Framework

AgentLiteral = Literal["observation", "requirements", "analysis", "evolution"]
URL_FIELD = Field(
    description="Target URL (absolute http or https).",
    pattern=f"^{URL_PATTERN}$",
    max_length=2048,
    examples=["http://127.0.0.1:8000/"],
)
# Bounds on free text: an instruction is a few sentences; a 10 MB one was once accepted and written
# to the store again with every event.
INSTRUCTION_FIELD = Field(default=None, max_length=10_000, description="What to focus on, in words.")
SECRET_TEXT = 1024
DEPTH_FIELD = Field(default=1, ge=1, le=3, description="Crawl depth: 1 page, 2 links, 3 deep crawl.")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class OneOfRequest(Strict):
    """A chained trigger: its alternative inputs may be left out, but not sent as null."""

    @model_validator(mode="before")
    @classmethod
    def _no_null_inputs(cls, data: object) -> object:
        if isinstance(data, dict):
            for name in ("workflow_id", "observation_result", "requirements_result", "analysis_result"):
                if name in data and data[name] is None:
                    raise ValueError(f"`{name}` must not be null; leave it out instead")
        return data


class LoginCredentials(Strict):
    """Website login; give ``username`` or ``email``. Never stored in clear, never returned."""

    username: str | None = Field(default=None, max_length=SECRET_TEXT)
    email: str | None = Field(default=None, max_length=SECRET_TEXT)
    password: str = Field(max_length=SECRET_TEXT)
    totp_secret: str | None = Field(
        default=None,
        max_length=SECRET_TEXT,
        description="Base32 TOTP secret, when the login asks for an authenticator code.",
    )


class GmailCredentials(Strict):
    """Mailbox receiving the login's one-time codes (e.g. Gmail with an app password), read over
    IMAP after the login form is sent. Held in memory only."""

    email: str = Field(max_length=SECRET_TEXT)
    password: str = Field(max_length=SECRET_TEXT)


class GenerateTestsRequest(Strict):
    url: str = URL_FIELD
    user_instruction: str | None = INSTRUCTION_FIELD
    depth: Int = DEPTH_FIELD
    login_credentials: LoginCredentials | None = None
    gmail_credentials: GmailCredentials | None = None


class ObservationRequest(Strict):
    url: str = URL_FIELD
    user_instruction: str | None = INSTRUCTION_FIELD
    depth: Int = DEPTH_FIELD
    login_credentials: LoginCredentials | None = None


def _one_of(*groups: list[str]) -> JsonDict:
    # Inside allOf, so generated clients still get a typed request model.
    return {"allOf": [{"oneOf": [{"required": list(g)} for g in groups]}]}


class RequirementsRequest(OneOfRequest):
    """Exactly one of ``workflow_id`` or ``observation_result``."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra=_one_of(["workflow_id"], ["observation_result"])
    )

    workflow_id: str | SkipJsonSchema[None] = Field(
        default=None, min_length=1, max_length=100, description="A completed observation workflow."
    )
    observation_result: ObservationResult | SkipJsonSchema[None] = None
    user_instruction: str | None = INSTRUCTION_FIELD


class AnalysisRequest(OneOfRequest):
    """``workflow_id`` (with prior results), or both ``requirements_result`` and ``observation_result``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=_one_of(["workflow_id"], ["requirements_result", "observation_result"]),
    )

    workflow_id: str | SkipJsonSchema[None] = Field(default=None, min_length=1, max_length=100)
    requirements_result: RequirementsResultModel | SkipJsonSchema[None] = None
    observation_result: ObservationResult | SkipJsonSchema[None] = None
    user_instruction: str | None = INSTRUCTION_FIELD


class EvolutionRequest(OneOfRequest):
    """``workflow_id``, or all of ``analysis_result``, ``requirements_result``, ``observation_result``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=_one_of(
            ["workflow_id"], ["analysis_result", "requirements_result", "observation_result"]
        ),
    )

    workflow_id: str | SkipJsonSchema[None] = Field(default=None, min_length=1, max_length=100)
    analysis_result: AnalysisResultModel | SkipJsonSchema[None] = None
    requirements_result: RequirementsResultModel | SkipJsonSchema[None] = None
    observation_result: ObservationResult | SkipJsonSchema[None] = None
    user_instruction: str | None = INSTRUCTION_FIELD
    login_credentials: LoginCredentials | None = None


class ImproveTestsRequest(Strict):
    test_case_ids: list[RowId] = Field(min_length=1, max_length=500)
    user_instruction: str | None = INSTRUCTION_FIELD
    max_iterations: Int = Field(default=5, ge=1, le=20)


class AgentProgress(BaseModel):
    agent: AgentLiteral
    status: Literal["pending", "running", "completed", "failed"]
    progress: float = Field(ge=0.0, le=1.0)
    message: str | None
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: float | None
    confidence: float | None
    elements_found: int | None
    scenarios_generated: int | None
    scenarios_executed: int | None
    tests_generated: int | None


class WorkflowStatusResponse(BaseModel):
    workflow_id: str = Field(description="Unique workflow identifier (UUID).")
    status: Literal["pending", "running", "completed", "failed", "cancelled"]
    current_agent: AgentLiteral | None
    progress: dict[str, AgentProgress]
    total_progress: float = Field(ge=0.0, le=1.0)
    started_at: datetime
    estimated_completion: datetime | None
    error: str | None
    partial: bool = Field(
        default=False,
        description=(
            "Set once finished: the run skipped planned work because its time budget was spent "
            "(see `skipped` in the results). A partial run still says `completed`."
        ),
    )


class SkippedItem(BaseModel):
    """One planned thing the run did not do because its time budget was spent (assay.domain.partial)."""

    kind: Literal["scenario", "security_family", "page"]
    name: str = Field(description="The scenario id, the security family or the page path.")
    reason: str


class WorkflowResultsResponse(BaseModel):
    workflow_id: str
    status: Literal["completed", "failed", "cancelled"]
    test_case_ids: list[int]
    test_count: int
    observation_result: ObservationResult | None
    requirements_result: RequirementsResultModel | None
    analysis_result: AnalysisResultModel | None
    evolution_result: EvolutionResultModel | None
    completed_at: datetime
    total_duration_seconds: float
    incomplete: list[str] = Field(
        default_factory=list,
        description="What the run planned but could not do, one line each (a stage that crashed, ...).",
    )
    partial: bool = Field(
        default=False,
        description=(
            "The run skipped planned work because its time budget was spent: a scenario not run, "
            "a security family stopped by the deadline, a page not opened. Listed in `skipped`."
        ),
    )
    skipped: list[SkippedItem] = Field(
        default_factory=list, description="What the time budget cut, one item each; empty unless partial."
    )


class WorkflowErrorResponse(BaseModel):
    error: str = Field(description="Human-readable error message.")
    code: str = Field(description="Machine-readable code, e.g. INVALID_URL, NOT_FOUND, MISSING_INPUT.")
    workflow_id: str | None
    timestamp: datetime


class TestCaseLastResult(BaseModel):
    status: str
    detail: str | None = None
    checked_at: datetime | None = None


class TestCaseResponse(BaseModel):
    id: int
    workflow_id: str
    scenario_id: str
    name: str
    file: str
    framework: Framework
    code: str
    finding_ids: list[str]
    scenario: ScenarioModel | None
    last_result: TestCaseLastResult | None
    created_at: datetime


class LanguageModelUse(BaseModel):
    """findings.json's ``language_model`` (report.findings_doc.model_use_json)."""

    model: str = Field(description='Provider and model, e.g. "openai:llama3.2".')
    calls: int = Field(description="Calls the run made to the model.")
    tokens: int = Field(description="Tokens they cost (prompt and answer).")
    notes: list[str] = Field(description="Where the model was not used and why (its rule-based answer kept).")


class SentPromptModel(BaseModel):
    """One call to the language model: what it was sent, as sent (redacted, bounded), and how it ended."""

    purpose: str
    system: str
    user: str
    outcome: str = Field(description='"answered", or why the answer was not used.')


class ModelPromptsDocument(BaseModel):
    """model-prompts.json (report.artifacts.model_prompts_document): every prompt the run sent."""

    model: str = Field(description='Provider and model; "" when none was configured (then no calls).')
    calls: list[SentPromptModel]


class ScenarioCounts(BaseModel):
    total: int
    passed: int
    failed: int
    errors: int
    blocked: int
    skipped: int


class SkippedWork(BaseModel):
    """Planned work the run's limits cut (domain.partial.Skipped)."""

    kind: str = Field(description='"scenario", "family" or "page".')
    name: str
    reason: str


class FindingsSummary(BaseModel):
    """findings.json's ``summary`` (report.findings_doc.summary): the counts every report prints."""

    findings: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    blocking: int
    scenarios: ScenarioCounts
    pass_rate: float
    requests_sent: int
    partial: bool = Field(description="Planned work was cut by the run's limits (listed in `skipped`).")
    skipped: list[SkippedWork]
    tests_generated: int


class FindingsDocument(BaseModel):
    """findings.json (see FINDINGS.md): stable keys, secrets never present."""

    assay_version: str
    target: str
    started_at: str
    finished_at: str
    findings: list[FindingModel]
    summary: FindingsSummary | None = None
    inconclusive: bool = Field(
        default=False, description="The run could not do all it planned (`incomplete` says what)."
    )
    incomplete: list[str] = Field(default_factory=list, description="One line per thing not done.")
    error: str | None = Field(default=None, description="Why the run stopped early, if it did.")
    cancelled: bool = False
    language_model: LanguageModelUse | None = Field(
        default=None, description="The run's use of the language model; null when none was configured."
    )
