"""Source for one HTTP call of a generated test or fixture (``client.request(...)``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from assay.agents.evolution.api_suite.pysource import WIDTH, py_literal, py_str
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


def _path_expr(request: RequestSpec) -> str:
    path = rendered_path(request)
    if not request.path_params and "{" not in path:
        return py_str(path)
    params = py_literal(dict(request.path_params), width=10_000)
    return f"fill_path({py_str(path)}, {params}, variables)"


def _value_expr(value: Json, indent: int, prefix: int) -> str:
    """The value's literal, wrapped in ``substitute(..., variables)`` when it holds placeholders."""
    if not has_placeholder(value):
        return py_literal(value, indent, prefix=prefix)
    literal = py_literal(value, indent, prefix=prefix + len("substitute(") + len(", variables)"))
    return f"substitute({literal}, variables)"


def _headers_expr(request: RequestSpec, ctx: SuiteContext, indent: int, auth_name: str) -> str | None:
    parts: list[str] = []
    if request.auth == "user" and ctx.needs_auth:
        parts.append(f"**{auth_name}")
    elif request.auth == "malformed":
        name, credential = ctx.malformed_credential()
        parts.append(f"{py_str(name)}: {py_str(credential)}")
    if request.headers:
        extra: Json = dict(request.headers)
        parts.append("**" + _value_expr(extra, indent, 30) if has_placeholder(extra) else _flat_items(extra))
    if not parts:
        return None
    if parts == [f"**{auth_name}"]:
        return auth_name
    return "{" + ", ".join(parts) + "}"


def _flat_items(headers: Json) -> str:
    literal = py_literal(headers, 0, 10_000)
    return literal[1:-1]


def _body_arg(request: RequestSpec, indent: int) -> str | None:
    if not request.has_body:
        return None
    kind = request.content_type.split(";")[0].strip().lower()
    value = _value_expr(request.body, indent, len("files=multipart(),"))
    if kind == "application/x-www-form-urlencoded":
        return f"data={value}"
    if kind == "multipart/form-data":
        return f"files=multipart({value})"
    if kind.endswith("json") or not kind:
        return f"json={value}"
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
    pad = " " * (indent + 4)
    args = [py_str(request.method.upper()), _path_expr(request)]
    if request.query:
        args.append("params=" + _value_expr(dict(request.query), indent + 4, len("params=,")))
    headers = _headers_expr(request, ctx, indent + 4, auth_name)
    if headers:
        args.append(f"headers={headers}")
    body = _body_arg(request, indent + 4)
    if body:
        args.append(body)
    assign = f"{target} = " if target else ""
    one_line = " " * indent + f"{assign}client.request({', '.join(args)})"
    if len(one_line) <= WIDTH and "\n" not in one_line:
        return one_line
    lines = [" " * indent + f"{assign}client.request("]
    lines += [f"{pad}{arg}," for arg in args]
    lines.append(" " * indent + ")")
    return "\n".join(lines)
