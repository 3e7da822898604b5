"""Web Fuzzing Commons auth files: the users EvoMaster, Schemathesis and CATS are given.

The format is ``auth.yaml`` of the ``webfuzzing-commons`` package (WebFuzzing/Commons). Accepted
here, in JSON, YAML or TOML: ``fixedHeaders`` (a token header, an API key, a ``Cookie``);
``loginEndpointAuth`` with ``endpoint`` or ``externalEndpointURL``, ``verb``, ``contentType``,
``headers``, a body as ``payloadRaw`` or ``payloadUserPwd`` (with its field names), and what the
answer gives: a ``token`` (``extractFrom``/``extractSelector``/``sendIn``/``sendName``/
``sendTemplate``, or EvoMaster's older ``extractFromField``/``httpHeaderName``/``headerPrefix``)
or cookies (``expectCookies``); ``authTemplate`` fills in what each entry leaves out, at any depth.

A login whose answer the file describes (a token or cookies) is performed exactly as written
(``assay.agents.analysis.execution.recipe_login``); one that does not is a username and password
for assay's own login discovery.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import yaml

from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.domain.login_recipe import LoginRecipe, TokenRecipe
from assay.domain.target import Credentials

_ROLE_WORDS = ("superuser", "admin", "root", "staff", "moderator", "manager", "support", "owner")
_USER_KEYS = ("username", "user", "login", "email", "name", "userName", "user_name")
_PASSWORD_KEYS = ("password", "pass", "passwd", "pwd", "secret")
_FORM = "application/x-www-form-urlencoded"


def _read_document(path: Path) -> JsonObject:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        return as_object(_json(tomllib.loads(text)))
    if path.suffix.lower() == ".json":
        return as_object(_json(json.loads(text)))
    try:
        return as_object(_json(yaml.safe_load(text)))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from exc


def _json(value: object) -> Json:
    """A parsed YAML/TOML value as plain JSON (dates and other scalars become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return str(value)


def merged(entry: JsonObject, template: JsonObject) -> JsonObject:
    """``entry`` with the template's fields filled in wherever the entry has none, at any depth
    (a template's ``loginEndpointAuth.token`` reaches an entry that gives only its payload)."""
    out: JsonObject = dict(template)
    for key, value in entry.items():
        base = template.get(key)
        out[key] = merged(value, base) if isinstance(base, dict) and isinstance(value, dict) else value
    return out


def _raw_payload(raw: str) -> JsonObject:
    try:
        return as_object(json.loads(raw))
    except ValueError:
        return {k: v for k, v in parse_qsl(raw)}


def _pick(payload: JsonObject, keys: tuple[str, ...]) -> str:
    return next((as_str(payload[k]) for k in keys if as_str(payload.get(k))), "")


def _role_of(name: str) -> str:
    lowered = name.lower()
    return next((w for w in _ROLE_WORDS if w in lowered), "user")


def _headers(value: Json) -> tuple[tuple[str, str], ...]:
    """A WFC header list (``[{name, value}]``)."""
    pairs = (as_object(h) for h in as_list(value))
    return tuple((as_str(h.get("name")), as_str(h.get("value"))) for h in pairs if as_str(h.get("name")))


def _token(value: Json) -> TokenRecipe | None:
    """The token block, in the current names or EvoMaster's older ones."""
    token = as_object(value)
    if not token:
        return None
    prefix = as_str(token.get("headerPrefix"))
    template = as_str(token.get("sendTemplate")) or (f"{prefix}{{token}}" if prefix else "{token}")
    return TokenRecipe(
        extract_from="header" if as_str(token.get("extractFrom")).lower() == "header" else "body",
        selector=as_str(token.get("extractSelector")) or as_str(token.get("extractFromField")),
        send_in="query" if as_str(token.get("sendIn")).lower() == "query" else "header",
        send_name=as_str(token.get("sendName")) or as_str(token.get("httpHeaderName")) or "Authorization",
        template=template if "{token}" in template else template + "{token}",
    )


def _user_password_body(pair: JsonObject, content_type: str) -> str:
    fields = {
        as_str(pair.get("usernameField"), "username") or "username": as_str(pair.get("username")),
        as_str(pair.get("passwordField"), "password") or "password": as_str(pair.get("password")),
    }
    return urlencode(fields) if content_type.lower().startswith(_FORM) else json.dumps(fields)


def _recipe(login: JsonObject) -> LoginRecipe | None:
    """The login as the file describes it, when it says what the answer gives (token or cookies)."""
    token = _token(login.get("token"))
    expect_cookies = login.get("expectCookies") is True
    if token is None and not expect_cookies:
        return None
    content_type = as_str(login.get("contentType")) or None
    pair = as_object(login.get("payloadUserPwd"))
    body = as_str(login.get("payloadRaw")) or None
    if body is None and pair:
        content_type = content_type or "application/json"
        body = _user_password_body(pair, content_type)
    return LoginRecipe(
        method=(as_str(login.get("verb")) or "POST").upper(),
        endpoint=as_str(login.get("endpoint")),
        url=as_str(login.get("externalEndpointURL")),
        body=body,
        content_type=content_type,
        headers=_headers(login.get("headers")),
        token=token,
        expect_cookies=expect_cookies,
    )


def credentials_of(entry: JsonObject) -> Credentials | None:
    """The identity one (template-merged) ``auth`` entry names, or None when it names none."""
    role, headers = _role_of(as_str(entry.get("name"))), _headers(entry.get("fixedHeaders"))
    login = as_object(entry.get("loginEndpointAuth"))
    recipe = _recipe(login) if login else None
    pair = as_object(login.get("payloadUserPwd"))
    username, password = as_str(pair.get("username")), as_str(pair.get("password"))
    if not username and as_str(login.get("payloadRaw")):
        raw = _raw_payload(as_str(login.get("payloadRaw")))
        username, password = _pick(raw, _USER_KEYS), _pick(raw, _PASSWORD_KEYS)
    if not username and recipe is None:
        return Credentials("", "", role, headers=headers) if headers else None
    return Credentials(username=username, password=password, role=role, headers=headers, login=recipe)


def load_wfc_auth(path: str | Path) -> tuple[Credentials, ...]:
    """The users of a WFC auth file (YAML, JSON or TOML), ``authTemplate`` applied.

    Each entry's ``name`` gives the role when it contains a role word (``admin``, ``staff``...),
    else ``user``. An entry's ``fixedHeaders`` (static tokens, API keys, cookies) are sent on every
    request made as that user; an entry with only ``fixedHeaders`` is an identity with no login.
    Raises ``ValueError`` when the file has no ``auth`` list.
    """
    document = _read_document(Path(path))
    entries = document.get("auth")
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a WFC auth file needs an 'auth' list (see WebFuzzing/Commons auth.md)")
    template = as_object(document.get("authTemplate"))
    found = (credentials_of(merged(as_object(e), template)) for e in as_list(entries))
    return tuple(c for c in found if c is not None)
