"""The Observation agent end to end over a fake transport."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.fakes import FakeTransport, json_response, text_response

from assay.agents.observation.agent import observe
from assay.domain.errors import SpecParseError, TargetUnreachable
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import JsonObject, dig
from assay.domain.target import Target

SPEC: JsonObject = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "2"},
    "paths": {
        "/items/": {
            "post": {
                "operationId": "create",
                "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"id": {"type": "integer"}}}}}}},
            }
        },
        "/items/{id}": {"get": {"operationId": "get", "responses": {"200": {"description": "ok"}}}},
    },
}  # fmt: skip
NOT_FOUND = json_response(404, {"detail": "Not Found"})


def _serve(pages: dict[str, RecordedResponse]) -> FakeTransport:
    return FakeTransport(lambda request: pages.get(request.url, NOT_FOUND))


async def test_given_spec_file_wins_and_sends_nothing(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    transport = _serve({})
    seen: list[tuple[float, str, dict[str, int]]] = []
    obs = await observe(Target("http://h", spec_location=str(path)), transport, lambda *a: seen.append(a))
    assert obs.kind == "api" and obs.api is not None and obs.spec_location == str(path)
    assert [op.key for op in obs.api.operations] == ["POST /items/", "GET /items/{id}"]
    assert obs.api.dependencies[0].producer == "POST /items/"
    assert obs.requests_sent == 1 and obs.confidence == 0.95
    assert seen[0][0] == 0.0 and seen[-1][0] == 1.0 and seen[-1][2]["operations"] == 2
    assert obs.notes[0].startswith(f"spec given at {path} (OpenAPI 3.0.3): 2 operations, 1 dependencies")


async def test_a_given_spec_on_a_target_that_serves_html_is_both(tmp_path: Path) -> None:
    # Jupyter Server: the spec is given (behind a token), the base URL serves pages to crawl.
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    transport = _serve({"http://h": text_response(200, "<!doctype html><html><body>Hi</body></html>")})
    obs = await observe(Target("http://h", spec_location=str(path)), transport)
    assert obs.kind == "both" and obs.api is not None and obs.requests_sent == 1


async def test_discovered_spec_records_where_and_how_many_requests() -> None:
    transport = _serve({"http://h/openapi.json": json_response(200, SPEC)})
    obs = await observe(Target("http://h/"), transport)
    assert obs.spec_location == "http://h/openapi.json" and obs.api is not None
    assert obs.requests_sent == 3 and obs.confidence == 0.9
    assert obs.discovery_log[-1].endswith("(spec found: OpenAPI 3.0.3)")


async def test_html_page_without_spec_is_a_web_observation() -> None:
    transport = _serve({"http://h/": text_response(200, "<!doctype html><html><body>Shop</body></html>")})
    obs = await observe(Target("http://h/"), transport)
    assert obs.kind == "web" and obs.api is None and obs.probes == ()
    assert any("HTML page" in note for note in obs.notes)
    assert any(note.startswith("no OpenAPI or Swagger spec found") for note in obs.notes)
    assert obs.requests_sent == transport.requests_sent


async def test_no_spec_but_json_endpoints_are_probed() -> None:
    transport = _serve(
        {
            "http://h/health": json_response(200, {"ok": True}),
            "http://h/users": json_response(401, {"detail": "Not authenticated"}),
        }
    )
    obs = await observe(Target("http://h"), transport)
    assert obs.kind == "api" and obs.api is None
    assert [(p.path, p.status, p.content_type) for p in obs.probes] == [
        ("/health", 200, "application/json"),
        ("/users", 401, "application/json"),
    ]
    assert obs.confidence == 0.3
    assert any(line.startswith("probe GET http://h/health -> 200") for line in obs.discovery_log)


async def test_unreachable_target_raises() -> None:
    def down(request: RecordedRequest) -> RecordedResponse:
        raise TargetUnreachable("connection refused")

    with pytest.raises(TargetUnreachable):
        await observe(Target("http://h"), FakeTransport(down))


async def test_a_broken_given_spec_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("openapi: [unclosed")
    with pytest.raises(SpecParseError, match="line 1"):
        await observe(Target("http://h", spec_location=str(path)), _serve({}))


async def test_base_url_path_already_in_spec_paths_is_noted() -> None:
    spec: JsonObject = {**SPEC, "paths": {"/api/v1/items/": dig(SPEC, "paths./items/")}}
    obs = await observe(
        Target("http://h/api/v1"), _serve({"http://h/api/v1/openapi.json": json_response(200, spec)})
    )
    assert "the spec's paths already start with the base URL's path /api/v1" in obs.notes
