"""The third-party targets start offline on 127.0.0.1 and serve the specs our tests rely on."""

from __future__ import annotations

import httpx
import pytest
from tests.apps.servers import Target

pytestmark = pytest.mark.integration


def test_httpbin_serves_swagger_2(httpbin_server: Target) -> None:
    spec = httpx.get(httpbin_server.spec_url).json()
    assert spec["swagger"] == "2.0"
    assert "/status/{codes}" in spec["paths"]
    assert httpx.get(f"{httpbin_server.base_url}/status/418").status_code == 418


def test_openapi31_app_serves_31_and_a_real_resource(openapi31_server: Target) -> None:
    spec = httpx.get(openapi31_server.spec_url).json()
    assert spec["openapi"].startswith("3.1")
    assert {"get", "put", "delete"} <= set(spec["paths"]["/todos/{todo_id}"])
    with httpx.Client(base_url=openapi31_server.base_url) as client:
        created = client.post("/todos", json={"title": "write tests"})
        assert created.status_code == 201
        url = f"/todos/{created.json()['id']}"
        assert client.get(url).json()["title"] == "write tests"
        assert client.delete(url).status_code == 200
        assert client.get(url).status_code == 404


def test_servers_count_requests(httpbin_server: Target, openapi31_server: Target) -> None:
    for target in (httpbin_server, openapi31_server):
        before = target.server.requests_served
        httpx.get(target.spec_url)
        assert target.server.requests_served == before + 1
