"""missing_authentication: 2xx without (valid) credentials, judged only where it is user data."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, SECRET, op, step

from assay.agents.analysis.security.authz.missing_auth import is_current_user, is_public_by_nature
from assay.domain.json import Json
from assay.domain.operations import ApiModel, AuthFlow, Operation
from assay.oracles.missing_authentication import AuthTrial, judge

NOTE: Json = {"id": 7, "owner_id": 1, "title": "mine"}
FLOW = AuthFlow(kind="bearer", login_operation="POST /auth/login", current_user_operation="GET /users/me")
API = ApiModel("t", "1", "3.0.3", "", (), auth=FLOW)


def trial(
    operation: Operation, anon: int, body: Json = NOTE, *, authed: int = 200, bad: int = 401
) -> AuthTrial:
    path = operation.path.replace("{id}", "7")
    method, template = operation.method, operation.path
    return AuthTrial(
        operation,
        step(method, template, authed, NOTE, path=path),
        step(method, template, anon, body, actor="anonymous", path=path, token=None),
        step(method, template, bad, body, actor="malformed token", path=path, token="garbage"),
        markers=("alice",),
        created_ids=("7",),
        public_by_nature=is_public_by_nature(API, operation),
        current_user=is_current_user(API, operation),
    )


def test_protected_read_served_anonymously_with_the_users_object_is_a_finding() -> None:
    [finding] = judge([trial(op("GET", "/notes/{id}"), 200)], API, CTX)
    assert finding.category == "missing_authentication" and finding.severity == "high"
    assert (finding.method, finding.path) == ("GET", "/notes/{id}")
    assert "without credentials" in finding.title
    assert finding.evidence["identities"] == ["alice (user)", "anonymous", "malformed token"]
    assert SECRET not in repr(finding)


def test_malformed_token_accepted_is_a_finding_even_when_no_token_is_refused() -> None:
    [finding] = judge([trial(op("GET", "/notes/{id}"), 401, bad=200)], API, CTX)
    assert "malformed token" in finding.title


def test_refused_anonymous_calls_are_quiet() -> None:
    assert (
        judge([trial(op("GET", "/notes/{id}"), 401), trial(op("DELETE", "/notes/{id}"), 403)], API, CTX) == []
    )


def test_public_catalogue_health_and_login_are_quiet_even_if_the_spec_says_secured() -> None:
    catalogue: Json = [{"id": 1, "name": "public product"}]
    trials = [
        trial(op("GET", "/products"), 200, catalogue),
        trial(op("GET", "/health"), 200, {"status": "ok"}),
        trial(op("POST", "/auth/login"), 200, {"access_token": "x"}),
    ]
    assert judge(trials, API, CTX) == []


def test_unsecured_read_with_user_data_needs_the_server_to_protect_the_resource() -> None:
    open_read = trial(op("GET", "/notes/{id}", secured=False), 200)
    assert judge([open_read], API, CTX) == []  # the spec and the server both say public
    guarded_list = trial(op("GET", "/notes", secured=False), 401, [NOTE])
    [finding] = judge([open_read, guarded_list], API, CTX)
    assert finding.path == "/notes/{id}" and "other operations on this resource" in finding.detail


def test_anonymous_write_is_critical_when_the_spec_or_a_sibling_protects_it() -> None:
    [finding] = judge([trial(op("DELETE", "/notes/{id}"), 204, None)], API, CTX)
    assert finding.severity == "critical"
    assert judge([trial(op("DELETE", "/notes/{id}", secured=False), 204, None)], API, CTX) == []


def test_current_user_operation_answering_anonymously_is_a_finding() -> None:
    me: Json = {"id": 1, "username": "someone"}
    [finding] = judge([trial(op("GET", "/users/me", secured=False), 200, me)], API, CTX)
    assert "current-user" in finding.detail


def test_empty_answers_and_failed_baselines_are_quiet() -> None:
    assert judge([trial(op("GET", "/notes"), 200, [])], API, CTX) == []
    assert judge([trial(op("GET", "/notes/{id}"), 200, authed=500)], API, CTX) == []


def test_a_refused_anonymous_create_shows_the_server_protects_the_resource() -> None:
    create = AuthTrial(
        op("POST", "/notes", secured=False), None, step("POST", "/notes", 401, {}, token=None), None
    )
    delete = trial(op("DELETE", "/notes/{id}", secured=False), 204, None)
    [finding] = judge([create, delete], API, CTX)
    assert (finding.method, finding.severity) == ("DELETE", "critical")
