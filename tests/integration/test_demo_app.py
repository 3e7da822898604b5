"""The demo target behaves as planted: each fault in PLANTED_FAULTS shows over HTTP, the rest is healthy.

If one of these fails, the demo drifted and assay's end-to-end expectations would be wrong.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from tests.apps.servers import Target

from assay.demo import PLANTED_FAULTS
from assay.demo.store import LOGIN_FAILURE_LIMIT

pytestmark = pytest.mark.integration

JsonDict = dict[str, object]


@pytest.fixture(scope="module")
def client(demo_server: Target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo_server.base_url, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def spec(client: httpx.Client) -> JsonDict:
    document: JsonDict = client.get("/openapi.json").json()
    return document


def _register(client: httpx.Client) -> tuple[str, str]:
    email = f"qa-{uuid.uuid4().hex[:10]}@example.com"
    response = client.post("/api/v1/auth/register", json={"email": email, "password": "correct-horse"})
    assert response.status_code == 200, response.text
    return email, "correct-horse"


def _auth(client: httpx.Client) -> dict[str, str]:
    email, password = _register(client)
    response = client.post("/api/v1/auth/login", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def auth(client: httpx.Client) -> dict[str, str]:
    return _auth(client)


def _operation(spec: JsonDict, method: str, path: str) -> JsonDict:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    operation: JsonDict = paths[path][method.lower()]
    return operation


def _schema(spec: JsonDict, name: str) -> JsonDict:
    components = spec["components"]
    assert isinstance(components, dict)
    schema: JsonDict = components["schemas"][name]
    return schema


def _kit_and_dataset(client: httpx.Client, auth: dict[str, str]) -> tuple[str, str]:
    dataset = client.post(
        "/api/v1/datasets/", json={"name": "sales", "records": [{"id": 1, "v": 2.5}]}, headers=auth
    )
    kit = client.post(
        "/api/v1/agent-kits/",
        json={"name": "kit", "config": {"primary_objective": "Answer questions"}},
        headers=auth,
    )
    assert (dataset.status_code, kit.status_code) == (201, 201), (dataset.text, kit.text)
    return dataset.json()["id"], kit.json()["id"]


# --- the spec and the pages -------------------------------------------------------------


UNLISTED = frozenset({"/debug"})


def test_spec_is_openapi_31_and_documents_every_planted_operation(spec: JsonDict) -> None:
    assert str(spec["openapi"]).startswith("3.1")
    for fault in PLANTED_FAULTS:
        if fault.path not in UNLISTED:  # found by probing the site, not from the spec
            _operation(spec, fault.method, fault.path)
    assert len({fault.key for fault in PLANTED_FAULTS}) == len(PLANTED_FAULTS)


def test_docs_page_points_at_the_spec_and_loads_nothing_external(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert 'href="/openapi.json"' in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert client.get("/").status_code == 200


def test_every_operation_has_an_operation_id_and_login_is_the_token_url(spec: JsonDict) -> None:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids)) >= 20
    schemes = spec["components"]["securitySchemes"]  # type: ignore[index]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/login"


# --- planted faults ---------------------------------------------------------------------


def test_register_answers_200_where_the_spec_documents_201(client: httpx.Client, spec: JsonDict) -> None:
    responses = _operation(spec, "POST", "/api/v1/auth/register")["responses"]
    assert isinstance(responses, dict)
    assert "201" in responses and "200" not in responses
    email, _ = _register(client)
    again = client.post("/api/v1/auth/register", json={"email": email, "password": "another-pass"})
    assert again.status_code == 409


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_projects_collection_without_slash_redirects(
    client: httpx.Client, auth: dict[str, str], method: str
) -> None:
    response = client.request(method, "/api/v1/projects", headers=auth, json={"name": "p"})
    assert response.status_code == 307
    assert response.headers["location"].endswith("/api/v1/projects/")


@pytest.mark.parametrize("collection", ["datasets", "agent-kits", "chat/sessions"])
def test_other_collections_answer_without_slash(
    client: httpx.Client, auth: dict[str, str], collection: str
) -> None:
    assert client.get(f"/api/v1/{collection}", headers=auth).status_code == 200


def test_agent_kit_requires_primary_objective_the_spec_calls_optional(
    client: httpx.Client, auth: dict[str, str], spec: JsonDict
) -> None:
    config_schema = _schema(spec, "AgentKitConfig")
    assert "primary_objective" in config_schema["properties"]  # type: ignore[operator]
    assert "primary_objective" not in config_schema.get("required", [])  # type: ignore[operator]
    response = client.post("/api/v1/agent-kits/", json={"name": "kit", "config": {}}, headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "config", "primary_objective"]


def test_every_valid_chat_message_answers_500(client: httpx.Client, auth: dict[str, str]) -> None:
    dataset_id, kit_id = _kit_and_dataset(client, auth)
    session = client.post(
        "/api/v1/chat/sessions/", json={"dataset_id": dataset_id, "agent_kit_id": kit_id}, headers=auth
    )
    assert session.status_code == 201
    url = f"/api/v1/chat/sessions/{session.json()['id']}/messages"
    for content in ("Hello", "What were sales in March?"):
        failed = client.post(url, json={"content": content}, headers=auth)
        assert failed.status_code == 500
        assert failed.json() == {"detail": "Internal Server Error"}  # no stack trace leaks
    assert client.post(url, json={"content": ""}, headers=auth).status_code == 422
    missing = f"/api/v1/chat/sessions/{uuid.uuid4()}/messages"
    assert client.post(missing, json={"content": "Hi"}, headers=auth).status_code == 404


def test_public_metrics_is_documented_but_not_implemented(client: httpx.Client, spec: JsonDict) -> None:
    operation = _operation(spec, "GET", "/api/v1/analytics/public/metrics")
    assert "security" not in operation
    assert client.get("/api/v1/analytics/public/metrics").status_code == 404


def test_analytics_summary_lacks_a_required_field(
    client: httpx.Client, auth: dict[str, str], spec: JsonDict
) -> None:
    assert "generated_at" in _schema(spec, "AnalyticsSummary")["required"]  # type: ignore[operator]
    body = client.get("/api/v1/analytics/summary", headers=auth).json()
    assert "generated_at" not in body
    assert {"projects", "datasets", "agent_kits", "chat_sessions"} <= set(body)


def test_dataset_preview_is_documented_with_a_placeholder_schema(
    client: httpx.Client, auth: dict[str, str], spec: JsonDict
) -> None:
    responses = _operation(spec, "GET", "/api/v1/datasets/{dataset_id}/preview")["responses"]
    ref = responses["200"]["content"]["application/json"]["schema"]["$ref"]  # type: ignore[index]
    assert ref == "#/components/schemas/TODOSchema"
    assert _schema(spec, "TODOSchema")["properties"] == {}
    dataset_id, _ = _kit_and_dataset(client, auth)
    preview = client.get(f"/api/v1/datasets/{dataset_id}/preview", headers=auth)
    assert preview.status_code == 200
    assert preview.json() == {"columns": ["id", "v"], "rows": [{"id": 1, "v": 2.5}]}


# --- healthy behaviour (a finding here would be a false positive) -------------------------


def test_every_secured_operation_answers_401_without_a_token(client: httpx.Client, spec: JsonDict) -> None:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    planted = {(f.method.lower(), f.path) for f in PLANTED_FAULTS if f.category == "missing_authentication"}
    secured = [(m, p) for p, item in paths.items() for m, op in item.items() if op.get("security")]
    assert len(secured) >= 15
    for method, path in [s for s in secured if s not in planted]:
        concrete = path.replace("{", "").replace("}", "")
        for name in (
            "project_id",
            "dataset_id",
            "agent_kit_id",
            "session_id",
            "note_id",
            "member_id",
            "tag_id",
        ):
            concrete = concrete.replace(name, str(uuid.uuid4()))
        response = client.request(method.upper(), concrete, headers={"Authorization": "Bearer forged"})
        assert response.status_code == 401, (method, path)
        assert client.request(method.upper(), concrete).status_code == 401, (method, path)


def test_public_operations_need_no_token(client: httpx.Client) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/api/v1/users/me").status_code == 401


def test_login_errors_do_not_tell_users_apart_and_failures_are_limited(client: httpx.Client) -> None:
    email, _ = _register(client)
    wrong = client.post("/api/v1/auth/login", data={"username": email, "password": "nope-nope"})
    unknown = client.post("/api/v1/auth/login", data={"username": "ghost@example.com", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert client.post("/api/v1/auth/login", data={"username": email}).status_code == 422
    assert client.post("/api/v1/auth/login", json={"username": email, "password": "x"}).status_code == 422
    statuses = [
        client.post("/api/v1/auth/login", data={"username": email, "password": "bad"}).status_code
        for _ in range(LOGIN_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429 and 401 in statuses


def test_me_returns_the_user_without_secrets(client: httpx.Client, auth: dict[str, str]) -> None:
    me = client.get("/api/v1/users/me", headers=auth)
    assert me.status_code == 200
    assert set(me.json()) == {"id", "email", "full_name", "created_at"}
    assert "server" not in me.headers and "x-powered-by" not in me.headers


def test_project_crud_is_healthy(client: httpx.Client, auth: dict[str, str]) -> None:
    created = client.post("/api/v1/projects/", json={"name": "Apollo", "owner_id": "x"}, headers=auth)
    assert created.status_code == 201
    project = created.json()
    assert "owner_id" not in project
    url = f"/api/v1/projects/{project['id']}"
    assert client.get(url, headers=auth).json() == project
    updated = client.put(url, json={"name": "Artemis", "description": "moon"}, headers=auth)
    assert updated.status_code == 200
    assert client.get(url, headers=auth).json()["description"] == "moon"
    assert client.put(url, json={"name": ""}, headers=auth).status_code == 422
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404
    assert client.delete(url, headers=auth).status_code == 404
    assert client.get("/api/v1/projects/not-a-uuid", headers=auth).status_code == 422


def test_objects_are_private_to_their_owner(client: httpx.Client, auth: dict[str, str]) -> None:
    project = client.post("/api/v1/projects/", json={"name": "Mine"}, headers=auth).json()
    other = _auth(client)
    url = f"/api/v1/projects/{project['id']}"
    assert client.get(url, headers=other).status_code == 404
    assert client.put(url, json={"name": "Theirs"}, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(url, headers=auth).json()["name"] == "Mine"


def test_lists_paginate_within_bounds(client: httpx.Client) -> None:
    headers = _auth(client)
    for index in range(3):
        client.post("/api/v1/projects/", json={"name": f"p{index}"}, headers=headers)
    page = client.get("/api/v1/projects/", params={"limit": 2, "offset": 1}, headers=headers).json()
    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 3, 2, 1)
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
        assert client.get("/api/v1/projects/", params=params, headers=headers).status_code == 422


def test_chat_session_needs_an_existing_dataset_and_agent_kit(
    client: httpx.Client, auth: dict[str, str]
) -> None:
    dataset_id, kit_id = _kit_and_dataset(client, auth)
    sessions = "/api/v1/chat/sessions/"
    no_kit = {"dataset_id": dataset_id, "agent_kit_id": str(uuid.uuid4())}
    assert client.post(sessions, json=no_kit, headers=auth).status_code == 404
    assert client.post(sessions, json={"dataset_id": dataset_id}, headers=auth).status_code == 422
    created = client.post(sessions, json={"dataset_id": dataset_id, "agent_kit_id": kit_id}, headers=auth)
    assert client.get(f"{sessions}{created.json()['id']}", headers=auth).status_code == 200


def test_dataset_validation(client: httpx.Client, auth: dict[str, str]) -> None:
    datasets = "/api/v1/datasets/"
    assert client.post(datasets, json={"name": "empty", "records": []}, headers=auth).status_code == 422
    created = client.post(datasets, json={"name": "d", "records": [{"a": 1}, {"b": "x"}]}, headers=auth)
    assert created.status_code == 201
    assert created.json()["record_count"] == 2 and created.json()["columns"] == ["a", "b"]
    assert client.get(f"{datasets}{created.json()['id']}", headers=auth).status_code == 200


def test_unknown_paths_and_methods(client: httpx.Client, auth: dict[str, str]) -> None:
    assert client.get("/api/v1/nothing-here", headers=auth).status_code == 404
    not_allowed = client.options("/api/v1/projects/", headers=auth)
    assert (not_allowed.status_code, not_allowed.headers["allow"]) == (405, "GET, POST")
    item = client.patch(f"/api/v1/projects/{uuid.uuid4()}", headers=auth)
    assert (item.status_code, item.headers["allow"]) == (405, "DELETE, GET, PUT")
    assert client.get(f"/api/v1/projects/{uuid.uuid4()}/", headers=auth).status_code == 404


def test_the_server_counts_requests(demo_server: Target, client: httpx.Client) -> None:
    before = demo_server.server.requests_served
    client.get("/api/v1/health")
    assert demo_server.server.requests_served >= before + 1
