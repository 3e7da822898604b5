"""OpenAPI 3.0/3.1 and Swagger 2.0 documents (with ``$ref``s inlined) -> domain operations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.domain.operations import (
    HttpMethod,
    Operation,
    Parameter,
    ParamLocation,
    RequestBody,
    ResponseSpec,
)
from assay.spec.schema import normalize_schema
from assay.spec.security import operation_security

METHODS: dict[str, HttpMethod] = {
    "get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE",
    "options": "OPTIONS", "head": "HEAD", "patch": "PATCH", "trace": "TRACE",
}  # fmt: skip
_LOCATIONS: dict[str, ParamLocation] = {
    "path": "path",
    "query": "query",
    "header": "header",
    "cookie": "cookie",
}
_FORM = ("application/x-www-form-urlencoded", "multipart/form-data")
# Swagger 2 keeps a parameter's schema keywords on the parameter itself.
_SWAGGER_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf", "x-nullable",
)  # fmt: skip


@dataclass(frozen=True)
class _Context:
    swagger2: bool
    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    global_security: Json


def normalize_operations(document: JsonObject) -> tuple[Operation, ...]:
    """Every operation of a resolved document, in document order."""
    swagger2 = "swagger" in document
    ctx = _Context(
        swagger2=swagger2,
        consumes=_strings(document.get("consumes")),
        produces=_strings(document.get("produces")),
        global_security=document.get("security"),
    )
    operations: list[Operation] = []
    for path, item in as_object(document.get("paths")).items():
        if not isinstance(item, dict):
            continue
        shared = _parameters(as_list(item.get("parameters")), ctx)
        for method_name, raw in item.items():
            method = METHODS.get(method_name.lower())
            if method is not None and isinstance(raw, dict):
                operations.append(_operation(method, path, raw, shared, ctx))
    return tuple(operations)


def base_path_of(document: JsonObject) -> str:
    """The path prefix operations live under: servers[0] (3.x) or basePath (2.0); "" for none."""
    if "swagger" in document:
        return _clean_prefix(as_str(document.get("basePath")))
    servers = as_list(document.get("servers"))
    first = as_object(servers[0]) if servers else {}
    url = _expand_server_variables(as_str(first.get("url")), as_object(first.get("variables")))
    if "://" in url:
        # Split by hand: an unknown scheme variable leaves "://host/..." that urlsplit misreads.
        rest = url.split("://", 1)[1]
        url = "/" + rest.split("/", 1)[1] if "/" in rest else ""
    return _clean_prefix(url.split("?")[0])


def _expand_server_variables(url: str, variables: JsonObject) -> str:
    def default(match: re.Match[str]) -> str:
        return as_str(as_object(variables.get(match.group(1))).get("default"))

    return re.sub(r"\{([^}]+)\}", default, url)


def _clean_prefix(path: str) -> str:
    path = path.strip()
    if not path or path == "/":
        return ""
    return "/" + path.strip("/")


def _operation(
    method: HttpMethod, path: str, raw: JsonObject, shared: list[Parameter], ctx: _Context
) -> Operation:
    raw_params = as_list(raw.get("parameters"))
    own = _parameters(raw_params, ctx)
    own_keys = {(p.name, p.location) for p in own}
    merged = [p for p in shared if (p.name, p.location) not in own_keys] + own
    if ctx.swagger2:
        body = _swagger_body(raw_params, raw, ctx)
    else:
        body = _request_body(as_object(raw.get("requestBody")))
    return Operation(
        method=method,
        path=path,
        operation_id=as_str(raw.get("operationId")) or None,
        summary=as_str(raw.get("summary")) or as_str(raw.get("description"))[:200],
        tags=_strings(raw.get("tags")),
        parameters=tuple(merged),
        request_body=body,
        responses=_responses(as_object(raw.get("responses")), raw, ctx),
        security=operation_security(raw.get("security", ctx.global_security)),
        deprecated=raw.get("deprecated") is True,
        description=as_str(raw.get("description"))[:2000],
    )


def _parameters(raw: list[Json], ctx: _Context) -> list[Parameter]:
    params: list[Parameter] = []
    for item in raw:
        p = as_object(item)
        location = _LOCATIONS.get(as_str(p.get("in")))
        name = as_str(p.get("name"))
        if location is None or not name:
            continue  # Swagger 2 body/formData become the request body instead
        params.append(
            Parameter(
                name=name,
                location=location,
                required=location == "path" or p.get("required") is True,
                schema=_param_schema(p, ctx),
                description=as_str(p.get("description")),
            )
        )
    return params


def _param_schema(param: JsonObject, ctx: _Context) -> JsonObject:
    if ctx.swagger2:
        return normalize_schema({k: v for k, v in param.items() if k in _SWAGGER_SCHEMA_KEYS})
    if "schema" in param:
        return normalize_schema(param["schema"])
    content = as_object(param.get("content"))
    for media in content.values():
        return normalize_schema(as_object(media).get("schema"))
    return {}


def pick_media_type(types: tuple[str, ...]) -> str | None:
    """JSON first (``application/json`` then any ``+json``), then forms, then whatever is first."""
    lowered = [t.lower() for t in types]
    for wanted in ("application/json",):
        for original, low in zip(types, lowered, strict=True):
            if low.split(";")[0].strip() == wanted:
                return original
    for original, low in zip(types, lowered, strict=True):
        if low.split(";")[0].strip().endswith("+json") or "json" in low:
            return original
    for form in _FORM:
        for original, low in zip(types, lowered, strict=True):
            if low.startswith(form):
                return original
    return types[0] if types else None


def _request_body(raw: JsonObject) -> RequestBody | None:
    content = as_object(raw.get("content"))
    chosen = pick_media_type(tuple(content))
    if chosen is None:
        return None
    schema = normalize_schema(as_object(content[chosen]).get("schema"))
    return RequestBody(content_type=chosen, schema=schema, required=raw.get("required") is True)


def _swagger_body(raw_params: list[Json], raw: JsonObject, ctx: _Context) -> RequestBody | None:
    consumes = _strings(raw.get("consumes")) or ctx.consumes
    params = [as_object(p) for p in raw_params]
    for p in params:
        if p.get("in") == "body":
            content_type = pick_media_type(consumes) or "application/json"
            body_schema = normalize_schema(p.get("schema"))
            return RequestBody(content_type, body_schema, required=p.get("required") is True)
    form = [p for p in params if p.get("in") == "formData" and as_str(p.get("name"))]
    if not form:
        return None
    has_file = any(p.get("type") == "file" for p in form)
    declared = [c for c in consumes if c.lower().startswith(_FORM)]
    content_type = "multipart/form-data" if has_file else (declared[0] if declared else _FORM[0])
    properties: JsonObject = {as_str(p.get("name")): _param_schema(p, ctx) for p in form}
    required: list[Json] = [as_str(p.get("name")) for p in form if p.get("required") is True]
    schema: JsonObject = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return RequestBody(content_type=content_type, schema=schema, required=bool(required))


def _responses(raw: JsonObject, op: JsonObject, ctx: _Context) -> tuple[ResponseSpec, ...]:
    produces = _strings(op.get("produces")) or ctx.produces
    out: list[ResponseSpec] = []
    for status, value in raw.items():
        response = as_object(value)
        description = as_str(response.get("description"))
        headers = tuple(as_object(response.get("headers")))
        if ctx.swagger2:
            has_schema = "schema" in response
            out.append(
                ResponseSpec(
                    status=str(status).upper() if status != "default" else "default",
                    description=description,
                    content_type=(pick_media_type(produces) or "application/json") if has_schema else None,
                    schema=normalize_schema(response["schema"]) if has_schema else None,
                    headers=headers,
                )
            )
            continue
        content = as_object(response.get("content"))
        chosen = pick_media_type(tuple(content))
        media = as_object(content.get(chosen)) if chosen else {}
        out.append(
            ResponseSpec(
                status=str(status).upper() if status != "default" else "default",
                description=description,
                content_type=chosen,
                schema=normalize_schema(media["schema"]) if "schema" in media else None,
                headers=headers,
            )
        )
    return tuple(out)


def _strings(value: Json) -> tuple[str, ...]:
    return tuple(v for v in as_list(value) if isinstance(v, str))
