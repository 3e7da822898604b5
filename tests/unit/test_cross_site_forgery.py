"""The CSRF judge: the cookie's SameSite decides which forged requests a browser carries the
session on; an accepted forged POST or a write by GET is a finding, a refusal is not."""

from __future__ import annotations

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.oracles.base import OracleContext
from assay.oracles.cross_site_forgery import (
    FormForgery,
    GetWrite,
    accepted,
    carried,
    get_calls,
    is_creating_name,
    judge_cross_site_forgery,
    parse_set_cookie,
    session_cookies,
)

BASE = "http://127.0.0.1:8000"
CTX = OracleContext()


def _ex(
    method: str, path: str, status: int, text: str = "", headers: dict[str, str] | None = None
) -> Exchange:
    return Exchange(RecordedRequest(method, BASE + path), RecordedResponse(status, headers or {}, text))


def _cookies(samesite: str) -> list:  # type: ignore[type-arg]
    suffix = f"; SameSite={samesite}" if samesite else ""
    return session_cookies([f"session=abc; HttpOnly; Path=/{suffix}"])


def test_set_cookie_lines_are_read_as_browsers_do() -> None:
    cookie = parse_set_cookie(
        "pyload_session=8a49; Expires=Sat, 02 Jan 2027 05:16:20 GMT; HttpOnly; Path=/; SameSite=Lax"
    )
    assert cookie is not None and cookie.name == "pyload_session" and cookie.samesite == "lax"
    assert parse_set_cookie("sid=x; SameSite=Bogus").samesite is None  # type: ignore[union-attr]
    assert parse_set_cookie("sid=; Max-Age=0") is None
    assert parse_set_cookie('sid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT') is None
    # Token cookies are the defence, not the session; a later deletion removes a cookie.
    lines = ["csrftoken=t; SameSite=Lax", "sessionid=s; SameSite=Lax", "old=1", "old=; Max-Age=0"]
    assert [c.name for c in session_cookies(lines)] == ["sessionid"]
    # The transport joins repeated headers with commas; an Expires date has a comma of its own.
    joined = "a=1; Expires=Sat, 02 Jan 2027 05:16:20 GMT; SameSite=Strict, b=2; Path=/"
    assert [(c.name, c.samesite) for c in session_cookies([joined])] == [("a", "strict"), ("b", None)]


def test_samesite_decides_which_methods_carry_the_session() -> None:
    assert carried(_cookies(""), "POST") and carried(_cookies("None"), "POST")
    assert not carried(_cookies("Lax"), "POST") and carried(_cookies("Lax"), "GET")
    assert not carried(_cookies("Strict"), "GET")
    assert not carried([], "GET")  # no session, nothing to forge with


def test_accepted_means_taken_as_the_users() -> None:
    assert accepted(_ex("POST", "/notes", 303, headers={"location": "/notes/5"}))
    assert not accepted(_ex("POST", "/notes", 302, headers={"location": "/login?next=/notes"}))
    assert not accepted(_ex("POST", "/notes", 403, "CSRF verification failed"))
    assert not accepted(_ex("POST", "/notes", 200, "<p>The CSRF token is missing.</p>"))
    assert not accepted(_ex("POST", "/notes", 200, '<form><input type="password" name="p"></form>'))
    assert accepted(_ex("GET", "/api/add", 200, "true"))


def test_script_gets_to_write_names_are_found_and_posts_are_not() -> None:
    html = (
        '$.get("/api/pause_server", f); fetch("/api/status"); fetch("/api/add_note", {method: "POST"});'
        ' axios.get("/items/deleteAll"); $.get("https://elsewhere.example/api/delete")'
    )
    calls = dict(get_calls(html, BASE + "/dashboard"))
    assert sorted(calls) == [BASE + "/api/pause_server", BASE + "/items/deleteAll"]
    assert is_creating_name("/api/add_package") and not is_creating_name("/api/pause_server")


def test_a_tokenless_form_accepted_cross_site_is_csrf_only_without_samesite() -> None:
    forged = FormForgery(_ex("POST", "/notes", 303, headers={"location": "/notes/1"}), ("csrf_token",))
    [finding] = judge_cross_site_forgery(_cookies(""), [forged], [], CTX)
    assert finding.category == "broken_authentication" and finding.severity == "medium"
    assert "CSRF" in finding.title and "SameSite" in finding.detail and "csrf_token" in finding.detail
    assert judge_cross_site_forgery(_cookies("Lax"), [forged], [], CTX) == []
    refused = FormForgery(_ex("POST", "/notes", 400, "The CSRF token is missing."), ("csrf_token",))
    assert judge_cross_site_forgery(_cookies(""), [refused], [], CTX) == []


def test_a_write_by_get_is_csrf_under_lax_but_not_strict() -> None:
    sent = GetWrite(
        BASE + "/api/add_note", "/", '$.get("/api/add_note"', sent=_ex("GET", "/api/add_note", 200, "1")
    )
    [finding] = judge_cross_site_forgery(_cookies("Lax"), [], [sent], CTX)
    assert "by GET" in finding.title and "SameSite=Lax" in finding.detail and finding.path == "/api/add_note"
    assert judge_cross_site_forgery(_cookies("Strict"), [], [sent], CTX) == []


def test_a_write_by_get_not_sent_is_proven_by_allow_and_a_foreign_navigation() -> None:
    allow = _ex("OPTIONS", "/api/pause_server", 200, headers={"allow": "GET, HEAD, OPTIONS, POST"})
    nav = _ex("GET", "/dashboard", 200, "<h1>Dashboard</h1>")
    write = GetWrite(
        BASE + "/api/pause_server", "/dashboard", '$.get("/api/pause_server"', allow=allow, navigation=nav
    )
    [finding] = judge_cross_site_forgery(_cookies("Lax"), [], [write], CTX)
    assert finding.method == "OPTIONS" and "not sent" in finding.detail
    # A server that does not route GET to it, or a navigation bounced to the login: no proof.
    post_only = _ex("OPTIONS", "/api/pause_server", 200, headers={"allow": "POST, OPTIONS"})
    assert (
        judge_cross_site_forgery(
            _cookies("Lax"), [], [GetWrite(write.url, "/", "", allow=post_only, navigation=nav)], CTX
        )
        == []
    )
    bounced = _ex("GET", "/dashboard", 302, headers={"location": "/login"})
    assert (
        judge_cross_site_forgery(
            _cookies("Lax"), [], [GetWrite(write.url, "/", "", allow=allow, navigation=bounced)], CTX
        )
        == []
    )
