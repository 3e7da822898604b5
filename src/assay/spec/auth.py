"""How to become an authenticated client: the scheme, the login, registration and "who am I"."""

from __future__ import annotations

from dataclasses import replace

from assay.domain.json import JsonObject
from assay.domain.operations import AuthFlow, AuthKind, Operation, SecurityScheme
from assay.spec.graph import success_schema
from assay.spec.names import words
from assay.spec.schema import object_properties, required_fields
from assay.spec.security import token_path

_LOGIN_WORDS = frozenset({"login", "signin", "token", "tokens", "authenticate", "session", "sessions"})
_REGISTER_WORDS = frozenset({"register", "registration", "signup", "sign_up"})
_NOT_LOGIN = frozenset({"refresh", "logout", "signout", "revoke", "verify", "reset", "forgot", "register"})
USERNAME_FIELDS = ("username", "email", "login", "user_name", "userName", "email_address", "user", "phone")
PASSWORD_FIELDS = ("password", "passwd", "pass", "secret")
TOKEN_FIELDS = ("access_token", "accessToken", "token", "jwt", "id_token", "idToken", "auth_token", "key")
_ME_SUFFIXES = ("/me", "/users/me", "/auth/me", "/user/me", "/whoami", "/account/me", "/profile/me")


def detect_auth(
    operations: tuple[Operation, ...], schemes: tuple[SecurityScheme, ...], base_path: str = ""
) -> AuthFlow:
    """The AuthFlow the spec describes, or ``kind="none"`` when the API needs no credentials."""
    scheme = _primary_scheme(operations, schemes)
    flow = _flow_for_scheme(scheme) if scheme else AuthFlow()
    login = _oauth_login(scheme, operations, base_path) if scheme and scheme.token_url else None
    flow = _with_login(flow, login) if login else _with_login(flow, _find_login(operations))
    register = _find_register(operations)
    if register is not None:
        flow = replace(flow, register_operation=register.key, register_fields=_register_fields(register))
    me = _find_current_user(operations)
    if me is not None:
        flow = replace(flow, current_user_operation=me.key)
    return _with_notes(flow, operations, schemes)


def _primary_scheme(
    operations: tuple[Operation, ...], schemes: tuple[SecurityScheme, ...]
) -> SecurityScheme | None:
    """The scheme most operations use; the first declared one if none says."""
    counts: dict[str, int] = {}
    for op in operations:
        for name in op.security:
            counts[name] = counts.get(name, 0) + 1
    by_name = {s.name: s for s in schemes}
    used = sorted((n for n in counts if n in by_name), key=lambda n: -counts[n])
    if used:
        return by_name[used[0]]
    return schemes[0] if schemes else None


def _flow_for_scheme(scheme: SecurityScheme) -> AuthFlow:
    if scheme.kind == "http_basic":
        return AuthFlow(kind="basic", scheme=scheme.name)
    if scheme.kind == "api_key":
        where = scheme.location or "header"
        kind: AuthKind = "cookie" if where == "cookie" else "api_key"
        notes = (
            (f"the API key goes in the query parameter {scheme.parameter_name}",) if where == "query" else ()
        )
        return AuthFlow(kind=kind, scheme=scheme.name, header_name=scheme.parameter_name or "", notes=notes)
    if scheme.kind == "other":
        return AuthFlow(kind="bearer", scheme=scheme.name, notes=(f"scheme {scheme.name} is not standard",))
    return AuthFlow(kind="bearer", scheme=scheme.name)


def _oauth_login(scheme: SecurityScheme, operations: tuple[Operation, ...], base_path: str) -> AuthFlow:
    path = token_path(scheme.token_url or "", base_path)
    op = next((o for o in operations if o.method == "POST" and _same_path(o.path, path, base_path)), None)
    if op is None:
        # OAuth2 password flow: the token endpoint takes a form by the RFC, even undocumented.
        note = f"the tokenUrl {scheme.token_url} is not an operation of the spec"
        return AuthFlow(login_operation=f"POST {path}", login_format="form", notes=(note,))
    documented = _login_from(op)
    if documented is not None:
        return documented
    token = _token_field(op) or "access_token"
    return AuthFlow(login_operation=op.key, login_format="form", token_field=token)


def _same_path(op_path: str, wanted: str, base_path: str) -> bool:
    full = f"{base_path}{op_path}".rstrip("/")
    return wanted.rstrip("/") in {op_path.rstrip("/"), full}


def _with_login(flow: AuthFlow, login: AuthFlow | None) -> AuthFlow:
    if login is None or login.login_operation is None:
        return flow
    return replace(
        flow,
        login_operation=login.login_operation,
        login_format=login.login_format,
        username_field=login.username_field,
        password_field=login.password_field,
        token_field=login.token_field,
        notes=flow.notes + login.notes,
    )


def _find_login(operations: tuple[Operation, ...]) -> AuthFlow | None:
    candidates = [op for op in operations if op.method == "POST" and _is_login(op)]
    scored = sorted(candidates, key=lambda op: (_credential_fields(op)[1] is None, len(op.path)))
    for op in scored:
        flow = _login_from(op)
        if flow is not None:
            return flow
    return None


def _login_from(op: Operation) -> AuthFlow | None:
    """The login an operation offers when its body has a password field."""
    user, password = _credential_fields(op)
    if password is None:
        return None
    token = _token_field(op)
    is_form = op.request_body is not None and "form" in op.request_body.content_type
    return AuthFlow(
        login_operation=op.key,
        login_format="form" if is_form else "json",
        username_field=user or "username",
        password_field=password,
        token_field=token or "access_token",
        notes=() if token else (f"{op.key} documents no token field; guessing access_token",),
    )


def _op_words(op: Operation) -> set[str]:
    found = {w for segment in op.path.split("/") if "{" not in segment for w in words(segment)}
    found |= set(words(op.operation_id or ""))
    joined = op.path.lower().replace("-", "").replace("_", "")
    if "signin" in joined or "login" in joined:
        found.add("login")
    if "signup" in joined:
        found.add("signup")
    return found


def _is_login(op: Operation) -> bool:
    found = _op_words(op)
    return bool(found & _LOGIN_WORDS) and not found & _NOT_LOGIN and not found & _REGISTER_WORDS


def _credential_fields(op: Operation) -> tuple[str | None, str | None]:
    props = object_properties(op.request_body.schema) if op.request_body else {}
    user = next((f for f in USERNAME_FIELDS if f in props), None)
    password = next((f for f in PASSWORD_FIELDS if f in props), None)
    return user, password


def _token_field(op: Operation) -> str | None:
    props = object_properties(success_schema(op) or {})
    for name in TOKEN_FIELDS:
        if name in props:
            return name
    data = props.get("data")
    inner = object_properties(data) if data is not None else {}
    return next((f"data.{name}" for name in TOKEN_FIELDS if name in inner), None)


def _find_register(operations: tuple[Operation, ...]) -> Operation | None:
    posts = [op for op in operations if op.method == "POST"]
    named = [op for op in posts if _op_words(op) & (_REGISTER_WORDS | {"signup"})]
    if named:
        return min(named, key=lambda op: len(op.path))
    users = [op for op in posts if not op.requires_auth and op.path.rstrip("/").endswith("/users")]
    return users[0] if users else None


def _register_fields(op: Operation) -> tuple[str, ...]:
    schema: JsonObject = op.request_body.schema if op.request_body else {}
    required = required_fields(schema)
    if required:
        return required
    props = object_properties(schema)
    return tuple(f for f in (*USERNAME_FIELDS, *PASSWORD_FIELDS) if f in props)


def _find_current_user(operations: tuple[Operation, ...]) -> Operation | None:
    gets = [op for op in operations if op.method == "GET" and "{" not in op.path]
    for suffix in _ME_SUFFIXES:
        for op in gets:
            if op.path.rstrip("/").endswith(suffix):
                return op
    return next((op for op in gets if op.path.rstrip("/").endswith(("/user", "/account", "/profile"))), None)


def _with_notes(
    flow: AuthFlow, operations: tuple[Operation, ...], schemes: tuple[SecurityScheme, ...]
) -> AuthFlow:
    notes = list(flow.notes)
    if not schemes and _documents_401(operations):
        notes.append("operations document 401/403 but the spec declares no security scheme")
    if flow.login_operation is not None and flow.kind == "none":
        # A login that hands out a token is the strongest hint of what protected calls want.
        notes.append(
            f"{flow.login_operation} hands out a token but no scheme says how to send it; assuming bearer"
        )
        flow = replace(flow, kind="bearer")
    if flow.kind == "none" and not notes:
        notes.append("the spec describes no authentication")
    return replace(flow, notes=tuple(dict.fromkeys(notes)))


def _documents_401(operations: tuple[Operation, ...]) -> bool:
    return any(s in {"401", "403"} for op in operations for s in op.documented_statuses())
