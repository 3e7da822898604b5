"""Building RequestSpecs for an operation: path parameters from fixtures, query, headers, body."""

from __future__ import annotations

from typing import Literal

from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import AuthMode, Intent, RequestSpec
from assay.spec import naming
from assay.spec.datagen import value_for
from assay.spec.recipe_refs import body_references, recipe_for_param

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
        spec = op.param(param, "path")
        if recipe is not None:
            out[param] = f"${{{recipe}.id}}"
        elif not _names_an_object(param):
            # /bytes/{n}, /status/{codes}: a value, not a reference to something to create first.
            out[param] = value_for(spec.schema if spec else {}, param)
    return out


_ID_WORDS = ("id", "uuid", "guid", "slug", "pk")
_KNOWN_TYPES = {"string", "integer", "number", "boolean", "array", "object"}
_CONSTRAINTS = ("enum", "const", "format", "pattern", "example", "examples", "default", "minimum", "maximum")


def guessed_params(op: Operation, params: dict[str, Json]) -> list[str]:
    """Path values we made up with nothing in the spec to go on (no usable type, no constraint).

    A request built on a guess is not "spec-valid": a 400 for ``/status/sample-codes`` says
    nothing about drift, so such requests are sent as probes and judged only for crashes.
    """
    out: list[str] = []
    for name in params:
        spec = op.param(name, "path")
        schema = spec.schema if spec else {}
        kind = schema.get("type")
        typed = isinstance(kind, str) and kind in _KNOWN_TYPES and kind != "string"
        if not _names_an_object(name) and not typed and not any(c in schema for c in _CONSTRAINTS):
            out.append(name)
    return out


def _names_an_object(param: str) -> bool:
    """Whether a path parameter identifies a stored object (needs one we created)."""
    low = param.lower().replace("-", "_")
    return any(low == w or low.endswith("_" + w) or param.endswith(w.capitalize()) for w in _ID_WORDS) or (
        low.endswith("id") and len(low) > 2
    )


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
