"""Authentication: login, register-then-login, static schemes, and re-login on token expiry."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

from tests.fakes import FakeTransport, json_response

from assay.agents.analysis.execution.auth import Authenticator, extract_token, parse_set_cookie
from assay.agents.analysis.execution.runner import execute
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.operations import ApiModel, AuthFlow, Operation, RequestBody, SecurityScheme
from assay.domain.scenarios import Action, Expectation, RequestSpec, Scenario
from assay.domain.target import Credentials, Target

TARGET = Target(base_url="http://127.0.0.1:9", credentials=(Credentials("alice", "s3cret-pw"),))
ANON = Target(base_url="http://127.0.0.1:9")
REGISTER_BODY = RequestBody(
    "application/json",
    {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "full_name": {"type": "string"},
            "age": {"type": "integer"},
            "password": {"type": "string"},
        },
    },
)


def api(flow: AuthFlow, schemes: tuple[SecurityScheme, ...] = ()) -> ApiModel:
    ops = (
        Operation("POST", "/auth/login"),
        Operation("POST", "/auth/register", request_body=REGISTER_BODY),
        Operation("GET", "/me", security=("bearer",)),
    )
    return ApiModel("t", "1", "3.0.3", "/api", ops, security_schemes=schemes, auth=flow)


BEARER = AuthFlow(kind="bearer", login_operation="POST /auth/login")


def test_login_with_credentials_gives_bearer_header_and_secrets() -> None:
    seen: list[RecordedRequest] = []

    def handler(request: RecordedRequest) -> RecordedResponse:
        seen.append(request)
        return json_response(200, {"data": {"token": "tok-123"}})

    recorded: list[Exchange] = []
    auth = Authenticator(api(BEARER), TARGET, FakeTransport(handler), record=recorded.append)
    session = asyncio.run(auth.login())
    assert session.headers == {"Authorization": "Bearer tok-123"}
    assert seen[0].url == "http://127.0.0.1:9/api/auth/login"
    assert seen[0].body == {"username": "alice", "password": "s3cret-pw"}
    assert {"s3cret-pw", "tok-123"} <= set(auth.secrets)
    assert session.malformed.headers == {"Authorization": "Bearer assay.malformed.token"}
    assert recorded[0].intent == "setup" and recorded[0].operation == "POST /auth/login"
    assert "s3cret" not in repr(session) and "tok-123" not in repr(session)


def test_form_login_sends_an_encoded_body() -> None:
    flow = AuthFlow(
        kind="bearer", login_operation="POST /auth/login", login_format="form", username_field="email"
    )
    transport = FakeTransport(lambda r: json_response(200, {"access_token": "abc"}))
    session = asyncio.run(Authenticator(api(flow), TARGET, transport).login())
    request = transport.requests[0]
    assert request.content_type == "application/x-www-form-urlencoded"
    assert isinstance(request.body, str)
    assert parse_qs(request.body) == {"email": ["alice"], "password": ["s3cret-pw"]}
    assert session.authenticated


def test_register_then_login_without_credentials() -> None:
    flow = AuthFlow(
        kind="bearer",
        login_operation="POST /auth/login",
        register_operation="POST /auth/register",
        username_field="email",
        register_fields=("email", "full_name", "age"),
    )

    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/register"):
            return json_response(201, {"id": 1})
        return json_response(200, {"access_token": "fresh"})

    transport = FakeTransport(handler)
    auth = Authenticator(api(flow), ANON, transport)
    session = asyncio.run(auth.login())
    register, login = transport.requests
    assert isinstance(register.body, dict) and isinstance(login.body, dict)
    email = register.body["email"]
    assert isinstance(email, str) and email.endswith("@example.com")
    assert register.body["age"] == 30 and str(register.body["full_name"]).startswith("Assay ")
    password = register.body["password"]
    assert isinstance(password, str) and len(password) >= 12 and password in auth.secrets
    assert login.body == {"email": email, "password": password}
    assert session.registered and session.headers == {"Authorization": "Bearer fresh"}


def test_a_registered_user_refreshes_by_logging_in_again_not_by_registering() -> None:
    flow = AuthFlow(
        kind="bearer",
        login_operation="POST /auth/login",
        register_operation="POST /auth/register",
        username_field="email",
        register_fields=("email",),
    )
    tokens = iter(("first", "second"))

    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/register"):
            return json_response(201, {"id": 1})
        return json_response(200, {"access_token": next(tokens)})

    transport = FakeTransport(handler)
    auth = Authenticator(api(flow), ANON, transport)
    asyncio.run(auth.login())
    refreshed = asyncio.run(auth.refresh())
    register, login, relogin = transport.requests
    assert register.url.endswith("/register") and relogin.url.endswith("/login")
    assert relogin.body == login.body  # the same user, the same password
    assert refreshed is not None and refreshed.headers == {"Authorization": "Bearer second"}
    assert auth.identity is not None and login.body == {
        "email": auth.identity.username,
        "password": auth.identity.password,
    }


def test_no_credentials_no_register_gives_anonymous_session_with_note() -> None:
    session = asyncio.run(
        Authenticator(api(BEARER), ANON, FakeTransport(lambda r: json_response(200, {}))).login()
    )
    assert not session.authenticated and "no credentials" in session.notes[0]


def test_failed_login_is_reported_not_raised() -> None:
    transport = FakeTransport(lambda r: json_response(401, {"detail": "bad"}))
    session = asyncio.run(Authenticator(api(BEARER), TARGET, transport).login())
    assert not session.authenticated and session.notes == ("login POST /auth/login failed: 401",)


def test_basic_and_api_key_use_given_credentials() -> None:
    transport = FakeTransport(lambda r: json_response(200, {}))
    basic = asyncio.run(Authenticator(api(AuthFlow(kind="basic")), TARGET, transport).login())
    assert basic.headers["Authorization"] == "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
    in_query = (SecurityScheme("k", "api_key", location="query", parameter_name="api_key"),)
    key = asyncio.run(Authenticator(api(AuthFlow(kind="api_key"), in_query), TARGET, transport).login())
    assert key.query == {"api_key": "s3cret-pw"} and key.malformed.query == {
        "api_key": "assay.malformed.token"
    }
    header = AuthFlow(kind="api_key", header_name="X-API-Key")
    assert asyncio.run(Authenticator(api(header), TARGET, transport).login()).headers == {
        "X-API-Key": "s3cret-pw"
    }
    assert transport.requests == []


def test_cookie_session_from_set_cookie() -> None:
    flow = AuthFlow(kind="cookie", login_operation="POST /auth/login")
    cookie = "sid=abc123; Path=/; Expires=Wed, 21 Oct 2035 07:28:00 GMT; HttpOnly, csrf=x9; Path=/"
    transport = FakeTransport(lambda r: json_response(200, {"ok": True}, {"Set-Cookie": cookie}))
    auth = Authenticator(api(flow), TARGET, transport)
    session = asyncio.run(auth.login())
    assert session.headers == {"Cookie": "sid=abc123; csrf=x9"}
    assert "abc123" in auth.secrets


def test_helpers() -> None:
    assert extract_token({"result": {"jwt": "j"}}, "access_token") == "j"
    assert extract_token({"x": 1}, "access_token") is None
    assert parse_set_cookie(None) == {}


def test_runner_logs_in_again_after_token_expiry() -> None:
    counts = {"logins": 0, "me": 0}
    valid = ["t1"]  # the token the server accepts now

    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/auth/login"):
            counts["logins"] += 1
            return json_response(200, {"access_token": f"t{counts['logins']}"})
        counts["me"] += 1
        if counts["me"] == 2:
            valid[0] = "t2"  # the first token expires after one use
        ok = request.headers.get("Authorization") == f"Bearer {valid[0]}"
        return json_response(200, {"id": 1}) if ok else json_response(401, {"detail": "expired"})

    transport = FakeTransport(handler)
    model = api(BEARER)
    auth = Authenticator(model, TARGET, transport)
    asyncio.run(auth.login())
    spec = RequestSpec("GET /me", "GET", "/me")
    actions = (Action("me 1", spec, Expectation()), Action("me 2", spec, Expectation()))
    sc = Scenario("S", "f", "t", "happy_path", (), ("GET /me",), (), actions)
    report = asyncio.run(execute([[sc]], (), model, TARGET, transport, auth=auth))
    assert counts["logins"] == 2
    assert report.runs[0].status == "passed"
    assert [e.status for e in report.exchanges] == [200, 200]  # the expired 401 is not a finding
