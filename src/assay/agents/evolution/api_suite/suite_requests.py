"""Source for one HTTP call of a generated test or fixture (``client.request(...)``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from assay.agents.evolution.api_suite.pysource import Arg, Call, Lit, flat_arg, flat_literal, layout, py_str
from assay.domain.json import Json
from assay.domain.operations import ApiModel
from assay.domain.scenarios import RequestSpec

PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
MALFORMED_TOKEN = "assay-malformed-credential"
RESERVED_FIXTURES = frozenset(
    {
        "auth_headers",
        "base_url",
        "cache",
        "capsys",
        "caplog",
        "client",
        "credentials",
        "monkeypatch",
        "pytestconfig",
        "recwarn",
        "request",
        "response",
        "tmp_path",
        "tmpdir",
        "unique",
        "variables",
    }
)


@dataclass(frozen=True)
class SuiteContext:
    """What every piece of the generated suite needs to know about the API."""

    api: ApiModel | None
    fixture_names: dict[str, str] = field(default_factory=dict)  # recipe name -> fixture name

    @property
    def needs_auth(self) -> bool:
        return self.api is not None and self.api.auth.kind != "none"

    @property
    def header_name(self) -> str:
        return self.api.auth.header_name if self.api else "Authorization"

    def malformed_credential(self) -> tuple[str, str]:
        """The header that carries a garbage credential where the API expects its own."""
        if self.api is not None and self.api.auth.kind == "cookie":
            # A cookie session's credential is a cookie: a header named after it would be no credential.
            return "Cookie", f"{self.header_name or 'session'}={MALFORMED_TOKEN}"
        if self.header_name == "Authorization":
            return "Authorization", f"Bearer {MALFORMED_TOKEN}"
        return self.header_name, MALFORMED_TOKEN


def has_placeholder(value: Json) -> bool:
    return bool(PLACEHOLDER.search(json.dumps(value)))


def rendered_path(request: RequestSpec) -> str:
    """The path template with the request's trailing-slash variant applied."""
    path = request.path
    if request.path_variant == "add_slash" and not path.endswith("/"):
        return path + "/"
    if request.path_variant == "strip_slash" and len(path) > 1:
        return path.rstrip("/") or "/"
    return path


def _path_expr(request: RequestSpec) -> Arg:
    path = rendered_path(request)
    if not request.path_params and "{" not in path:
        return py_str(path)
    return Call("fill_path", (py_str(path), Lit(dict(request.path_params)), "variables"))


def _value_expr(value: Json, keyword: str = "") -> Arg:
    """The value's literal, wrapped in ``substitute(..., variables)`` when it holds placeholders."""
    if not has_placeholder(value):
        return Lit(value, keyword)
    return Call("substitute", (Lit(value), "variables"), keyword)


def _headers_expr(request: RequestSpec, ctx: SuiteContext, auth_name: str) -> Arg | None:
    parts: list[str] = []
    if request.auth == "user" and ctx.needs_auth:
        parts.append(f"**{auth_name}")
    elif request.auth == "malformed":
        name, credential = ctx.malformed_credential()
        parts.append(f"{py_str(name)}: {py_str(credential)}")
    if request.headers:
        extra: Json = dict(request.headers)
        if has_placeholder(extra):
            parts.append("**" + flat_arg(_value_expr(extra)))
        else:
            parts.append(flat_literal(extra)[1:-1])
    if not parts:
        return None
    if parts == [f"**{auth_name}"]:
        return f"headers={auth_name}"
    return "headers={" + ", ".join(parts) + "}"


def _body_arg(request: RequestSpec) -> Arg | None:
    if not request.has_body:
        return None
    kind = request.content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return _value_expr(request.body, "data=")
    if kind == "multipart/form-data":
        return Call("multipart", (_value_expr(request.body),), "files=")
    if kind.endswith("json") or not kind:
        return _value_expr(request.body, "json=")
    text = request.body if isinstance(request.body, str) else json.dumps(request.body)
    return f"content={py_str(text)}"


def uses_auth_headers(request: RequestSpec, ctx: SuiteContext) -> bool:
    return request.auth == "user" and ctx.needs_auth


def uses_variables(request: RequestSpec) -> bool:
    """True when the call's source refers to ``variables``."""
    path = rendered_path(request)
    pieces: list[Json] = [dict(request.path_params), dict(request.query), dict(request.headers)]
    if request.has_body:
        pieces.append(request.body)
    return bool(request.path_params) or "{" in path or any(has_placeholder(p) for p in pieces)


def render_call(
    request: RequestSpec,
    ctx: SuiteContext,
    indent: int = 4,
    target: str = "response",
    auth_name: str = "auth_headers",
) -> str:
    """``response = client.request(...)`` for one request, formatted one argument per line.

    ``auth_name`` is the variable holding the identity's headers (``second_auth_headers``...).
    """
    args: list[Arg] = [py_str(request.method.upper()), _path_expr(request)]
    if request.query:
        args.append(_value_expr(dict(request.query), "params="))
    headers = _headers_expr(request, ctx, auth_name)
    if headers:
        args.append(headers)
    body = _body_arg(request)
    if body:
        args.append(body)
    assign = f"{target} = " if target else ""
    return " " * indent + assign + layout(Call("client.request", tuple(args)), indent, len(assign))
