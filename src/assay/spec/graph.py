"""Which operation hands out the ids (and names) that other operations consume.

A producer is a POST. It is matched to a consumer's parameter by, best first: being the parent
collection of a path parameter (``POST /projects`` for ``/projects/{id}``); its collection name
(``dataset_id`` ~ ``POST /datasets/``, ``agent_kit_id`` ~ ``POST /agent-kits``); its response
schema's name (``Dataset`` from ``POST /datasets/ingest``). An edge is only drawn when the
producer's response can carry the value (``id``, ``uuid``, ``<resource>_id``, ``data.id``), or when
the response is undocumented and the match is by path, since ``id`` is then the only sane guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assay.domain.json import JsonObject
from assay.domain.operations import Dependency, Operation
from assay.spec.names import (
    collection_keys,
    id_field_resource,
    id_list_resource,
    is_natural_key,
    resource_key,
    same_field,
    schema_resource,
    static_segments,
    without_versions,
    words,
)
from assay.spec.refs import SCHEMA_NAME
from assay.spec.schema import object_properties, schema_types

_PARAM = re.compile(r"\{([^}]+)\}")
_AUTH_WORDS = frozenset({"auth", "oauth", "login", "signin", "logout", "token", "tokens", "session"})
# Fields that name a user without saying "_id".
_USER_ALIASES = frozenset({"owner", "author", "creator", "assignee", "reviewer", "user"})
_ID_TYPES = frozenset({"string", "integer", "number"})


@dataclass(frozen=True)
class _Producer:
    op: Operation
    collection: tuple[str, ...]  # resource names its path answers to
    schema_key: str  # resource named by its response schema, "" when unnamed
    props: dict[str, JsonObject]  # properties of its success response
    typed: bool  # the success response documents properties at all
    sent: tuple[str, ...] = ()  # properties of its request body: a natural key it is given


@dataclass(frozen=True)
class _Match:
    producer: _Producer
    rank: int
    by_path: bool


def build_dependencies(operations: tuple[Operation, ...]) -> tuple[Dependency, ...]:
    """Every consumer parameter with the operation that produces its value."""
    producers = [_producer(op) for op in operations if op.method == "POST"]
    found: dict[tuple[str, str, str], Dependency] = {}
    for op in operations:
        for dep in [*_path_dependencies(op, producers), *_field_dependencies(op, producers)]:
            found.setdefault((dep.consumer, dep.location, dep.parameter), dep)
    return tuple(found.values())


def _producer(op: Operation) -> _Producer:
    schema = success_schema(op) or {}
    props = object_properties(schema)
    name = _schema_name(schema)
    auth_path = any(w in _AUTH_WORDS for seg in static_segments(op.path) for w in words(seg))
    return _Producer(
        op=op,
        collection=() if auth_path else collection_keys(op.path),
        schema_key=schema_resource(name) if name else "",
        props=props,
        typed=bool(props),
        sent=tuple(object_properties(op.request_body.schema)) if op.request_body is not None else (),
    )


def success_schema(op: Operation) -> JsonObject | None:
    """The schema of the first documented 2xx answer that has one (201 before 200)."""
    ordered = sorted(op.responses, key=lambda r: (r.status != "201", r.status))
    for response in ordered:
        if response.status.startswith("2") and response.schema is not None:
            return response.schema
    return None


def _schema_name(schema: JsonObject) -> str:
    for key in (SCHEMA_NAME, "title"):
        value = schema.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _path_dependencies(op: Operation, producers: list[_Producer]) -> list[Dependency]:
    deps: list[Dependency] = []
    for param in _PARAM.findall(op.path):
        prefix = op.path[: op.path.index("{" + param + "}")].rstrip("/")
        before = (without_versions(prefix.split("/")) or [""])[-1]  # /users/v2/{username}: users
        resource: str | None = resource_key(before) if before and "{" not in before else ""
        if not resource or _names_other(param, resource):
            resource = id_field_resource(param)
        if not resource:
            continue
        id_like = _is_id_param(op, param)
        match = _best(op, resource, producers, parent=_shape(prefix))
        field = _source_field(match, resource, param, id_like) if match else None
        if match and field:
            deps.append(Dependency(op.key, match.producer.op.key, param, "path", field, resource))
    return deps


def _names_other(param: str, resource: str) -> bool:
    """``/users/{dataset_id}``: the name says another resource than the segment before it."""
    named = id_field_resource(param)
    return named is not None and named != resource and not resource.endswith(named)


def _is_id_param(op: Operation, name: str) -> bool:
    param = op.param(name, "path")
    schema = param.schema if param else {}
    lowered = name.lower()
    if lowered in {"id", "uuid", "pk", "key"} or id_field_resource(name) is not None:
        return True
    return "integer" in schema_types(schema) or schema.get("format") == "uuid"


def _field_dependencies(op: Operation, producers: list[_Producer]) -> list[Dependency]:
    fields: list[tuple[str, JsonObject, Literal["query", "body"]]] = [
        (p.name, p.schema, "query") for p in op.parameters if p.location == "query"
    ]
    if op.request_body is not None:
        props = object_properties(op.request_body.schema)
        fields.extend((name, schema, "body") for name, schema in props.items())
    deps: list[Dependency] = []
    for name, schema, location in fields:
        resource = _field_resource(name, schema)
        match = _best(op, resource, producers, parent=None) if resource else None
        field = _source_field(match, resource or "", name, True) if match else None
        if match and field and resource:
            deps.append(Dependency(op.key, match.producer.op.key, name, location, field, resource))
    return deps


def _field_resource(name: str, schema: JsonObject) -> str | None:
    types = set(schema_types(schema))
    if types and not types & (_ID_TYPES | {"array"}):
        return None
    single = id_field_resource(name)
    if single is not None:
        return single if not types or types & _ID_TYPES else None
    many = id_list_resource(name)
    if many is not None:
        return many if "array" in types or not types else None
    # A plain name ("owner") counts only when typed like an id: a uuid, or an int for user aliases.
    lowered = name.lower()
    if schema.get("format") == "uuid":
        return "user" if lowered in _USER_ALIASES else resource_key(name)
    if lowered in _USER_ALIASES and types & {"integer"}:
        return "user"
    return None


def _shape(path: str) -> str:
    """A path with parameter names and the trailing slash erased, for comparing templates."""
    return _PARAM.sub("{}", path.rstrip("/"))


def _best(op: Operation, resource: str, producers: list[_Producer], parent: str | None) -> _Match | None:
    matches: list[_Match] = []
    for producer in producers:
        if producer.op.key == op.key:
            continue
        if parent is not None and _shape(producer.op.path) == parent:
            matches.append(_Match(producer, 0, True))
        elif resource in producer.collection:
            rank = 1 if producer.collection[0] == resource else 2
            matches.append(_Match(producer, rank, True))
        elif producer.schema_key == resource and producer.typed:
            matches.append(_Match(producer, 3, False))
    if not matches:
        return None
    return min(matches, key=lambda m: (m.rank, m.producer.op.path.count("{"), len(m.producer.op.path)))


def _source_field(match: _Match, resource: str, param: str, id_like: bool) -> str | None:
    props = match.producer.props
    if not id_like:
        return _natural_key_field(match, param)
    if not match.producer.typed:
        return "id" if match.by_path else None
    camel = "".join(w.capitalize() for w in resource.split("_"))
    candidates = ["id", "uuid", f"{resource}_id", camel[:1].lower() + camel[1:] + "Id", param, "pk", "_id"]
    for name in candidates:
        if name in props:
            return name
    envelope = props.get("data")
    if envelope is not None and "id" in object_properties(envelope):
        return "data.id"
    return None


def _natural_key_field(match: _Match, param: str) -> str | None:
    """``/users/{username}``: the producer's answer names it, or its request does (the key it was
    given; a create that answers 201 with no body still made the object under that name)."""
    if param in match.producer.props:
        return param
    if not match.by_path or not is_natural_key(param):
        return None
    return next((f for f in match.producer.sent if same_field(f, param)), None)
