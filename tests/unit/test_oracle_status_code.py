"""status_code: 2xx answers with the wrong code for what happened; never the 4xx noise."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.json import JsonObject
from assay.domain.operations import Parameter
from assay.oracles import status_code

ITEM_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "count": {"type": "integer"}, "tag": {"type": "string"}},
}
OBJ: JsonObject = {"type": "object"}
API = api_model(
    operation("POST", "/auth/register", {"200": {"type": "object"}}, summary="Register"),
    operation("POST", "/auth/login", {"200": {"type": "object"}}),
    operation(
        "POST", "/items", {"201": {"type": "object"}}, summary="Create item", request_schema=ITEM_SCHEMA
    ),
    operation("POST", "/notes", {"200": {"type": "object"}}),
    operation("GET", "/notes/{id}"),
    operation("GET", "/jobs/{id}"),
    operation("GET", "/search", parameters=(Parameter("q", "query", required=True),)),
    operation(
        "GET",
        "/reports",
        {"200": {"type": "object", "properties": {"error": {"type": "string"}, "rows": {"type": "array"}}}},
    ),
)


def test_seed_000_register_answers_200_instead_of_201() -> None:
    ex = exchange(
        "POST", "/auth/register", 200, {"id": 12, "email": "a@b.c"}, request_body={"email": "a@b.c"}
    )
    [finding] = status_code.judge([ex], API, CTX)
    assert finding.category == "status_code"
    assert finding.severity == "low"
    assert finding.title == "Register answers 200 instead of 201 Created"
    assert "HTTP_201_CREATED" in finding.recommendation


def test_create_documented_201_answering_200_is_drift() -> None:
    ex = exchange("POST", "/items", 200, {"id": 1}, request_body={"name": "a"})
    [finding] = status_code.judge([ex], API, CTX)
    assert finding.severity == "medium"
    assert finding.title == "Create item answers 200 where the spec documents 201"


def test_a_later_read_by_id_is_mentioned_as_evidence_of_creation() -> None:
    create = exchange("POST", "/notes", 200, {"id": "n1"}, request_body={"text": "x"})
    read = exchange("GET", "/notes/{id}", 200, {"id": "n1"}, path="/notes/n1")
    [finding] = status_code.judge([create, read], API, CTX)
    assert "later GET by that id succeeds" in finding.detail


def test_posts_that_create_nothing_are_quiet() -> None:
    exchanges = [
        exchange("POST", "/auth/login", 200, {"access_token": "t", "id": 3}, request_body={"username": "u"}),
        exchange("POST", "/notes", 200, {"ok": True}, request_body={"text": "x"}),
        exchange("POST", "/items", 201, {"id": 2}, request_body={"name": "b"}),
    ]
    assert status_code.judge(exchanges, API, CTX) == []


def test_2xx_with_an_error_body() -> None:
    failed = exchange("GET", "/notes/{id}", 200, {"success": False, "message": "db down"}, path="/notes/1")
    [finding] = status_code.judge([failed], API, CTX)
    assert finding.severity == "medium"
    assert finding.title.endswith("answers 200 with an error body")
    errored = exchange("GET", "/notes/{id}", 200, {"error": "not allowed"}, path="/notes/1")
    assert len(status_code.judge([errored], API, CTX)) == 1


def test_error_fields_by_design_are_quiet() -> None:
    exchanges = [
        exchange("GET", "/reports", 200, {"error": "partial data", "rows": []}),  # documented envelope
        exchange("GET", "/jobs/{id}", 200, {"id": 4, "status": "error", "message": "x"}, path="/jobs/4"),
        exchange("GET", "/jobs/{id}", 200, {"id": 4, "error": None}, path="/jobs/4"),
    ]
    assert status_code.judge(exchanges, API, CTX) == []


def test_undocumented_success_code() -> None:
    ex = exchange("GET", "/notes/{id}", 202, {}, path="/notes/1")
    [finding] = status_code.judge([ex], API, CTX)
    assert finding.severity == "low" and finding.title.endswith("answers 202, the spec documents 200")


def test_invalid_input_accepted_names_the_field() -> None:
    missing = exchange("POST", "/items", 201, {"id": 1}, request_body={"count": 1}, intent="invalid")
    [finding] = status_code.judge([missing], API, CTX)
    assert finding.severity == "medium"
    assert finding.title == "Create item accepts a body missing required field `name`"
    wrong = exchange("POST", "/items", 201, {"id": 1}, request_body={"name": 5}, intent="invalid")
    [typed] = status_code.judge([wrong], API, CTX)
    assert "`name` of the wrong type" in typed.title
    no_query = exchange("GET", "/search", 200, [], intent="invalid")
    [query] = status_code.judge([no_query], API, CTX)
    assert "required query parameter `q`" in query.title


def test_invalid_input_we_cannot_prove_invalid_or_that_was_rejected_is_quiet() -> None:
    exchanges = [
        exchange(
            "POST", "/items", 201, {"id": 1}, request_body={"name": "a", "count": "5"}, intent="invalid"
        ),
        exchange("POST", "/items", 201, {"id": 1}, request_body={"name": "a"}, intent="invalid"),
        exchange("POST", "/items", 422, {"detail": []}, request_body={}, intent="invalid"),
        exchange("POST", "/items", 400, {"error": "bad"}, request_body={}, intent="invalid"),
    ]
    assert status_code.judge(exchanges, API, CTX) == []


def test_expected_4xx_are_never_judged_even_when_undocumented() -> None:
    exchanges = [
        exchange("GET", "/notes/{id}", 404, {"detail": "Not Found"}, path="/notes/x", intent="invalid"),
        exchange(
            "GET", "/notes/{id}", 401, {"detail": "Not authenticated"}, path="/notes/1", intent="no_auth"
        ),
        exchange("GET", "/notes/{id}", 403, {"error": "forbidden"}, path="/notes/1", intent="no_auth"),
    ]
    assert status_code.judge(exchanges, API, CTX) == []


def test_one_finding_per_route_keeps_every_issue() -> None:
    drift = exchange("POST", "/items", 200, {"id": 1}, request_body={"name": "a"})
    lenient = exchange("POST", "/items", 201, {"id": 2}, request_body={}, intent="invalid")
    [finding] = status_code.judge([drift, lenient], API, CTX)
    assert finding.occurrences == 2
    assert len(finding.evidence["issues"]) == 2  # type: ignore[arg-type]
