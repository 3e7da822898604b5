"""data_exposure concerns someone else's data, or secrets: the caller's own record is no leak."""

from __future__ import annotations

from tests.fakes import json_response

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.oracles.base import OracleContext
from assay.oracles.data_exposure import (
    Caller,
    classify,
    judge_personal_data,
    judge_secrets,
    password_kind,
)

CTX = OracleContext()
ALICE = Caller(frozenset({"alice", "alice@shop.example"}))


def ex(body: Json, path: str = "/addresses") -> Exchange:
    response: RecordedResponse = json_response(200, body)
    return Exchange(RecordedRequest("GET", f"http://127.0.0.1{path}"), response, path_template=path)


def test_own_records_with_a_phone_are_not_other_users_contacts() -> None:
    mine: Json = [{"owner": "alice", "phone": "+1 202 555 0147"}, {"owner": "alice", "email": "a@w.example"}]
    assert judge_personal_data([ex(mine)], {"alice"}, CTX) == []
    mixed: Json = [*mine, {"owner": "bob", "phone": "+1 202 555 0199"}]  # type: ignore[misc]
    [finding] = judge_personal_data([ex(mixed)], {"alice"}, CTX)
    assert finding.evidence["other_contacts"] == 1 and "0199" not in str(finding.evidence)


def test_plaintext_passwords_of_everyone_anonymously_are_critical() -> None:
    users: Json = [
        {"username": "admin", "password": "Adm1n-Secret!"},
        {"username": "bob", "password": "pw-bob-1"},
    ]
    caller = Caller(ALICE.markers, frozenset({"GET /admin/users"}))
    [finding] = judge_secrets([ex(users, "/admin/users")], None, CTX, caller)
    assert finding.severity == "critical" and "plaintext password" in finding.title
    assert "Adm1n-Secret!" not in str(finding.evidence)


def test_secrets_of_other_users_are_high_and_the_callers_own_are_medium() -> None:
    bcrypt = "$2b$12$" + "a" * 53
    others: Json = [
        {"username": "bob", "password_hash": bcrypt},
        {"username": "carol", "password_hash": bcrypt},
    ]
    [high] = judge_secrets([ex(others, "/users")], None, CTX, ALICE)
    assert high.severity == "high"
    own: Json = {"username": "alice", "password_hash": bcrypt}
    [medium] = judge_secrets([ex(own, "/profile")], None, CTX, ALICE)
    assert medium.severity == "medium" and "caller's own record" in medium.detail


def test_password_values_tell_hashes_from_clear_text() -> None:
    assert password_kind("password", "hunter2!") == "plaintext password"
    assert password_kind("password", "$2b$12$" + "a" * 53) == "password hash"
    assert password_kind("password_hash", "Zm9vYmFy") == "password hash"
    assert password_kind("password", "5f4dcc3b5aa765d61d8327deb882cf99") == "unsalted hex digest"
    assert classify("name", "hunter2!", auth_answer=False) is None
