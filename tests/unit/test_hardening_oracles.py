"""security_headers and cookie_flags on fixed answers."""

from __future__ import annotations

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.oracles.base import OracleContext
from assay.oracles.cookie_flags import cookies_of, judge_cookie_flags, split_set_cookie
from assay.oracles.security_headers import judge_security_headers, missing_headers


def _answer(url: str, headers: dict[str, str], status: int = 200) -> Exchange:
    return Exchange(RecordedRequest("GET", url), RecordedResponse(status, headers, "<p>hi</p>"))


def test_headers_missing_from_every_page_make_one_finding() -> None:
    bare = {"content-type": "text/html"}
    framed = {**bare, "x-frame-options": "DENY"}
    pages = [_answer("https://h/", bare), _answer("https://h/a", framed), _answer("https://h/404", bare, 404)]
    assert [m.header for m in missing_headers(pages[0])][-1] == "Strict-Transport-Security"  # https only
    (finding,) = judge_security_headers(pages, OracleContext())
    # X-Frame-Options is on one page of the two judged (the 404 is not judged): not reported.
    assert "X-Frame-Options" not in finding.title and "nosniff" in finding.title
    assert finding.severity == "low" and finding.evidence["pages"] == 2
    json_only = [_answer("http://h/api", {"content-type": "application/json"})]
    assert judge_security_headers(json_only, OracleContext()) == []


def test_set_cookie_is_split_where_a_new_cookie_starts() -> None:
    header = "sid=abc; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, theme=dark; HttpOnly"
    names = [(name, attrs) for name, _, attrs, _ in split_set_cookie(header)]
    assert names == [("sid", frozenset({"expires", "path"})), ("theme", frozenset({"httponly"}))]


def test_only_session_cookies_without_their_flags_are_findings() -> None:
    plain = _answer("http://h/", {"set-cookie": "sessionid=1; Path=/, csrftoken=2; Path=/"})
    https = _answer("https://h/login", {"set-cookie": "x=9; HttpOnly"})
    cleared = _answer("http://h/logout", {"set-cookie": "sessionid=; Max-Age=0"})
    cookies = [*cookies_of(plain), *cookies_of(https, at_sign_in=True), *cookies_of(cleared)]
    found = judge_cookie_flags(cookies, OracleContext())
    assert [(f.evidence["cookie"], f.severity) for f in found] == [("sessionid", "low"), ("x", "medium")]
