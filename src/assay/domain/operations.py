"""The operation model Observation builds from a spec (or from probing), and its dependency graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assay.domain.json import JsonObject

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]
ParamLocation = Literal["path", "query", "header", "cookie"]
AuthKind = Literal["none", "bearer", "basic", "api_key", "cookie"]
SchemeKind = Literal[
    "http_bearer", "http_basic", "api_key", "oauth2_password", "oauth2_other", "openid", "other"
]


def operation_key(method: str, path: str) -> str:
    """The one string that names an operation everywhere: ``"POST /items/{id}"``."""
    return f"{method.upper()} {path}"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: ParamLocation
    required: bool = False
    schema: JsonObject = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class RequestBody:
    content_type: str
    schema: JsonObject
    required: bool = False


@dataclass(frozen=True)
class ResponseSpec:
    """One documented response; ``status`` is as the spec writes it: "200", "2XX" or "default"."""

    status: str
    description: str = ""
    content_type: str | None = None
    schema: JsonObject | None = None
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    method: HttpMethod
    path: str
    operation_id: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    request_body: RequestBody | None = None
    responses: tuple[ResponseSpec, ...] = ()
    # Names of the security schemes that may authorize the call; empty = public by the spec.
    security: tuple[str, ...] = ()
    deprecated: bool = False
    description: str = ""  # the spec's prose (a reset may only say so here: "drops the database")

    @property
    def key(self) -> str:
        return operation_key(self.method, self.path)

    @property
    def requires_auth(self) -> bool:
        return bool(self.security)

    def param(self, name: str, location: ParamLocation | None = None) -> Parameter | None:
        for p in self.parameters:
            if p.name == name and (location is None or p.location == location):
                return p
        return None

    def documented_statuses(self) -> tuple[str, ...]:
        return tuple(r.status for r in self.responses)


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: SchemeKind
    # For api_key: where ("header", "query", "cookie") and the parameter name.
    location: str | None = None
    parameter_name: str | None = None
    token_url: str | None = None


@dataclass(frozen=True)
class AuthFlow:
    """How to become an authenticated client of this API, found without being told."""

    kind: AuthKind = "none"
    scheme: str | None = None
    login_operation: str | None = None  # operation key, e.g. "POST /auth/login"
    login_format: Literal["form", "json"] = "json"
    username_field: str = "username"
    password_field: str = "password"
    token_field: str = "access_token"
    register_operation: str | None = None
    register_fields: tuple[str, ...] = ()  # required fields of the registration body
    current_user_operation: str | None = None  # "GET /users/me"
    header_name: str = "Authorization"  # where the credential goes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dependency:
    """``consumer`` needs a value that ``producer`` hands out (an id, usually)."""

    consumer: str
    producer: str
    parameter: str  # the consumer's parameter or body field (``dataset_id``)
    location: Literal["path", "query", "body"]
    source_field: str  # where the producer's response carries it (``id``)
    resource: str  # the resource's name (``dataset``)


@dataclass(frozen=True)
class SpecIssue:
    """A weakness of the spec itself (feeds the ``spec_quality`` oracle)."""

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


@dataclass(frozen=True)
class ApiModel:
    title: str
    version: str
    spec_version: str  # "2.0", "3.0.3", "3.1.0", or "" when built from probing
    base_path: str  # path prefix the operations live under ("" or "/api")
    operations: tuple[Operation, ...]
    security_schemes: tuple[SecurityScheme, ...] = ()
    auth: AuthFlow = AuthFlow()
    dependencies: tuple[Dependency, ...] = ()
    spec_issues: tuple[SpecIssue, ...] = ()

    def operation(self, key: str) -> Operation | None:
        for op in self.operations:
            if op.key == key:
                return op
        return None

    def producers_of(self, consumer: str) -> tuple[Dependency, ...]:
        return tuple(d for d in self.dependencies if d.consumer == consumer)
