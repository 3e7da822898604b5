"""All HTTP oracles together: the seeds' faults are found, the classic traps stay quiet."""

from __future__ import annotations

from tests.unit.test_oracle_base import BASE, CTX, api_model, exchange, operation

from assay.domain.exchanges import Exchange
from assay.domain.json import JsonObject
from assay.domain.scenarios import Expectation
from assay.oracles.base import OracleContext
from assay.oracles.merge import merge_findings
from assay.oracles.registry import HTTP_ORACLES, judge_all

ITEM: JsonObject = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
API = api_model(
    operation("POST", "/items/", {"201": ITEM, "422": None}, summary="Create item", request_schema=ITEM),
    operation("GET", "/items/", {"200": {"type": "array", "items": ITEM}}, summary="List items"),
    operation("GET", "/items/{id}", {"200": ITEM, "404": None}, summary="Get item"),
    operation("DELETE", "/items/{id}", {"204": None}, summary="Delete item"),
    operation("GET", "/redirect-to", {"302": None}),
    operation("GET", "/html", {"200": {"type": "string"}}, content_type="text/html"),
    operation("POST", "/chat/{id}/messages", {"201": {"type": "object"}}, summary="Send chat message"),
    operation("GET", "/metrics", summary="Public metrics"),
)


def _healthy_run() -> list[Exchange]:
    created: JsonObject = {"id": 1, "name": "a"}
    return [
        exchange("POST", "/items/", 201, created, request_body={"name": "a"}, intent="setup"),
        exchange("GET", "/items/", 200, [created]),
        exchange("GET", "/items/{id}", 200, created, path="/items/1"),
        exchange("POST", "/items/", 422, {"detail": []}, request_body={}, intent="invalid"),
        exchange(
            "GET", "/items/{id}", 404, {"detail": "Item not found"}, path="/items/999", intent="invalid"
        ),
        exchange("GET", "/items/", 401, {"detail": "Not authenticated"}, intent="no_auth"),
        exchange("POST", "/items/", 403, {"detail": "Forbidden"}, request_body={}, intent="no_auth"),
        exchange("DELETE", "/items/{id}", 204, path="/items/1", content_type=None),
        exchange(
            "GET",
            "/items/{id}",
            404,
            {"detail": "Not Found"},
            path="/items/1",
            expect=Expectation(statuses=(404,)),
        ),
        exchange("GET", "/redirect-to", 302, content_type=None, headers={"Location": "http://example.com"}),
        exchange("GET", "/html", 200, text="<html>ok</html>", content_type="text/html"),
        exchange("GET", "/metrics", 200, {}),
    ]


def test_every_oracle_is_registered() -> None:
    assert [name for name, _judge in HTTP_ORACLES] == [
        "server_error",
        "missing_endpoint",
        "spec_drift",
        "response_schema",
        "status_code",
        "redirect",
        "spec_quality",
        "slow_response",
    ]


def test_a_healthy_run_with_every_classic_trap_has_no_findings() -> None:
    assert judge_all(_healthy_run(), API, CTX) == []


def test_the_seed_faults_are_each_found_once() -> None:
    faults = [
        exchange(
            "POST", "/chat/{id}/messages", 500, {"detail": "boom"}, path="/chat/c1/messages", request_body={}
        ),
        exchange("GET", "/metrics", 404, {"detail": "Not Found"}),
        exchange(
            "GET",
            "/items/",
            307,
            path="/items",
            content_type=None,
            headers={"Location": BASE + "/items/"},
            intent="variant",
        ),
        exchange("GET", "/items/{id}", 200, {"id": 1}, path="/items/1"),
    ]
    findings = merge_findings(
        judge_all(_healthy_run() + faults, API, OracleContext(secrets=("pw12345",))), []
    )
    assert [(f.id, f.category, f.method, f.path) for f in findings] == [
        ("F-0001", "server_error", "POST", "/chat/{id}/messages"),
        ("F-0002", "response_schema", "GET", "/items/{id}"),
        ("F-0003", "missing_endpoint", "GET", "/metrics"),
        ("F-0004", "redirect", "GET", "/items/"),
    ]
