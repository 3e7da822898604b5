"""Typed mirrors of the Observation agent's output (``ObservationResult`` and the API model in it).

See ``assay.api.result_models``, which re-exports them, for the rules every mirror follows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.api.result_models_base import URL_PATTERN, Int, JsonMap, Model
from assay.domain.observation import TargetKind
from assay.domain.operations import AuthKind, HttpMethod, ParamLocation, SchemeKind


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
