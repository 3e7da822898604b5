"""The catch-all baseline: an answer like the one to a path that cannot exist is no endpoint."""

from __future__ import annotations

from assay.spec.catch_all import absent_urls, baseline, matches, note, noted

INDEX = (
    "<!doctype html><html><head><title>Shop</title><script src='/static/app.js'></script>"
    "<link href='https://fonts.googleapis.com/css'></head><body><div id=root></div></body></html>"
)
ABSENT = "/assay-absent-0123456789/"


def test_the_absent_paths_sit_at_the_root_and_under_the_base_path() -> None:
    urls = absent_urls("http://h/app")
    assert urls[0].startswith("http://h/assay-absent-") and urls[0].endswith("/")
    assert urls[1].startswith("http://h/app/api/assay-absent-")
    assert absent_urls("http://h/app") == urls  # the same paths again on the next run


def test_a_single_page_apps_index_for_any_path_matches() -> None:
    base = baseline(ABSENT, 200, "text/html; charset=utf-8", INDEX)
    # "api" occurs in the page (googleapis): the very same body still matches.
    assert matches(base, 200, "text/html", INDEX, "/api")
    assert matches(base, 200, "text/html", INDEX, "/api/users")


def test_a_soft_404_that_repeats_the_path_matches() -> None:
    def page(path: str) -> str:
        request = f"<p>Request 1{len(path)}7</p>"  # an id that changes with each answer
        return f"<html><body><h1>Not found</h1><p>No page at {path}.</p>\n  {request}</body></html>"

    base = baseline(ABSENT, 200, "text/html", page(ABSENT))
    assert matches(base, 200, "text/html", page("/api/users"), "/api/users")
    body = '{"error": "no route", "path": "%s"}'
    json_base = baseline("/api/assay-absent-x", 200, "application/json", body % "/api/assay-absent-x")
    assert matches(json_base, 200, "application/json", body % "/api/items", "/api/items")


def test_an_html_page_with_a_nonce_matches_by_title_and_length() -> None:
    base = baseline(ABSENT, 200, "text/html", INDEX.replace("<body>", "<body nonce='abcdefgh'>"))
    assert matches(base, 200, "text/html", INDEX.replace("<body>", "<body nonce='zyxwvuts'>"), "/users")


def test_a_real_endpoint_or_another_page_does_not_match() -> None:
    base = baseline(ABSENT, 200, "text/html", INDEX)
    assert not matches(base, 200, "application/json", '[{"id": 1}]', "/api/items")
    other = "<!doctype html><html><head><title>Users</title></head><body><ul><li>ann</li></ul></body></html>"
    assert not matches(base, 200, "text/html", other, "/users")
    longer = INDEX.replace("<div id=root></div>", "<main>" + "a real page " * 20 + "</main>")
    assert not matches(base, 200, "text/html", longer, "/users")
    assert not matches(base, 401, "text/html", INDEX, "/users")  # another status: something is there


def test_a_redirect_matches_only_to_the_same_place() -> None:
    base = baseline(ABSENT, 302, "", "", location="/login?next=" + ABSENT)
    assert matches(base, 302, "", "", "/users", location="/login?next=/users")
    assert not matches(base, 302, "", "", "/api", location="/api/")


def test_the_note_is_read_back() -> None:
    line = note(["/api", "/api/users"])
    assert line.startswith("2 probed paths answered like a path that cannot exist")
    assert noted(("something else", line)) == line and noted(()) is None
