"""Building RequestSpecs for an operation: path parameters from fixtures, query, headers, body."""

from __future__ import annotations

from typing import Literal

from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import AuthMode, Intent, RequestSpec
from assay.requirements import naming
from assay.requirements.datagen import value_for
from assay.requirements.refs import body_references, recipe_for_param

# Headers the executor sets itself; a spec that lists them as parameters must not override it.
_MANAGED_HEADERS = frozenset({"authorization", "content-type", "accept", "cookie", "content-length"})
PathVariant = Literal["as_is", "add_slash", "strip_slash"]


def is_json_body(content_type: str) -> bool:
    return "json" in content_type.lower()


def is_form_body(content_type: str) -> bool:
    return "x-www-form-urlencoded" in content_type.lower()


def is_generated_body(op: Operation) -> bool:
    """Bodies we can write: JSON and url-encoded forms (multipart uploads are out of scope)."""
    return (
        op.request_body is None
        or is_json_body(op.request_body.content_type)
        or is_form_body(op.request_body.content_type)
    )


def path_params_for(api: ApiModel, names: set[str], op: Operation) -> dict[str, Json]:
    """Each path parameter that refers to a recipe, as that recipe's saved id placeholder."""
    out: dict[str, Json] = {}
    for param in naming.param_names(op.path):
        recipe = recipe_for_param(api, names, op, param)
        if recipe is not None:
            out[param] = f"${{{recipe}.id}}"
    return out


def needed_recipes(api: ApiModel, names: set[str], op: Operation) -> list[str]:
    found = [recipe_for_param(api, names, op, p) for p in naming.param_names(op.path)]
    found += list(body_references(api, names, op).values())
    return list(dict.fromkeys(r for r in found if r))


def unresolved_params(api: ApiModel, names: set[str], op: Operation) -> list[str]:
    resolved = path_params_for(api, names, op)
    return [p for p in naming.param_names(op.path) if p not in resolved]


def query_for(op: Operation) -> dict[str, Json]:
    """Required query parameters only: optional ones change what is tested without saying why."""
    return {
        p.name: value_for(p.schema, p.name) for p in op.parameters if p.location == "query" and p.required
    }


def headers_for(op: Operation) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in op.parameters:
        if p.location == "header" and p.required and p.name.lower() not in _MANAGED_HEADERS:
            value = value_for(p.schema, p.name)
            out[p.name] = value if isinstance(value, str) else str(value)
    return out


def request_for(
    op: Operation,
    path_params: dict[str, Json],
    *,
    body: Json = None,
    query: dict[str, Json] | None = None,
    auth: AuthMode = "user",
    intent: Intent = "valid",
    path_variant: PathVariant = "as_is",
) -> RequestSpec:
    has_body = op.request_body is not None and body is not None
    content_type = op.request_body.content_type if op.request_body is not None else "application/json"
    return RequestSpec(
        operation=op.key,
        method=op.method,
        path=op.path,
        path_params=dict(path_params),
        query=query_for(op) if query is None else query,
        headers=headers_for(op),
        body=body if has_body else None,
        has_body=has_body,
        content_type=content_type,
        auth=auth,
        path_variant=path_variant,
        intent=intent,
    )
