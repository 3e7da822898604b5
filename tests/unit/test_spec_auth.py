"""Finding the auth flow: schemes, login, register, current user, undocumented auth."""

from __future__ import annotations

from assay.domain.json import JsonObject
from assay.domain.operations import Operation, RequestBody, ResponseSpec, SecurityScheme
from assay.spec.auth import detect_auth

CREDS: JsonObject = {
    "type": "object",
    "required": ["email", "password"],
    "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
}


def _op(
    method: str,
    path: str,
    body: JsonObject | None = None,
    response: JsonObject | None = None,
    *,
    form: bool = False,
    security: tuple[str, ...] = (),
    statuses: tuple[str, ...] = ("200",),
    operation_id: str | None = None,
) -> Operation:
    content = "application/x-www-form-urlencoded" if form else "application/json"
    return Operation(
        method,  # type: ignore[arg-type]
        path,
        operation_id=operation_id,
        request_body=RequestBody(content, body) if body is not None else None,
        responses=tuple(ResponseSpec(s, schema=response if s == "200" else None) for s in statuses),
        security=security,
    )


def _token(field: str) -> JsonObject:
    return {"type": "object", "properties": {field: {"type": "string"}}}


BEARER = SecurityScheme("bearer", "http_bearer", "header", "Authorization")


def test_oauth2_password_token_url_is_the_form_login() -> None:
    scheme = SecurityScheme("OAuth2PasswordBearer", "oauth2_password", token_url="api/v1/auth/token")
    form: JsonObject = {"properties": {"username": {"type": "string"}, "password": {"type": "string"}}}
    login = _op("POST", "/api/v1/auth/token", form, _token("access_token"), form=True)
    me = _op("GET", "/api/v1/users/me", security=("OAuth2PasswordBearer",))
    flow = detect_auth((login, me), (scheme,))
    assert (flow.kind, flow.scheme, flow.login_operation, flow.login_format) == (
        "bearer", "OAuth2PasswordBearer", "POST /api/v1/auth/token", "form",
    )  # fmt: skip
    assert (flow.username_field, flow.password_field, flow.token_field) == (
        "username",
        "password",
        "access_token",
    )
    assert flow.current_user_operation == "GET /api/v1/users/me"


def test_token_url_outside_the_spec_still_gives_a_form_login() -> None:
    scheme = SecurityScheme("o", "oauth2_password", token_url="https://h/oauth/token")
    flow = detect_auth((), (scheme,))
    assert flow.login_operation == "POST /oauth/token" and flow.login_format == "form"
    assert any("not an operation" in n for n in flow.notes)


def test_json_login_with_email_and_various_token_fields() -> None:
    for field in ("token", "jwt", "key", "id_token"):
        login = _op("POST", "/auth/signin", CREDS, _token(field))
        flow = detect_auth((login,), (BEARER,))
        assert flow.login_operation == "POST /auth/signin"
        assert (flow.login_format, flow.username_field, flow.token_field) == ("json", "email", field)


def test_nested_token_and_login_by_operation_id() -> None:
    nested: JsonObject = {"properties": {"data": {"type": "object", "properties": {"accessToken": {}}}}}
    login = _op("POST", "/sessions/new", CREDS, nested, operation_id="createSession")
    flow = detect_auth((login,), (BEARER,))
    assert flow.token_field == "data.accessToken"


def test_refresh_logout_and_register_are_not_logins() -> None:
    ops = (
        _op("POST", "/auth/token/refresh", CREDS, _token("access_token")),
        _op("POST", "/auth/logout", CREDS),
        _op("POST", "/auth/register", CREDS, _token("token")),
    )
    flow = detect_auth(ops, (BEARER,))
    assert flow.login_operation is None
    assert flow.register_operation == "POST /auth/register"
    assert flow.register_fields == ("email", "password")


def test_public_users_post_is_a_registration() -> None:
    flow = detect_auth((_op("POST", "/api/users/", CREDS), _op("GET", "/api/user")), (BEARER,))
    assert flow.register_operation == "POST /api/users/"
    assert flow.current_user_operation == "GET /api/user"


def test_basic_and_api_key_schemes() -> None:
    basic = detect_auth((), (SecurityScheme("b", "http_basic"),))
    assert basic.kind == "basic"
    header = detect_auth((), (SecurityScheme("k", "api_key", "header", "X-API-Key"),))
    assert (header.kind, header.header_name) == ("api_key", "X-API-Key")
    query = detect_auth((), (SecurityScheme("k", "api_key", "query", "api_key"),))
    assert query.kind == "api_key" and "query parameter api_key" in query.notes[0]
    cookie = detect_auth((), (SecurityScheme("c", "api_key", "cookie", "session"),))
    assert (cookie.kind, cookie.header_name) == ("cookie", "session")


def test_the_scheme_most_operations_use_wins() -> None:
    key = SecurityScheme("k", "api_key", "header", "X-Key")
    bearer = [_op("GET", f"/x{i}", security=("bearer",)) for i in range(3)]
    ops = (*bearer, _op("GET", "/y", security=("k",)))
    assert detect_auth(ops, (key, BEARER)).scheme == "bearer"


def test_undocumented_auth_is_noted() -> None:
    ops = (
        _op("POST", "/login", CREDS, _token("access_token")),
        _op("GET", "/items", statuses=("200", "401")),
    )
    flow = detect_auth(ops, ())
    assert flow.kind == "bearer" and flow.login_operation == "POST /login"
    assert any("401/403 but the spec declares no security scheme" in n for n in flow.notes)


def test_no_auth_at_all() -> None:
    flow = detect_auth((_op("GET", "/items"),), ())
    assert flow.kind == "none" and flow.login_operation is None
    assert flow.notes == ("the spec describes no authentication",)
