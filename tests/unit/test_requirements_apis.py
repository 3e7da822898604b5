"""Hand-made ApiModels for the requirements tests: a seed-000-like API and an httpbin-like one."""

from __future__ import annotations

from assay.domain.json import JsonObject
from assay.domain.operations import (
    ApiModel,
    AuthFlow,
    Dependency,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    SecurityScheme,
)

P = "/api/v1"
SEC = ("OAuth2PasswordBearer",)


def obj(props: JsonObject, required: list[str] | None = None) -> JsonObject:
    out: JsonObject = {"type": "object", "properties": props}
    if required:
        out["required"] = list(required)
    return out


def body(schema: JsonObject) -> RequestBody:
    return RequestBody("application/json", schema, required=True)


def ok(status: str = "200", schema: JsonObject | None = None) -> tuple[ResponseSpec, ...]:
    return (ResponseSpec(status, "ok", "application/json", schema), ResponseSpec("422", "invalid"))


def path_id(name: str) -> Parameter:
    return Parameter(name, "path", True, {"type": "string", "format": "uuid"})


ENTITY = obj({"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}}, ["id"])
PROJECT = obj(
    {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "description": {"type": "string"},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
    },
    ["name"],
)
DATASET = obj(
    {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "records": {"type": "array", "minItems": 1, "items": obj({"id": {"type": "integer"}})},
    },
    ["name", "records"],
)
AGENT_KIT = obj(
    {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "config": obj(
            {
                "primary_objective": {"type": "string"},
                "triggers": {"type": "array", "items": {"type": "string"}},
            },
            ["primary_objective"],
        ),
    },
    ["name", "config"],
)
SESSION = obj(
    {
        "title": {"type": "string"},
        "dataset_id": {"type": "string", "format": "uuid"},
        "agent_kit_id": {"type": "string", "format": "uuid"},
    },
    ["dataset_id", "agent_kit_id"],
)
MESSAGE = obj({"content": {"type": "string", "minLength": 1}}, ["content"])
REGISTER = obj(
    {
        "email": {"type": "string", "format": "email", "example": "user@example.com"},
        "password": {"type": "string", "minLength": 8},
        "full_name": {"type": "string"},
        "tenant_name": {"type": "string"},
    },
    ["email", "password", "full_name", "tenant_name"],
)
LOGIN = obj({"username": {"type": "string"}, "password": {"type": "string"}}, ["username", "password"])


def op(method: str, path: str, **kw: object) -> Operation:
    return Operation(method, path, **kw)  # type: ignore[arg-type]


def seed_api() -> ApiModel:
    """Modelled on seed 000 (AgentProvision): auth, projects CRUD, datasets, agent kits, chat."""
    ops = (
        op(
            "POST",
            f"{P}/auth/register",
            operation_id="register",
            request_body=body(REGISTER),
            responses=ok("201"),
            tags=("auth",),
            summary="Register a user",
        ),
        op(
            "POST",
            f"{P}/auth/login",
            operation_id="login",
            request_body=RequestBody("application/x-www-form-urlencoded", LOGIN, True),
            responses=ok(),
            tags=("auth",),
            summary="Log in",
        ),
        op("GET", f"{P}/users/me", security=SEC, responses=ok(), tags=("users",), summary="Current user"),
        op(
            "GET",
            f"{P}/projects/",
            security=SEC,
            responses=ok(),
            tags=("projects",),
            summary="List projects",
            parameters=(
                Parameter("limit", "query", False, {"type": "integer", "minimum": 1, "maximum": 100}),
            ),
        ),
        op(
            "POST",
            f"{P}/projects/",
            security=SEC,
            request_body=body(PROJECT),
            responses=ok("201", ENTITY),
            tags=("projects",),
            summary="Create project",
        ),
        op(
            "GET",
            f"{P}/projects/{{project_id}}",
            security=SEC,
            parameters=(path_id("project_id"),),
            responses=ok(),
            tags=("projects",),
            summary="Get project",
        ),
        op(
            "PUT",
            f"{P}/projects/{{project_id}}",
            security=SEC,
            parameters=(path_id("project_id"),),
            request_body=body(PROJECT),
            responses=ok(),
            tags=("projects",),
            summary="Update project",
        ),
        op(
            "DELETE",
            f"{P}/projects/{{project_id}}",
            security=SEC,
            parameters=(path_id("project_id"),),
            responses=(ResponseSpec("204"),),
            tags=("projects",),
            summary="Delete project",
        ),
        op(
            "GET", f"{P}/datasets/", security=SEC, responses=ok(), tags=("datasets",), summary="List datasets"
        ),
        op(
            "POST",
            f"{P}/datasets/ingest",
            security=SEC,
            request_body=body(DATASET),
            responses=ok("200", ENTITY),
            tags=("datasets",),
            summary="Ingest dataset",
        ),
        op(
            "POST",
            f"{P}/datasets/upload",
            security=SEC,
            request_body=RequestBody(
                "multipart/form-data", obj({"file": {"type": "string", "format": "binary"}})
            ),
            responses=ok(),
            tags=("datasets",),
            summary="Upload dataset file",
        ),
        op(
            "GET",
            f"{P}/datasets/{{dataset_id}}",
            security=SEC,
            parameters=(path_id("dataset_id"),),
            responses=ok(),
            tags=("datasets",),
            summary="Get dataset",
        ),
        op("GET", f"{P}/agent-kits/", security=SEC, responses=ok(), tags=("agent-kits",)),
        op(
            "POST",
            f"{P}/agent-kits/",
            security=SEC,
            request_body=body(AGENT_KIT),
            responses=ok("201", ENTITY),
            tags=("agent-kits",),
            summary="Create agent kit",
        ),
        op(
            "GET",
            f"{P}/agent-kits/{{agent_kit_id}}",
            security=SEC,
            parameters=(path_id("agent_kit_id"),),
            responses=ok(),
            tags=("agent-kits",),
        ),
        op("GET", f"{P}/chat/sessions", security=SEC, responses=ok(), tags=("chat",)),
        op(
            "POST",
            f"{P}/chat/sessions",
            security=SEC,
            request_body=body(SESSION),
            responses=ok("201", ENTITY),
            tags=("chat",),
            summary="Create chat session",
        ),
        op(
            "POST",
            f"{P}/chat/sessions/{{session_id}}/messages",
            security=SEC,
            parameters=(path_id("session_id"),),
            request_body=body(MESSAGE),
            responses=ok("201"),
            tags=("chat",),
            summary="Send chat message",
        ),
        op(
            "DELETE",
            f"{P}/orphans/{{orphan_id}}",
            security=SEC,
            parameters=(path_id("orphan_id"),),
            responses=(ResponseSpec("204"),),
            tags=("orphans",),
        ),
        op("GET", "/health", responses=ok(), summary="Health"),
    )
    deps = (
        Dependency(
            f"POST {P}/chat/sessions", f"POST {P}/datasets/ingest", "dataset_id", "body", "id", "dataset"
        ),
    )
    auth = AuthFlow(
        kind="bearer",
        scheme="OAuth2PasswordBearer",
        login_operation=f"POST {P}/auth/login",
        login_format="form",
        register_operation=f"POST {P}/auth/register",
        register_fields=("email", "password", "full_name", "tenant_name"),
    )
    schemes = (SecurityScheme("OAuth2PasswordBearer", "oauth2_password", token_url=f"{P}/auth/login"),)
    return ApiModel("AgentProvision", "1.0", "3.1.0", P, ops, schemes, auth, deps)


def httpbin_api() -> ApiModel:
    """Operations without bodies or auth, like httpbin's."""
    ops = tuple(
        op(m, p, responses=(ResponseSpec("200"),))
        for m, p in [
            ("GET", "/get"),
            ("POST", "/post"),
            ("DELETE", "/delete"),
            ("GET", "/status/{codes}"),
            ("GET", "/uuid"),
            ("PUT", "/put"),
        ]
    )
    return ApiModel("httpbin", "0.9", "2.0", "", ops)
