"""Placeholder substitution and request rendering."""

from __future__ import annotations

import re

from assay.domain.json import JsonObject
from assay.domain.scenarios import RequestSpec
from assay.spec.placeholders import (
    join_url,
    missing_placeholders,
    new_unique,
    render_path,
    render_request,
    substitute,
)


def test_whole_string_placeholder_keeps_json_type() -> None:
    scope: JsonObject = {"item.id": 42, "flag": True, "tags": ["a"]}
    assert substitute("${item.id}", scope) == 42
    assert substitute({"ok": "${flag}", "t": "${tags}"}, scope) == {"ok": True, "t": ["a"]}


def test_embedded_placeholder_is_interpolated_as_text() -> None:
    scope: JsonObject = {"unique": "abc123", "n": 7}
    assert substitute("user_${unique}@example.com", scope) == "user_abc123@example.com"
    assert substitute(["n=${n}", {"deep": ["${unique}"]}], scope) == ["n=7", {"deep": ["abc123"]}]


def test_unknown_placeholder_is_left_and_reported() -> None:
    spec = RequestSpec("GET /a/{id}", "GET", "/a/{id}", path_params={"id": "${x.id}"}, query={"q": "${q}"})
    assert substitute("${nope}", {}) == "${nope}"
    assert missing_placeholders(spec, {"q": 1}) == ["x.id"]


def test_unique_token_is_short_lowercase_alnum_and_fresh() -> None:
    tokens = {new_unique() for _ in range(50)}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[a-z][a-z0-9]{9}", t) for t in tokens)


def test_render_path_quotes_params_and_applies_variant() -> None:
    spec = RequestSpec("GET /f/{name}", "GET", "/f/{name}", path_params={"name": "${v}"})
    assert render_path(spec, {"v": "a b/c"}) == "/f/a%20b%2Fc"
    add = RequestSpec("GET /items", "GET", "/items", path_variant="add_slash")
    strip = RequestSpec("GET /items/", "GET", "/items/", path_variant="strip_slash")
    assert render_path(add, {}) == "/items/"
    assert render_path(strip, {}) == "/items"


def test_join_url_never_doubles_slashes_or_base_path() -> None:
    assert join_url("http://h:1/", "/api/", "/items") == "http://h:1/api/items"
    assert join_url("http://h:1", "", "items") == "http://h:1/items"
    assert join_url("http://h:1/api", "/api", "/items") == "http://h:1/api/items"


def test_render_request_builds_url_query_headers_and_body() -> None:
    spec = RequestSpec(
        "POST /items",
        "POST",
        "/items",
        query={"tag": ["a", "b"], "n": "${n}"},
        headers={"X-Trace": "${unique}"},
        body={"name": "it-${unique}", "count": "${n}"},
        has_body=True,
    )
    request = render_request(
        spec,
        base_url="http://h",
        base_path="/v1",
        scope={"unique": "u1", "n": 3},
        auth_headers={"Authorization": "Bearer t"},
    )
    assert request.url == "http://h/v1/items?tag=a&tag=b&n=3"
    assert request.headers == {
        "X-Trace": "u1",
        "Authorization": "Bearer t",
        "Content-Type": "application/json",
    }
    assert request.body == {"name": "it-u1", "count": 3}
    assert request.has_body and request.content_type == "application/json"


def test_render_request_without_body_and_with_auth_query() -> None:
    spec = RequestSpec("GET /items", "GET", "/items")
    request = render_request(spec, base_url="http://h", base_path="", scope={}, auth_query={"api_key": "k"})
    assert request.url == "http://h/items?api_key=k"
    assert request.body is None and not request.has_body and request.content_type is None
