"""missing_endpoint: a documented route that does not exist, told apart from a missing object."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation, response

from assay.domain.json import JsonObject
from assay.domain.scenarios import Expectation
from assay.oracles import missing_endpoint
from assay.oracles.missing_endpoint import body_kind

METRICS = "/api/v1/analytics/public/metrics"
ITEM = "/api/v1/datasets/{dataset_id}"
API = api_model(
    operation("GET", METRICS, summary="Public metrics"),
    operation("POST", "/api/v1/datasets", {"201": {"type": "object"}}),
    operation("GET", ITEM),
    operation("DELETE", ITEM, {"204": None}),
    operation("PUT", ITEM),
)
CREATE = exchange("POST", "/api/v1/datasets", 201, {"id": "ds-1"}, request_body={"name": "a"}, intent="setup")


def test_documented_parameterless_route_answering_framework_404_is_missing() -> None:
    ex = exchange("GET", METRICS, 404, {"detail": "Not Found"})
    [finding] = missing_endpoint.judge([ex], API, CTX)
    assert finding.category == "missing_endpoint"
    assert finding.title == "Public metrics is documented but answers 404"
    assert finding.path == METRICS and finding.method == "GET"
    assert "remove it from the spec" in finding.recommendation
    assert finding.evidence["body_kind"] == "framework"


def test_404_for_an_object_we_just_created_with_a_route_404_body_is_missing() -> None:
    read = exchange("GET", ITEM, 404, {"detail": "Not Found"}, path="/api/v1/datasets/ds-1")
    [finding] = missing_endpoint.judge([CREATE, read], API, CTX)
    assert finding.path == ITEM
    assert "just created" in finding.detail


def test_404_for_an_id_we_did_not_create_is_object_not_found() -> None:
    read = exchange("GET", ITEM, 404, {"detail": "Not Found"}, path="/api/v1/datasets/made-up")
    assert missing_endpoint.judge([CREATE, read], API, CTX) == []


def test_app_level_not_found_message_is_not_a_missing_route() -> None:
    read = exchange("GET", ITEM, 404, {"detail": "Dataset ds-1 not found"}, path="/api/v1/datasets/ds-1")
    assert missing_endpoint.judge([CREATE, read], API, CTX) == []
    metrics = exchange("GET", METRICS, 404, {"message": "No metrics recorded yet"})
    assert missing_endpoint.judge([metrics], API, CTX) == []


def test_405_is_always_about_the_route() -> None:
    put = exchange(
        "PUT",
        ITEM,
        405,
        {"detail": "Method Not Allowed"},
        path="/api/v1/datasets/whatever",
        request_body={"name": "b"},
        headers={"Allow": "GET, DELETE"},
    )
    [finding] = missing_endpoint.judge([put], API, CTX)
    assert finding.title.endswith("answers 405")
    assert "Allow: GET, DELETE" in finding.detail


def test_read_after_delete_is_quiet_with_or_without_an_expectation() -> None:
    delete = exchange("DELETE", ITEM, 204, path="/api/v1/datasets/ds-1", content_type=None)
    expected = exchange(
        "GET",
        ITEM,
        404,
        {"detail": "Not Found"},
        path="/api/v1/datasets/ds-1",
        expect=Expectation(statuses=(404,)),
    )
    unexpected = exchange("GET", ITEM, 404, {"detail": "Not Found"}, path="/api/v1/datasets/ds-1")
    assert missing_endpoint.judge([CREATE, delete, expected], API, CTX) == []
    assert missing_endpoint.judge([CREATE, delete, unexpected], API, CTX) == []


def test_other_intents_and_undocumented_routes_are_quiet() -> None:
    exchanges = [
        exchange("GET", METRICS, 401, {"detail": "Not authenticated"}, intent="no_auth"),
        exchange("GET", METRICS, 404, {"detail": "Not Found"}, intent="invalid"),
        exchange("GET", METRICS, 404, {"detail": "Not Found"}, intent="probe"),
        exchange("GET", "/admin", 404, {"detail": "Not Found"}, documented=False),
        exchange("GET", METRICS, 200, {"visits": 3}),
    ]
    assert missing_endpoint.judge(exchanges, API, CTX) == []
    assert missing_endpoint.judge([exchange("GET", METRICS, 404, {"detail": "Not Found"})], None, CTX) == []


def test_body_kinds_of_common_frameworks() -> None:
    flask = "<!doctype html><title>404 Not Found</title><h1>Not Found</h1><p>The requested URL was not found"
    express = "<pre>Cannot GET /api/v1/x</pre>"
    spring: JsonObject = {"timestamp": "t", "status": 404, "error": "Not Found", "path": "/x"}
    assert body_kind(response(404, {"detail": "Not Found"})) == "framework"
    assert body_kind(response(404, spring)) == "framework"
    assert body_kind(response(404, text=flask, content_type="text/html")) == "framework"
    assert body_kind(response(404, text=express, content_type="text/html")) == "framework"
    assert body_kind(response(404, {"error": {"message": "Item 3 does not exist"}})) == "app"
    assert body_kind(response(404, content_type=None)) == "empty"
