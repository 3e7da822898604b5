"""OpenAPI 3.0/3.1 and Swagger 2.0 -> ApiModel operations, security and schemas."""

from __future__ import annotations

from assay.domain.json import Json, JsonObject
from assay.spec import build_api_model
from assay.spec.normalize import base_path_of, pick_media_type
from assay.spec.schema import normalize_schema

OK: JsonObject = {"200": {"description": "ok"}}


def _oas(paths: JsonObject, **extra: Json) -> JsonObject:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


def test_path_level_parameters_merge_and_operation_level_wins() -> None:
    doc = _oas(
        {
            "/items/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "schema": {"type": "integer"}},
                    {"name": "lang", "in": "query", "schema": {"type": "string"}},
                ],
                "get": {
                    "parameters": [
                        {"name": "lang", "in": "query", "required": True, "schema": {"enum": ["en"]}}
                    ],
                    "responses": OK,
                },
            }
        }
    )
    op = build_api_model(doc).operations[0]
    assert [p.name for p in op.parameters] == ["id", "lang"]
    path_id = op.param("id", "path")
    lang = op.param("lang")
    assert path_id is not None and path_id.required and path_id.schema == {"type": "integer"}
    assert lang is not None and lang.required and lang.schema == {"enum": ["en"]}


def test_request_body_prefers_json_then_forms() -> None:
    content: JsonObject = {
        "application/xml": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object", "required": ["a"]}},
    }
    doc = _oas({"/a": {"post": {"requestBody": {"required": True, "content": content}, "responses": OK}}})
    body = build_api_model(doc).operations[0].request_body
    assert body is not None and body.content_type == "application/json" and body.required
    assert pick_media_type(("text/xml", "multipart/form-data")) == "multipart/form-data"
    assert pick_media_type(("application/problem+json", "text/html")) == "application/problem+json"


def test_security_global_operation_level_and_public() -> None:
    schemes: JsonObject = {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }
    }
    doc = _oas(
        {
            "/a": {"get": {"responses": OK}},
            "/b": {"get": {"security": [], "responses": OK}},
            "/c": {"get": {"security": [{"key": []}], "responses": OK}},
            "/d": {"get": {"security": [{}, {"bearer": []}], "responses": OK}},
        },
        security=[{"bearer": []}],
        components=schemes,
    )
    model = build_api_model(doc)
    assert [op.security for op in model.operations] == [("bearer",), (), ("key",), ()]
    assert [(s.name, s.kind, s.location, s.parameter_name) for s in model.security_schemes] == [
        ("bearer", "http_bearer", "header", "Authorization"),
        ("key", "api_key", "header", "X-API-Key"),
    ]


def test_base_path_from_servers_and_basepath() -> None:
    assert base_path_of(_oas({}, servers=[{"url": "https://x.io/api/v1/"}])) == "/api/v1"
    assert base_path_of(_oas({}, servers=[{"url": "/v2"}])) == "/v2"
    templated: Json = [{"url": "{scheme}://x/{base}", "variables": {"base": {"default": "api"}}}]
    assert base_path_of(_oas({}, servers=templated)) == "/api"
    assert base_path_of(_oas({})) == ""
    assert base_path_of({"swagger": "2.0", "basePath": "/"}) == ""
    assert base_path_of({"swagger": "2.0", "basePath": "/api"}) == "/api"


def test_swagger2_body_formdata_responses_and_security() -> None:
    doc: JsonObject = {
        "swagger": "2.0",
        "info": {"title": "S", "version": "1"},
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {
            "basic": {"type": "basic"},
            "oauth": {"type": "oauth2", "flow": "password", "tokenUrl": "/token"},
        },
        "definitions": {"Pet": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        "paths": {
            "/pets": {
                "post": {
                    "parameters": [{"in": "body", "name": "pet", "required": True,
                                    "schema": {"$ref": "#/definitions/Pet"}}],
                    "responses": {"201": {"description": "made", "schema": {"$ref": "#/definitions/Pet"}}},
                    "security": [{"basic": []}],
                }
            },
            "/upload": {
                "post": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [
                        {"in": "formData", "name": "file", "type": "file", "required": True},
                        {"in": "formData", "name": "note", "type": "string", "x-nullable": True},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
    }  # fmt: skip
    model = build_api_model(doc)
    pets, upload = model.operations
    assert pets.request_body is not None and pets.request_body.required
    assert pets.request_body.schema["properties"] == {"id": {"type": "integer"}}
    assert pets.responses[0].schema is not None and pets.responses[0].content_type == "application/json"
    assert pets.security == ("basic",)
    assert upload.request_body is not None and upload.request_body.content_type == "multipart/form-data"
    assert upload.request_body.schema == {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": ["string", "null"]}},
        "required": ["file"],
    }
    assert upload.responses[0].schema is None
    assert [(s.kind, s.token_url) for s in model.security_schemes] == [
        ("http_basic", None),
        ("oauth2_password", "/token"),
    ]


def test_oauth2_password_flow_in_openapi3() -> None:
    flows: JsonObject = {"password": {"tokenUrl": "api/v1/auth/login", "scopes": {}}}
    doc = _oas({}, components={"securitySchemes": {"o": {"type": "oauth2", "flows": flows}}})
    (scheme,) = build_api_model(doc).security_schemes
    assert scheme.kind == "oauth2_password" and scheme.token_url == "api/v1/auth/login"


def test_schema_dialects_normalised() -> None:
    assert normalize_schema({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert normalize_schema({"type": ["null", "integer"]}) == {"type": ["integer", "null"]}
    assert normalize_schema({"type": ["integer"]}) == {"type": "integer"}
    assert normalize_schema({"allOf": [{"type": "string"}], "nullable": True}) == {
        "anyOf": [{"allOf": [{"type": "string"}]}, {"type": "null"}]
    }
    assert normalize_schema({"type": "number", "minimum": 1, "exclusiveMinimum": True}) == {
        "type": "number",
        "exclusiveMinimum": 1,
    }
    nested = normalize_schema({"properties": {"a": {"type": "string", "nullable": True, "enum": ["x"]}}})
    assert nested == {"properties": {"a": {"type": ["string", "null"], "enum": ["x", None]}}}
    assert normalize_schema({"type": "string", "nullable": False}) == {"type": "string"}


def test_parameter_response_and_body_refs_are_followed() -> None:
    doc = _oas(
        {
            "/items/{id}": {
                "put": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "requestBody": {"$ref": "#/components/requestBodies/Item"},
                    "responses": {"200": {"$ref": "#/components/responses/Item"}},
                }
            }
        },
        components={
            "parameters": {
                "Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            },
            "schemas": {"Item": {"type": "object", "properties": {"id": {"type": "integer"}}}},
            "requestBodies": {
                "Item": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
            },
            "responses": {
                "Item": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                }
            },
        },
    )
    op = build_api_model(doc).operations[0]
    assert op.param("id", "path") is not None
    assert op.request_body is not None and op.request_body.schema["x-assay-schema"] == "Item"
    assert op.responses[0].schema is not None and op.responses[0].schema["properties"] == {
        "id": {"type": "integer"}
    }
