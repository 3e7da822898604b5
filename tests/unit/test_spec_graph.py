"""The dependency graph: right producers for ids, and no edges that are not there."""

from __future__ import annotations

from assay.domain.json import JsonObject
from assay.domain.operations import Dependency, Operation, Parameter, RequestBody, ResponseSpec
from assay.spec.graph import build_dependencies
from assay.spec.names import collection_keys, id_field_resource, resource_key, schema_resource
from assay.spec.refs import SCHEMA_NAME

UUID: JsonObject = {"type": "string", "format": "uuid"}
WITH_ID: JsonObject = {"type": "object", "properties": {"id": UUID, "name": {"type": "string"}}}


def _post(path: str, response: JsonObject | None = WITH_ID, body: JsonObject | None = None) -> Operation:
    request = RequestBody("application/json", body) if body is not None else None
    return Operation("POST", path, request_body=request, responses=(ResponseSpec("201", schema=response),))


def _get(path: str) -> Operation:
    return Operation("GET", path, responses=(ResponseSpec("200", schema=WITH_ID),))


def _body(**props: JsonObject) -> JsonObject:
    return {"type": "object", "properties": dict(props)}


def _edges(*ops: Operation) -> set[tuple[str, str, str, str]]:
    return {(d.consumer, d.parameter, d.producer, d.source_field) for d in build_dependencies(ops)}


def test_names_match_across_styles() -> None:
    assert id_field_resource("agent_kit_id") == resource_key("agent-kits") == "agent_kit"
    assert id_field_resource("datasetId") == resource_key("datasets") == "dataset"
    assert id_field_resource("categoryUuid") == resource_key("categories") == "category"
    assert schema_resource("AgentKitOut") == schema_resource("agent_kit_response") == "agent_kit"
    assert resource_key("statuses") == "status" and resource_key("analysis") == "analysis"
    assert collection_keys("/api/v1/chat/sessions/") == ("session", "chat_session")
    assert collection_keys("/items/{id}") == ()
    assert id_field_resource("id") is None and id_field_resource("valid") is None


def test_path_param_produced_by_parent_collection_post() -> None:
    edges = _edges(_post("/projects/"), _get("/projects/{id}"), _get("/projects/{project_id}/tasks/{id}"),
                   _post("/projects/{project_id}/tasks"))  # fmt: skip
    assert edges == {
        ("GET /projects/{id}", "id", "POST /projects/", "id"),
        ("GET /projects/{project_id}/tasks/{id}", "project_id", "POST /projects/", "id"),
        ("GET /projects/{project_id}/tasks/{id}", "id", "POST /projects/{project_id}/tasks", "id"),
        ("POST /projects/{project_id}/tasks", "project_id", "POST /projects/", "id"),
    }


def test_body_ids_match_snake_kebab_and_camel_collections() -> None:
    session = _post("/chat/sessions", body=_body(dataset_id=UUID, agentKitId=UUID, title={"type": "string"}))
    edges = _edges(_post("/datasets/"), _post("/agent-kits"), session)
    assert edges == {
        ("POST /chat/sessions", "dataset_id", "POST /datasets/", "id"),
        ("POST /chat/sessions", "agentKitId", "POST /agent-kits", "id"),
    }
    dep = build_dependencies((_post("/agent_kits/"), session))[0]
    assert dep == Dependency(
        "POST /chat/sessions", "POST /agent_kits/", "agentKitId", "body", "id", "agent_kit"
    )


def test_schema_name_finds_a_create_that_is_not_a_collection_post() -> None:
    dataset: JsonObject = {**WITH_ID, SCHEMA_NAME: "DatasetOut"}
    edges = _edges(_post("/datasets/ingest", dataset), _post("/sessions", body=_body(dataset_id=UUID)))
    assert edges == {("POST /sessions", "dataset_id", "POST /datasets/ingest", "id")}


def test_source_field_may_be_uuid_named_or_nested() -> None:
    named: JsonObject = {"properties": {"dataset_id": UUID}}
    wrapped: JsonObject = {"properties": {"data": {"type": "object", "properties": {"id": UUID}}}}
    assert _edges(_post("/datasets", named), _get("/datasets/{id}")) == {
        ("GET /datasets/{id}", "id", "POST /datasets", "dataset_id")
    }
    assert _edges(_post("/datasets", wrapped), _get("/datasets/{id}")) == {
        ("GET /datasets/{id}", "id", "POST /datasets", "data.id")
    }


def test_untyped_producer_counts_only_when_matched_by_path() -> None:
    untyped = _post("/items/", response={"type": "object"})
    assert _edges(untyped, _get("/items/{item_id}")) == {
        ("GET /items/{item_id}", "item_id", "POST /items/", "id")
    }
    # a typed response without any id is no producer
    no_id = _post("/items/", response={"properties": {"name": {"type": "string"}}})
    assert _edges(no_id, _get("/items/{item_id}")) == set()


def test_owner_alias_links_to_users_only_when_typed_like_an_id() -> None:
    users = _post("/users")
    assert _edges(users, _post("/docs", body=_body(owner=UUID))) == {
        ("POST /docs", "owner", "POST /users", "id")
    }
    assert _edges(users, _post("/docs", body=_body(owner={"type": "string"}))) == set()


def test_no_false_edges() -> None:
    ops = (
        _post("/pages"),
        _post("/tenants/", response=None),
        Operation("GET", "/pages/", parameters=()),
        _post("/auth/sessions", response={"properties": {"id": UUID, "token": {"type": "string"}}}),
        _post(
            "/reports",
            body=_body(
                page={"type": "integer"},  # pagination, not a page id
                tenant_id={"type": "boolean"},  # not id-typed
                session_id=UUID,  # only /auth/sessions would match: a login is no producer
                valid={"type": "string"},
                id=UUID,
            ),
        ),
        _post("/datasets/", body=_body(dataset_id=UUID)),  # would be its own producer
    )
    assert _edges(*ops) == set()


def test_non_id_path_param_needs_the_field_in_the_response() -> None:
    user: JsonObject = {"properties": {"username": {"type": "string"}, "id": UUID}}
    assert _edges(_post("/users", user), _get("/users/{username}")) == {
        ("GET /users/{username}", "username", "POST /users", "username")
    }
    assert _edges(_post("/files", WITH_ID), _get("/files/{filename}")) == set()


def test_query_params_and_id_lists() -> None:
    search = Operation(
        "GET", "/runs", parameters=(Parameter("agent_id", "query", schema={"type": "integer"}),)
    )
    bulk = _post("/bundles", body=_body(dataset_ids={"type": "array", "items": UUID}))
    edges = _edges(_post("/agents"), _post("/datasets"), search, bulk)
    assert edges == {
        ("GET /runs", "agent_id", "POST /agents", "id"),
        ("POST /bundles", "dataset_ids", "POST /datasets", "id"),
    }


def test_best_producer_prefers_parent_path_over_same_named_elsewhere() -> None:
    edges = _edges(_post("/admin/v2/items"), _post("/items"), _get("/items/{id}"))
    assert edges == {("GET /items/{id}", "id", "POST /items", "id")}
