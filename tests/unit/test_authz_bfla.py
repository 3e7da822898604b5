"""broken_function_authorization: admin functions used by a lower role, and self-service role raises."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, INTRUDER, op, step

from assay.agents.analysis.security.authz.bfla import is_admin_operation
from assay.domain.json import Json
from assay.oracles.broken_function_authorization import FunctionTrial, RaiseTrial, judge, privileged

ADMIN = "root (admin)"
STATS: Json = {"users": 12}


def function(
    lower: int, higher: int | None = 200, path: str = "/admin/stats", body: Json = STATS
) -> FunctionTrial:
    high = step("GET", path, higher, STATS, actor=ADMIN) if higher is not None else None
    return FunctionTrial(high, step("GET", path, lower, body, actor=INTRUDER), "its path names admin")


def test_lower_role_served_an_admin_function_is_a_finding() -> None:
    [finding] = judge([function(200)], [], CTX)
    assert finding.category == "broken_function_authorization"
    assert (finding.method, finding.path) == ("GET", "/admin/stats")
    assert finding.evidence["identities"] == [ADMIN, INTRUDER]


def test_refused_lower_role_or_failing_higher_role_is_quiet() -> None:
    assert judge([function(403), function(401), function(200, higher=500)], [], CTX) == []


def test_empty_answers_are_quiet() -> None:
    assert judge([function(200, body=[])], [], CTX) == []


def test_without_a_higher_role_only_an_explicit_admin_path_counts() -> None:
    assert len(judge([function(200, higher=None)], [], CTX)) == 1
    assert judge([function(200, higher=None, path="/roles")], [], CTX) == []


def raise_trial(before: Json, after: Json, write: int = 200) -> RaiseTrial:
    return RaiseTrial(
        step("GET", "/users/me", 200, before, actor=INTRUDER),
        step("PATCH", "/users/me", write, after, actor=INTRUDER, request_body={"role": "admin"}),
        step("GET", "/users/me", 200, after, actor=INTRUDER),
    )


def test_self_service_role_raise_is_critical() -> None:
    [finding] = judge([], [raise_trial({"id": 5, "role": "user"}, {"id": 5, "role": "admin"})], CTX)
    assert finding.severity == "critical" and "role=admin" in finding.detail


def test_ignored_or_refused_raise_is_quiet() -> None:
    user: Json = {"id": 5, "role": "user", "is_admin": False}
    assert judge([], [raise_trial(user, user), raise_trial(user, user, write=403)], CTX) == []


def test_already_privileged_account_is_not_a_raise() -> None:
    admin: Json = {"id": 5, "role": "admin"}
    assert judge([], [raise_trial(admin, admin)], CTX) == []


def test_privilege_fields_and_admin_operations_are_recognised() -> None:
    assert privileged({"roles": ["reader", "admin"], "is_staff": True}) == [
        'roles=["reader", "admin"]',
        "is_staff=true",
    ]
    assert privileged({"role": "user", "admin": False}) == []
    assert is_admin_operation(op("GET", "/api/admin/users"))
    assert not is_admin_operation(op("GET", "/api/items"))
