"""Which recipe a parameter or body field refers to (``project_id`` -> the ``project`` recipe)."""

from __future__ import annotations

import re

from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.spec import naming
from assay.spec.datagen import properties, required_names, resolve


def body_schema(op: Operation) -> JsonObject:
    return op.request_body.schema if op.request_body is not None else {}


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def recipe_for_param(api: ApiModel, names: set[str], op: Operation, param: str) -> str | None:
    """The recipe whose object a path or body parameter refers to (``project_id`` -> project)."""
    for dep in api.producers_of(op.key):
        if dep.parameter == param and norm(dep.resource) in names:
            return norm(dep.resource)
    base = re.sub(r"(_id|Id|_uuid|Uuid|id)$", "", param)
    candidates = [norm(base), norm(naming.singular(base))] if base else []
    parts = naming.segments(op.path)
    marker = "{" + param + "}"
    if marker in parts:
        before = naming.without_versions(parts[: parts.index(marker)])  # /users/v2/{username}: users
        if before:
            candidates.append(norm(naming.singular(before[-1])))
    return next((c for c in candidates if c in names), None)


def body_references(api: ApiModel, names: set[str], op: Operation) -> dict[str, str]:
    """Body field -> recipe, for required id fields (or ones the dependency graph names)."""
    schema = resolve(body_schema(op))
    declared = {d.parameter for d in api.producers_of(op.key) if d.location == "body"}
    wanted = set(required_names(schema)) | declared
    refs: dict[str, str] = {}
    for prop in properties(schema):
        if prop in wanted and re.search(r"(_id|Id|_uuid)$", prop):
            recipe = recipe_for_param(api, names, op, prop)
            if recipe is not None:
                refs[prop] = recipe
    return refs
