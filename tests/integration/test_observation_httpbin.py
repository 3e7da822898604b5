"""Observation against httpbin (Flask, served by werkzeug) and other third-party targets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from tests.apps.servers import Target as Served

from assay.adapters.http import HttpxTransport
from assay.agents.observation.agent import observe
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target

pytestmark = pytest.mark.integration

HAS_FLASGGER = importlib.util.find_spec("flasgger") is not None


@pytest.mark.skipif(not HAS_FLASGGER, reason="httpbin serves /spec.json only with flasgger installed")
async def test_httpbin_swagger2_spec_is_discovered(httpbin_server: Served) -> None:
    target = Target(httpbin_server.base_url)
    async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
        obs = await observe(target, transport)
    assert obs.spec_location == httpbin_server.spec_url
    assert obs.api is not None and obs.api.spec_version == "2.0"
    assert obs.api.operation("GET /get") is not None
    assert obs.kind == "both"  # httpbin's / is an HTML page too


@pytest.mark.skipif(HAS_FLASGGER, reason="with flasgger installed httpbin has a spec")
async def test_httpbin_without_spec_is_a_web_observation(httpbin_server: Served) -> None:
    target = Target(httpbin_server.base_url)
    httpbin_server.server.reset_request_count()
    async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
        obs = await observe(target, transport)
    assert obs.api is None and obs.kind in {"web", "both"}
    assert any("HTML page" in note for note in obs.notes)
    assert any(
        line.startswith(f"GET {httpbin_server.base_url}/spec.json -> 404") for line in obs.discovery_log
    )
    # every request is accounted for, and the probing stayed within its small budget
    assert obs.requests_sent == httpbin_server.server.requests_served <= 60 + 14


async def test_httpbin_swagger2_spec_given_as_file(httpbin_server: Served, tmp_path: Path) -> None:
    """A Swagger 2.0 document shaped like httpbin's, given with --spec, over the real server."""
    spec = tmp_path / "httpbin.yaml"
    spec.write_text(HTTPBIN_LIKE)
    target = Target(httpbin_server.base_url, spec_location=str(spec))
    async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
        obs = await observe(target, transport)
    assert (
        obs.api is not None and obs.api.spec_version == "2.0" and obs.requests_sent == 1
    )  # the reachability check
    post = obs.api.operation("POST /post")
    assert post is not None and post.request_body is not None
    assert post.request_body.content_type == "application/x-www-form-urlencoded"
    assert obs.api.auth.kind == "basic" and obs.api.auth.scheme == "basic"
    assert {i.kind for i in obs.api.spec_issues} >= {"missing_schema"}


@pytest.mark.skipif(
    importlib.util.find_spec("fastapi_todo_list") is None, reason="todolist-fastapi not installed"
)
async def test_third_party_fastapi_app(openapi31_server: Served) -> None:
    target = Target(openapi31_server.base_url)
    async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
        obs = await observe(target, transport)
    assert obs.spec_location == openapi31_server.spec_url
    assert obs.api is not None and obs.api.spec_version.startswith("3.1") and obs.api.operations


HTTPBIN_LIKE = """
swagger: "2.0"
info: {title: httpbin.org, version: 0.9.2}
basePath: /
consumes: [application/x-www-form-urlencoded, application/json]
produces: [application/json]
securityDefinitions:
  basic: {type: basic}
paths:
  /get:
    get:
      operationId: get
      responses:
        "200": {description: The request's query parameters.}
  /post:
    post:
      operationId: post
      parameters:
        - {in: formData, name: comment, type: string}
      responses:
        "200": {description: The request's POST parameters.}
  /basic-auth/{user}/{passwd}:
    get:
      operationId: basic_auth
      security: [{basic: []}]
      parameters:
        - {in: path, name: user, type: string, required: true}
        - {in: path, name: passwd, type: string, required: true}
      responses:
        "200": {description: Sucessful authentication.}
        "401": {description: Unsuccessful authentication.}
"""
