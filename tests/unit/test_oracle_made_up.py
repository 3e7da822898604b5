"""spec_drift leaves alone a rejection of a value assay made up (a username, id or code nobody issued)."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.json import JsonObject
from assay.domain.operations import Parameter
from assay.oracles import spec_drift
from assay.oracles.made_up import is_reference, known_values, made_up_references

USER = "/user/{username}"
LOGIN_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
}
KIT_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "owner_id": {"type": "string"}, "note": {"type": "string"}},
}
API = api_model(
    operation("GET", USER, parameters=(Parameter("username", "path", required=True),)),
    operation("POST", "/login", request_schema=LOGIN_SCHEMA),
    operation("POST", "/kits", {"201": {"type": "object"}}, request_schema=KIT_SCHEMA),
    operation(
        "GET",
        "/redeem",
        parameters=(Parameter("code", "query", required=True, schema={"type": "string"}),),
    ),
)


def test_a_400_for_a_made_up_username_is_not_drift() -> None:
    path = "/user/qa-user-1"
    bare = exchange("GET", USER, 400, {"message": "Invalid username supplied"}, path=path)
    plain = exchange("GET", USER, 400, text="Bad Request", content_type="text/plain", path=path)
    unknown = exchange("GET", "/redeem", 422, {"error": "code does not look right"}, query="code=ABC123")
    login = exchange(
        "POST",
        "/login",
        400,
        {"message": "Invalid username/password supplied"},
        request_body={"username": "qa-x", "password": "p"},
    )
    assert spec_drift.judge([bare, plain, unknown, login], API, CTX) == []


def test_a_username_the_run_created_is_not_made_up() -> None:
    created = exchange("POST", "/kits", 201, {"id": "k1"}, request_body={"name": "kit", "owner_id": "alice"})
    sent = exchange("GET", USER, 400, text="Bad Request", content_type="text/plain", path="/user/alice")
    assert made_up_references(sent, API.operation("GET " + USER), known_values([created], CTX)) == []
    [finding] = spec_drift.judge([created, sent], API, CTX)
    assert finding.category == "spec_drift"


def test_a_complaint_about_another_field_is_still_drift() -> None:
    body: JsonObject = {"detail": [{"type": "missing", "loc": ["body", "note"], "msg": "Field required"}]}
    ex = exchange("POST", "/kits", 422, body, request_body={"name": "kit", "owner_id": "made-up-7"})
    [finding] = spec_drift.judge([ex], API, CTX)
    assert "requires `note`, which the spec calls optional" in finding.title


def test_new_values_of_a_create_are_not_references() -> None:
    ex = exchange("POST", "/kits", 400, text="Bad", content_type="text/plain", request_body={"name": "k"})
    assert made_up_references(ex, API.operation("POST /kits"), set()) == []
    assert [f.category for f in spec_drift.judge([ex], API, CTX)] == ["spec_drift"]


def test_reference_names() -> None:
    assert all(is_reference(n) for n in ("username", "user_id", "resetCode", "email", "code", "ownerId"))
    assert not any(is_reference(n) for n in ("name", "paid", "valid", "description", "grid", "title"))
