"""The OpenAPI document the demo serves: FastAPI's, plus what the team documented by hand.

The hand-written part is where spec and server part ways on purpose: it documents
GET /api/v1/analytics/public/metrics, which no route implements (a planted fault).
"""

from __future__ import annotations

import copy

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from assay.demo.models import PublicMetrics
from assay.domain.json import Json, JsonObject, as_object

PUBLIC_METRICS_PATH = "/api/v1/analytics/public/metrics"
_VALIDATION_ERROR: JsonObject = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}},
}

# The OAuth2 password-grant form, documented by hand because the handler parses it itself.
LOGIN_REQUEST_BODY: JsonObject = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "title": "LoginForm",
                "required": ["username", "password"],
                "properties": {
                    "grant_type": {"type": "string", "pattern": "^password$", "title": "Grant Type"},
                    "username": {"type": "string", "title": "Username", "description": "The email"},
                    "password": {"type": "string", "title": "Password", "format": "password"},
                    "scope": {"type": "string", "title": "Scope", "default": ""},
                },
            }
        }
    },
}
LOGIN_RESPONSES: JsonObject = {"422": _VALIDATION_ERROR}


def _schema_of(model: type[BaseModel]) -> JsonObject:
    schema: JsonObject = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return schema


def _public_metrics_operation() -> JsonObject:
    ok: Json = {"$ref": "#/components/schemas/PublicMetrics"}
    return {
        "tags": ["analytics"],
        "summary": "Public Metrics",
        "description": "Platform-wide counters for the marketing site. No authentication.",
        "operationId": "public_metrics",
        "responses": {
            "200": {"description": "Successful Response", "content": {"application/json": {"schema": ok}}}
        },
    }


def build_openapi(app: FastAPI) -> JsonObject:
    """The served document, built once per app."""
    if app.openapi_schema is None:
        document: JsonObject = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        paths = as_object(document.get("paths"))
        paths[PUBLIC_METRICS_PATH] = {"get": _public_metrics_operation()}
        document["paths"] = paths
        components = as_object(document.get("components"))
        schemas = as_object(components.get("schemas"))
        schemas["PublicMetrics"] = _schema_of(PublicMetrics)
        components["schemas"] = schemas
        document["components"] = components
        app.openapi_schema = document
    result: JsonObject = copy.deepcopy(app.openapi_schema)
    return result
