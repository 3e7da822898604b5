"""The SafetyGuard: resets refused, changes only to what the ledger holds, creates recorded."""

from __future__ import annotations

from dataclasses import replace

from tests.fakes import json_response

from assay.agents.analysis.execution.guard import SafetyGuard
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import Json
from assay.domain.operations import ApiModel, AuthFlow, Dependency, Operation
from assay.domain.target import Target

API = ApiModel(
    "t",
    "1",
    "3.0.3",
    "/api",
    (
        Operation("POST", "/auth/login"),
        Operation("POST", "/items"),
        Operation("DELETE", "/items/{id}"),
        Operation("POST", "/item/new"),
        Operation("DELETE", "/item/{item_id}"),
        Operation("PATCH", "/users/me"),
        Operation("GET", "/reset", summary="Reset the database"),
    ),
    auth=AuthFlow(kind="bearer", login_operation="POST /auth/login"),
    dependencies=(Dependency("DELETE /item/{item_id}", "POST /item/new", "item_id", "path", "id", "item"),),
)
BASE = "http://127.0.0.1:9/api"


def request(method: str, path: str) -> RecordedRequest:
    return RecordedRequest(method, BASE + path)


def created(guard: SafetyGuard, op: str, path: str, body: Json, status: int = 201) -> None:
    method, template = op.split(" ", 1)
    exchange = Exchange(
        request(method, path), json_response(status, body), operation=op, path_template=template
    )
    guard.note_created(exchange)


def test_resets_are_refused_except_in_the_reset_phase_with_destructive() -> None:
    target = Target(BASE)
    assert "resets the application's state" in (
        SafetyGuard(target, API).refusal(request("GET", "/reset"), "GET /reset") or ""
    )
    assert SafetyGuard(target, API, allow_resets=True).refusal(request("GET", "/reset"), "GET /reset")
    live = SafetyGuard(replace(target, destructive=True), API, allow_resets=True)
    assert live.refusal(request("GET", "/reset"), "GET /reset") is None
    # Undocumented, a path that names a reset is refused all the same.
    assert SafetyGuard(target, API).refusal(request("POST", "/api/reinit"), None, None)


def test_deletes_go_only_to_what_the_ledger_holds() -> None:
    target = Target(BASE)
    guard = SafetyGuard(target, API)
    assert "id=1" in (guard.refusal(request("DELETE", "/items/1"), "DELETE /items/{id}") or "")
    created(guard, "POST /items", "/items", {"id": 41, "name": "x"})
    assert target.ledger.owns("/items/41")
    assert guard.refusal(request("DELETE", "/items/41"), "DELETE /items/{id}") is None
    assert guard.refusal(request("DELETE", "/items/1"), "DELETE /items/{id}") is not None
    # The same id under another collection is not ours.
    assert guard.refusal(request("DELETE", "/item/41"), "DELETE /item/{item_id}") is not None
    assert SafetyGuard(replace(target, destructive=True), API).refusal(request("DELETE", "/items/1")) is None


def test_ownership_through_the_producer_of_the_parameter() -> None:
    target = Target(BASE)
    guard = SafetyGuard(target, API)
    created(guard, "POST /item/new", "/item/new", {"data": {"id": "abc"}}, status=200)
    assert guard.refusal(request("DELETE", "/item/abc"), "DELETE /item/{item_id}") is None


def test_logins_and_failed_creates_record_nothing() -> None:
    target = Target(BASE)
    guard = SafetyGuard(target, API)
    created(guard, "POST /auth/login", "/auth/login", {"id": 1, "access_token": "t"}, status=201)
    created(guard, "POST /items", "/items", {"id": 2}, status=422)
    assert target.ledger.entries == []


def test_own_account_writes_need_an_account_assay_registered() -> None:
    guard = SafetyGuard(Target(BASE), API)
    assert guard.refusal(request("PATCH", "/users/me"), "PATCH /users/me") is not None
    assert guard.refusal(request("PATCH", "/users/me"), "PATCH /users/me", own_account=True) is None
