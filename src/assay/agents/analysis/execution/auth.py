"""Becoming an authenticated client of the target, from what Observation found out (AuthFlow).

With the user's credentials we log in; with none and a public registration operation we
register a throwaway user of our own and log in as it. The resulting ``AuthSession`` carries the
headers (or query parameters) to add, every secret value to redact, and a ``malformed`` variant
with a garbage token for the "bad token is refused" checks. Nothing here logs a secret.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urlsplit

from assay.agents.analysis.execution.recipe_login import extracted_token, recipe_request
from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json, JsonObject, as_object, as_str, dig
from assay.domain.login_recipe import LoginRecipe
from assay.domain.operations import ApiModel, Operation
from assay.domain.ports import HttpTransport
from assay.domain.scenarios import Expectation
from assay.domain.target import Credentials, Target
from assay.spec.placeholders import join_url, new_unique

TOKEN_FIELDS = ("access_token", "token", "accessToken", "jwt", "id_token", "auth_token", "key")
_COOKIE = re.compile(r"(?:^|,)\s*([^=;,\s]+)=([^;,]*)")
_COOKIE_ATTRS = {"expires", "path", "domain", "max-age", "samesite", "httponly", "secure"}
MALFORMED_TOKEN = "assay.malformed.token"
MALFORMED_IDENTITY = "invalid token"  # the role name of requests sent with a garbled credential
FORGED_IDENTITY = "forged token"  # ... and of requests with a token assay forged (alg none, weak key)
# The scope name of the run's password for the accounts assay registers (``${new_password}``).
NEW_PASSWORD = "new_password"
_USER_FIELDS = ("username", "user_name", "login", "email", "user", "name")

Recorder = Callable[[Exchange], None]


@dataclass(frozen=True)
class AuthSession:
    """What to add to a request to be "the user", and what must never appear in an output."""

    # Kept out of repr: a session printed in a log or a traceback must not leak the token.
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    query: dict[str, str] = field(default_factory=dict, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    username: str | None = None
    registered: bool = False  # True when we created this user ourselves
    notes: tuple[str, ...] = ()

    @property
    def authenticated(self) -> bool:
        return bool(self.headers or self.query)

    @property
    def malformed(self) -> AuthSession:
        """The same session with a garbage credential in place of the real one."""
        headers = {
            k: _garble_cookie(v) if k.lower() == "cookie" else _garble(v) for k, v in self.headers.items()
        }
        query = {k: MALFORMED_TOKEN for k in self.query}
        return AuthSession(headers=headers, query=query, username=self.username)


def _garble_cookie(value: str) -> str:
    """The same cookies with garbage values: a malformed session, not a header with no cookie."""
    names = [part.split("=", 1)[0].strip() for part in value.split(";") if "=" in part]
    return "; ".join(f"{name}={MALFORMED_TOKEN}" for name in names) or MALFORMED_TOKEN


def _garble(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() in {"bearer", "basic", "token"}:
        return f"{scheme} {MALFORMED_TOKEN}"
    return MALFORMED_TOKEN


def extract_token(body: Json, token_field: str) -> str | None:
    """The token in a login answer: ``token_field`` first, then the usual names, also under ``data``."""
    for name in (token_field, *TOKEN_FIELDS):
        for path in (name, f"data.{name}", f"result.{name}"):
            value = dig(body, path)
            if isinstance(value, str) and value:
                return value
    return None


def parse_set_cookie(header: str | None) -> dict[str, str]:
    """Cookie name -> value from a (possibly comma-joined) Set-Cookie header."""
    cookies: dict[str, str] = {}
    for name, value in _COOKIE.findall(header or ""):
        if name.lower() not in _COOKIE_ATTRS:
            cookies[name] = value
    return cookies


def with_cookies(session: AuthSession, set_cookie: str | None) -> AuthSession:
    """``session`` after an answer to it set cookies: its own jar, with rotated values replaced.

    Only a cookie session has a jar (an anonymous or token session gains no cookie this way); a
    cookie cleared by the server (empty value) is kept, so a later 401 says the session ended.
    """
    jar_header = session.headers.get("Cookie")
    fresh = {k: v for k, v in parse_set_cookie(set_cookie).items() if v}
    if jar_header is None or not fresh:
        return session
    jar = dict(part.strip().split("=", 1) for part in jar_header.split(";") if "=" in part)
    merged = {**jar, **fresh}
    if merged == jar:
        return session
    headers = {**session.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in merged.items())}
    added = tuple(v for v in fresh.values() if v not in session.secrets)
    return replace(session, headers=headers, secrets=(*session.secrets, *added))


def with_fixed_headers(session: AuthSession, creds: Credentials | None) -> AuthSession:
    """``session`` with the fixed headers given for this identity (they win over a login's own):
    a static credential is the session, or part of it, for every request made as this identity."""
    if creds is None or not creds.headers:
        return session
    fixed = dict(creds.headers)
    kept = {k: v for k, v in session.headers.items() if k.lower() not in {n.lower() for n in fixed}}
    added = tuple(s for s in creds.secrets if s not in session.secrets)
    return replace(session, headers={**kept, **fixed}, secrets=(*session.secrets, *added))


def strong_password() -> str:
    """A password any sane policy accepts: upper, lower, digit, symbol, 20 characters."""
    return "Aa1!" + secrets.token_urlsafe(12)[:16]


def account_created(request: RecordedRequest, response: RecordedResponse | None, password: str) -> str | None:
    """The user name of an account a request registered with the run's ``password``, if it did.

    A 2xx answer to a body that carries the run's own password is an account assay created (a
    registration, or a user made through an admin operation): it goes into the run's ledger.
    """
    body = request.body
    if response is None or response.status // 100 != 2 or not isinstance(body, dict) or not password:
        return None
    if password not in (v for v in body.values() if isinstance(v, str)):
        return None
    lowered = {k.lower(): v for k, v in body.items()}
    return next((as_str(lowered[f]) for f in _USER_FIELDS if as_str(lowered.get(f))), None)


def sample_value(name: str, schema: JsonObject, unique: str) -> Json:
    """A plausible value for a registration field, from its schema and name."""
    lname = name.lower()
    kind = as_str(schema.get("type"))
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    if kind in {"integer", "number"}:
        return 30
    if kind == "boolean":
        return True
    if "mail" in lname or as_str(schema.get("format")) == "email":
        return f"assay.{unique}@example.com"
    if "phone" in lname:
        return "+15555550123"
    if "url" in lname or as_str(schema.get("format")) == "uri":
        return "https://example.com/assay"
    if "name" in lname and lname not in {"username", "user_name", "login"}:
        return f"Assay {unique}"
    return f"assay_{unique}"


def _body_schema(op: Operation | None) -> JsonObject:
    return as_object(op.request_body.schema) if op and op.request_body else {}


def _register_body(api: ApiModel, unique: str, password: str) -> JsonObject:
    flow = api.auth
    op = api.operation(flow.register_operation or "")
    props = as_object(_body_schema(op).get("properties"))
    # The login's username field is sent only when registration knows it (it is often the email).
    names = [*([flow.username_field] if flow.username_field in props else []), *flow.register_fields]
    body: JsonObject = {}
    for name in dict.fromkeys(names):
        body[name] = sample_value(name, as_object(props.get(name)), unique)
    body[flow.password_field] = password
    if "email" in props and "email" not in body:
        body["email"] = sample_value("email", as_object(props.get("email")), unique)
    return body


def register_body(api: ApiModel, unique: str, password: str) -> JsonObject:
    """The registration body assay sends for a fresh user (the families add fields to it)."""
    return _register_body(api, unique, password)


class Authenticator:
    """Logs in (or registers then logs in) once, and again when a token has expired."""

    def __init__(
        self,
        api: ApiModel,
        target: Target,
        transport: HttpTransport,
        *,
        record: Recorder | None = None,
        max_refreshes: int = 2,
    ) -> None:
        self._api = api
        self._target = target
        self._transport = transport
        self._record = record
        self._refreshes_left = max_refreshes
        self._creds: Credentials | None = target.credentials[0] if target.credentials else None
        self.session = AuthSession()
        self.secrets: list[str] = list(dict.fromkeys(s for c in target.credentials for s in c.secrets))
        # The identity the session belongs to (given or registered); scenarios may log in as it.
        self.identity: Credentials | None = self._creds

    async def login(self) -> AuthSession:
        """Obtain a session; never raises for a target that refuses us (the notes say why)."""
        flow = self._api.auth
        if self._creds is not None and self._creds.headers_only:
            self.session = AuthSession(notes=("authenticated by the fixed headers given",))
        elif self._creds is not None and self._creds.login is not None:
            self.session = await self._recipe_login(self._creds, self._creds.login)
        elif flow.kind == "none":
            self.session = AuthSession(notes=("the API declares no authentication",))
        elif flow.kind in {"basic", "api_key"}:
            self.session = self._static_session()
        else:
            self.session = await self._login_flow()
        self.session = with_fixed_headers(self.session, self._creds)
        self.secrets.extend(s for s in self.session.secrets if s not in self.secrets)
        return self.session

    def absorb(self, response: RecordedResponse | None) -> None:
        """Keep the cookies an answer to this session set (a rotated session id), as a browser would."""
        updated = with_cookies(self.session, response.header("set-cookie") if response else None)
        if updated is not self.session:
            self.secrets.extend(s for s in updated.secrets if s not in self.secrets)
            self.session = updated

    async def refresh(self) -> AuthSession | None:
        """Log in again after a 401 on an operation that worked before; None when out of retries."""
        described = self._creds is not None and self._creds.login is not None
        if self._refreshes_left <= 0 or (
            not described and self._api.auth.kind in {"none", "basic", "api_key"}
        ):
            return None
        self._refreshes_left -= 1
        previous = self.session
        session = await self.login()
        return session if session.authenticated and session != previous else None

    def _static_session(self) -> AuthSession:
        flow = self._api.auth
        if self._creds is None:
            return AuthSession(notes=(f"{flow.kind} authentication needs credentials; none given",))
        if flow.kind == "basic":
            raw = f"{self._creds.username}:{self._creds.password}".encode()
            token = base64.b64encode(raw).decode()
            return AuthSession(
                headers={"Authorization": f"Basic {token}"},
                secrets=(self._creds.password, token),
                username=self._creds.username,
            )
        key = self._creds.password or self._creds.username
        scheme = next((s for s in self._api.security_schemes if s.kind == "api_key"), None)
        name = (scheme.parameter_name if scheme else None) or flow.header_name
        if scheme is not None and scheme.location == "query":
            return AuthSession(query={name: key}, secrets=(key,))
        if scheme is not None and scheme.location == "cookie":
            return AuthSession(headers={"Cookie": f"{name}={key}"}, secrets=(key,))
        return AuthSession(headers={name: key}, secrets=(key,))

    async def _login_flow(self) -> AuthSession:
        flow = self._api.auth
        creds = self._creds
        registered = False
        if creds is None:
            creds = await self._register()
            registered = creds is not None
            # From now on this is the user we log in as: a refresh logs in again, never re-registers.
            self._creds = self.identity = creds
        if creds is None:
            return AuthSession(notes=("no credentials given and no public registration to create a user",))
        if flow.login_operation is None:
            return AuthSession(notes=("no login operation found",), username=creds.username)
        session = await self._login(creds)
        return replace(session, registered=registered)

    async def _register(self) -> Credentials | None:
        flow = self._api.auth
        op = self._api.operation(flow.register_operation or "")
        if op is None or op.requires_auth:
            return None
        # The run's own password, random per run: never a constant a generated test could copy.
        password = self._target.ledger.password
        if password not in self.secrets:
            self.secrets.append(password)
        body = _register_body(self._api, new_unique(), password)
        response = await self._call(op, body, "json")
        if response is None or response.status // 100 != 2:
            return None
        username = as_str(body.get(flow.username_field)) or as_str(body.get("email"))
        self._target.ledger.record("account", username, f"{op.method} {op.path}")
        return Credentials(username=username, password=password)

    async def _login(self, creds: Credentials) -> AuthSession:
        flow = self._api.auth
        op = self._api.operation(flow.login_operation or "")
        if op is None:
            return AuthSession(notes=(f"login operation {flow.login_operation} is not in the model",))
        body: JsonObject = {flow.username_field: creds.username, flow.password_field: creds.password}
        response = await self._call(op, body, flow.login_format)
        if response is None or response.status // 100 != 2:
            status = response.status if response else "no answer"
            return AuthSession(notes=(f"login {op.key} failed: {status}",), username=creds.username)
        return self._session_from(response, creds)

    def _session_from(self, response: RecordedResponse, creds: Credentials) -> AuthSession:
        flow = self._api.auth
        token = extract_token(response.json, flow.token_field)
        cookies = parse_set_cookie(response.header("set-cookie"))
        base = (creds.password,)
        if token and flow.kind != "cookie":
            value = f"Bearer {token}" if flow.header_name.lower() == "authorization" else token
            return AuthSession(
                headers={flow.header_name: value}, secrets=(*base, token), username=creds.username
            )
        if cookies:
            jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
            return AuthSession(
                headers={"Cookie": jar}, secrets=(*base, *cookies.values()), username=creds.username
            )
        return AuthSession(notes=("login answered but carried no token or cookie",), username=creds.username)

    async def _recipe_login(self, creds: Credentials, recipe: LoginRecipe) -> AuthSession:
        """Log in exactly as the WFC file says, and take the token or cookies where it says."""
        request = recipe_request(recipe, self._target.base_url)
        where = f"{request.method} {urlsplit(request.url).path or '/'}"
        response = await self._send(request, None, urlsplit(request.url).path or "/")
        user = creds.username or None
        if response is None or response.status // 100 != 2:
            status = response.status if response else "no answer"
            return AuthSession(notes=(f"login {where} (WFC auth file) failed: {status}",), username=user)
        known = tuple(s for s in (creds.password, *recipe.secrets) if s)
        if recipe.token is not None:
            token = extracted_token(recipe, response)
            if token is None:
                place = f"header {recipe.token.selector}" if recipe.token.extract_from == "header" else "body"
                note = f"login {where} answered without a token at {recipe.token.selector!r} ({place})"
                return AuthSession(notes=(note,), username=user)
            value = recipe.token.value(token)
            carried = {recipe.token.send_name: value}
            secrets = (*known, token, value)
            if recipe.token.send_in == "query":
                return AuthSession(query=carried, secrets=secrets, username=user)
            return AuthSession(headers=carried, secrets=secrets, username=user)
        cookies = parse_set_cookie(response.header("set-cookie"))
        if not cookies:
            return AuthSession(notes=(f"login {where} set no cookie (expectCookies)",), username=user)
        jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return AuthSession(headers={"Cookie": jar}, secrets=(*known, *cookies.values()), username=user)

    async def _call(self, op: Operation, body: JsonObject, fmt: str) -> RecordedResponse | None:
        content_type = "application/x-www-form-urlencoded" if fmt == "form" else "application/json"
        # A form body travels as its encoded string: the transport sends strings as they are.
        payload: Json = urlencode({k: as_str(v, str(v)) for k, v in body.items()}) if fmt == "form" else body
        request = RecordedRequest(
            method=op.method,
            url=join_url(self._target.base_url, self._api.base_path, op.path),
            headers={"Content-Type": content_type},
            body=payload,
            has_body=True,
            content_type=content_type,
        )
        return await self._send(request, op.key, op.path)

    async def _send(
        self, request: RecordedRequest, operation: str | None, path: str
    ) -> RecordedResponse | None:
        try:
            response: RecordedResponse | None = await self._transport.send(request)
            error = None
        except (TargetError, SafetyError) as exc:
            response, error = None, str(exc) or type(exc).__name__
        if self._record is not None:
            self._record(
                Exchange(
                    request=request,
                    response=response,
                    error=error,
                    operation=operation,
                    path_template=path,
                    action="authenticate",
                    intent="setup",
                    expect=Expectation(status_classes=(2,), validate_schema=False),
                )
            )
        return response
