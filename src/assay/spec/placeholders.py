"""Fill ``${name}`` / ``${unique}`` placeholders and render a RequestSpec into a concrete request.

A string that is exactly one placeholder is replaced by the raw value (``"${item.id}"`` -> ``42``),
so numeric ids stay numbers in JSON bodies; inside a longer string the value is interpolated as
text. Unknown placeholders are left untouched and reported by :func:`missing_placeholders`, so
the runner can tell "an earlier step did not give us the id" from a real server answer.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit

from assay.domain.exchanges import RecordedRequest
from assay.domain.json import Json
from assay.domain.scenarios import RequestSpec

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.\-]+)\}")
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

UNIQUE = "unique"


def new_unique() -> str:
    """A fresh token for ``${unique}``: 10 lowercase alphanumerics, valid in emails and usernames."""
    # A letter first: some servers reject usernames that start with a digit.
    return secrets.choice(_ALPHABET[:26]) + "".join(secrets.choice(_ALPHABET) for _ in range(9))


def _as_text(value: Json) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _substitute_str(text: str, scope: Mapping[str, Json]) -> Json:
    whole = _PLACEHOLDER.fullmatch(text)
    if whole and whole.group(1) in scope:
        return scope[whole.group(1)]

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        return _as_text(scope[name]) if name in scope else match.group(0)

    return _PLACEHOLDER.sub(repl, text)


def substitute(value: Json, scope: Mapping[str, Json]) -> Json:
    """``value`` with every known placeholder replaced, recursively through lists and objects."""
    if isinstance(value, str):
        return _substitute_str(value, scope)
    if isinstance(value, list):
        return [substitute(v, scope) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, scope) for k, v in value.items()}
    return value


def _placeholders_in(value: Json) -> set[str]:
    if isinstance(value, str):
        return set(_PLACEHOLDER.findall(value))
    if isinstance(value, list):
        return set().union(*(_placeholders_in(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(_placeholders_in(v) for v in value.values())) if value else set()
    return set()


def missing_placeholders(spec: RequestSpec, scope: Mapping[str, Json]) -> list[str]:
    """Placeholder names the request uses that ``scope`` cannot fill, sorted."""
    headers: dict[str, Json] = dict(spec.headers)
    parts: list[Json] = [spec.path_params, spec.query, headers, spec.body if spec.has_body else None]
    used = _placeholders_in(parts)
    return sorted(name for name in used if name not in scope)


def render_path(spec: RequestSpec, scope: Mapping[str, Json]) -> str:
    """The spec's path template with path parameters filled (URL-quoted) and its variant applied."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in spec.path_params:
            return match.group(0)
        return quote(_as_text(substitute(spec.path_params[name], scope)), safe="")

    path = _PATH_PARAM.sub(fill, spec.path)
    if spec.path_variant == "add_slash" and not path.endswith("/"):
        path += "/"
    elif spec.path_variant == "strip_slash" and len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def join_url(base_url: str, base_path: str, path: str) -> str:
    """``base_url`` + ``base_path`` + ``path`` with exactly one slash at each seam.

    The base path is skipped when the base URL already ends with it, since users often give
    ``http://host/api`` for a spec whose servers say ``/api``.
    """
    root = base_url.rstrip("/")
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if prefix and urlsplit(root).path.rstrip("/").endswith(prefix):
        prefix = ""
    tail = path if path.startswith("/") else "/" + path
    return root + prefix + tail


def _query_string(query: Mapping[str, Json]) -> str:
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if isinstance(value, list):
            pairs.extend((name, _as_text(v)) for v in value)
        elif value is not None:
            pairs.append((name, _as_text(value)))
    return urlencode(pairs)


def render_request(
    spec: RequestSpec,
    *,
    base_url: str,
    base_path: str,
    scope: Mapping[str, Json],
    auth_headers: Mapping[str, str] | None = None,
    auth_query: Mapping[str, str] | None = None,
) -> RecordedRequest:
    """The concrete request for ``spec``: URL, headers (spec's, then auth's) and body."""
    url = join_url(base_url, base_path, render_path(spec, scope))
    query: dict[str, Json] = {k: substitute(v, scope) for k, v in spec.query.items()}
    query.update(auth_query or {})
    if query:
        url += ("&" if "?" in url else "?") + _query_string(query)
    headers = {k: _as_text(substitute(v, scope)) for k, v in spec.headers.items()}
    headers.update(auth_headers or {})
    body = substitute(spec.body, scope) if spec.has_body else None
    if spec.has_body and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = spec.content_type
    return RecordedRequest(
        method=spec.method.upper(),
        url=url,
        headers=headers,
        body=body,
        has_body=spec.has_body,
        content_type=spec.content_type if spec.has_body else None,
    )
