"""Cross-site request forgery (CSRF), category ``broken_authentication``: another site makes a
signed-in user's browser send a request that changes state, and the app takes the session
cookie the browser attaches as proof the user meant it.

Two facts are needed, both recorded from the target:

1. **The browser carries the session cross-site.** The session cookies the app set at sign-in
   (their raw ``Set-Cookie`` lines) say which requests from another site carry them: ``SameSite``
   absent or ``None``: every request (Firefox and Safari send such cookies on any request, and
   Chrome's Lax-by-default still lets a top-level POST through in the first two minutes of a
   cookie); ``Lax``: only top-level navigations, that is GETs; ``Strict``: none.
2. **The app accepts a state-changing request from another site with it**, one of:
   - a POST form sent with a foreign ``Origin`` and ``Referer``, its anti-forgery token fields
     removed, answered as accepted (2xx, or a redirect that is not to the sign-in page, and no
     CSRF refusal in the body); or
   - a write done by GET (an operation named for a write that the app's own page calls by GET),
     proven either by the GET itself, sent with a foreign ``Referer`` and accepted, or, when the
     write may not be sent (it would change objects assay did not create), by the server's own
     ``OPTIONS``/``Allow`` answer listing GET for it together with a signed-in GET from a foreign
     site that the app answered as signed in (nothing checks where GETs come from).

A POST form is judged only when the cookie rides on cross-site POSTs; a GET write when it rides on
cross-site GETs. A request refused (401, 403, 400 "CSRF token missing", a redirect to the login
page) is the app defending itself and is no finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.security_common import set_cookie_lines

SameSite = Literal["strict", "lax", "none"]
# Cookies that carry an anti-forgery token, not a session: they are the defence, not the target.
_TOKEN_COOKIE = re.compile(r"(?i)csrf|xsrf|antiforgery|requestverification")
# What an app says when it refuses a forged request (Django, Flask-WTF, Tornado/Jupyter, Rails...).
_REFUSAL = re.compile(
    r"(?i)csrf|xsrf|forgery|authenticity.token|request.verification|referr?er check|origin check"
)
_PASSWORD_INPUT = re.compile(r"(?i)<input[^>]+type\s*=\s*[\"']?password")
_LOGIN_PATH = re.compile(r"(?i)(^|/)(log-?in|sign-?in|auth|session/new)(/|$|\?)")


@dataclass(frozen=True)
class SessionCookie:
    """One cookie the app set at sign-in, as its ``Set-Cookie`` line declares it."""

    name: str
    samesite: SameSite | None  # None: absent, or a value browsers do not know
    raw: str


@dataclass(frozen=True)
class FormForgery:
    """A POST form sent from a foreign origin with the session and without its token fields."""

    exchange: Exchange  # the forged submission (its answer after same-host redirects is judged)
    dropped: tuple[str, ...] = ()  # the anti-forgery fields the form had and the forgery left out
    read_back: bool = False  # what it created was seen on a page afterwards


@dataclass(frozen=True)
class GetWrite:
    """An operation named for a write that the app's own page calls by GET.

    ``sent``: that GET itself, sent with the session and a foreign ``Referer`` (only when safe).
    ``allow``: the server's ``OPTIONS`` answer for it; ``navigation``: a signed-in page fetched
    with a foreign ``Referer``: together they prove it without changing anything.
    """

    url: str
    page: str  # the page whose script calls it
    call: str  # the call as written there
    sent: Exchange | None = None
    allow: Exchange | None = None
    navigation: Exchange | None = None


def parse_set_cookie(raw: str) -> SessionCookie | None:
    """The cookie a ``Set-Cookie`` line sets, or None when it deletes one (empty, expired)."""
    first, *attributes = raw.split(";")
    name, sep, value = first.partition("=")
    if not sep or not name.strip():
        return None
    attrs: dict[str, str] = {}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        attrs[key.strip().lower()] = val.strip()
    max_age = attrs.get("max-age", "")
    if not value.strip().strip('"') or (re.fullmatch(r"-?\d+", max_age) and int(max_age) <= 0):
        return None
    if re.search(r"\b(19[0-6]\d|1970)\b", attrs.get("expires", "")):
        return None  # an expiry in the past: the usual way of deleting a cookie
    samesite = attrs.get("samesite", "").lower()
    known: SameSite | None = samesite if samesite in ("strict", "lax", "none") else None  # type: ignore[assignment]
    return SessionCookie(name.strip(), known, raw)


split_set_cookie = set_cookie_lines  # the shared splitter, under the name the family imports


def session_cookies(set_cookie_headers: Sequence[str]) -> list[SessionCookie]:
    """The session cookies among the headers seen at sign-in (last line per name wins; token
    cookies and deletions left out)."""
    found: dict[str, SessionCookie] = {}
    for line in (one for header in set_cookie_headers for one in split_set_cookie(header)):
        name = line.partition("=")[0].strip()
        cookie = parse_set_cookie(line)
        if cookie is None:
            found.pop(name, None)
        elif not _TOKEN_COOKIE.search(cookie.name):
            found[cookie.name] = cookie
    return list(found.values())


def carried_cross_site(cookie: SessionCookie, method: str) -> bool:
    """Whether a browser attaches ``cookie`` to a ``method`` request another site starts."""
    if cookie.samesite == "strict":
        return False
    if cookie.samesite == "lax":
        return method.upper() == "GET"  # top-level navigations only
    return True


def carried(cookies: Sequence[SessionCookie], method: str) -> bool:
    """Every session cookie rides along (one Strict cookie the app needs would stop the forgery)."""
    return bool(cookies) and all(carried_cross_site(c, method) for c in cookies)


# Words that name a write in an endpoint's last path segment (``pause_server``, ``deleteFiles``).
WRITE_WORDS = frozenset(
    {
        "add", "create", "new", "insert", "upload", "delete", "remove", "update", "edit", "set",
        "save", "change", "move", "pause", "unpause", "resume", "stop", "start", "restart", "kill",
        "abort", "cancel", "toggle", "enable", "disable", "reset", "approve", "reject", "assign",
        "clear", "purge", "rename", "shutdown", "install", "uninstall", "archive", "publish",
        "import", "grant", "revoke", "ban", "block", "unblock", "transfer", "send",
    }
)  # fmt: skip
# Writes that only add something new: the only ones sent by GET without --destructive.
CREATING_WORDS = frozenset({"add", "create", "new", "insert"})
# Script calls that send a GET: jQuery's $.get/$.getJSON, axios.get, and fetch with no method.
_GET_CALL = re.compile(
    r"""(?:\$|jQuery)\.get(?:JSON)?\(\s*(["'])(?P<a>[^"'\s]+)\1"""
    r"""|axios\.get\(\s*(["'])(?P<b>[^"'\s]+)\3"""
    r"""|\bfetch\(\s*(["'])(?P<c>[^"'\s]+)\5\s*(?P<rest>\)|,\s*\{[^}]*\})"""
)
_METHOD_OPTION = re.compile(r"""(?i)method\s*:\s*["'](?!get["'])""")


def name_words(url: str) -> list[str]:
    """The words of a URL's last path segment: ``/api/pauseServer`` is ``pause``, ``server``."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", last)
    return [w for w in re.split(r"[^a-zA-Z]+", spaced.lower()) if w]


def is_write_name(url: str) -> bool:
    return bool(set(name_words(url)) & WRITE_WORDS)


def is_creating_name(url: str) -> bool:
    words = name_words(url)
    return bool(words) and words[0] in CREATING_WORDS


def get_calls(html: str, page_url: str) -> list[tuple[str, str]]:
    """``(absolute URL, the call as written)`` for each GET a page's script sends to a write-named
    endpoint on the page's own host."""
    host = urlsplit(page_url).netloc
    found: dict[str, tuple[str, str]] = {}  # one per path, its query as the script wrote it
    for match in _GET_CALL.finditer(html):
        literal = match.group("a") or match.group("b") or match.group("c") or ""
        if match.group("c") and _METHOD_OPTION.search(match.group("rest") or ""):
            continue  # fetch(url, {method: "POST"}) is no GET
        url = urljoin(page_url, literal)
        if urlsplit(url).netloc == host and is_write_name(url):
            found.setdefault(urlsplit(url).path, (url.split("#")[0], match.group(0)))
    return list(found.values())


def _final(exchange: Exchange) -> tuple[int, str, str]:
    response = exchange.response
    if response is None:
        return 0, "", ""
    return response.status, response.header("location") or "", response.text


def accepted(exchange: Exchange) -> bool:
    """The app took the request as the user's: 2xx, or a redirect that is not to a sign-in page,
    and no CSRF refusal or sign-in form in what it answered."""
    status, location, text = _final(exchange)
    if 300 <= status < 400:
        return bool(location) and not _LOGIN_PATH.search(urlsplit(location).path or "/")
    if not 200 <= status < 300:
        return False
    return not _REFUSAL.search(text[:20000]) and not _PASSWORD_INPUT.search(text[:20000])


def signed_in(exchange: Exchange | None) -> bool:
    """A page answered as to a signed-in user: 2xx and no sign-in form (a bounce to the login is
    a 3xx, or the login form itself)."""
    if exchange is None or exchange.response is None or not 200 <= exchange.response.status < 300:
        return False
    return not _PASSWORD_INPUT.search(exchange.response.text[:20000])


def allows_get(exchange: Exchange | None) -> bool:
    """The server's ``OPTIONS`` (or 405) answer lists GET among the methods the URL takes."""
    if exchange is None or exchange.response is None:
        return False
    allow = exchange.response.header("allow") or ""
    return "GET" in {m.strip().upper() for m in allow.split(",")}


def _get_proof(write: GetWrite) -> str | None:
    """How the GET write is proven, or None."""
    if write.sent is not None and accepted(write.sent):
        return "sent"
    if signed_in(write.navigation) and allows_get(write.allow):
        return "allow"
    return None


def _cookie_words(cookies: Sequence[SessionCookie]) -> str:
    return ", ".join(
        f"{c.name} (SameSite={c.samesite.capitalize() if c.samesite else 'absent'})" for c in cookies
    )


_RECOMMEND = (
    "Require an anti-forgery token (or a custom header, or a checked Origin/Sec-Fetch-Site) on every "
    "state-changing request, never change state on GET, and set SameSite=Strict (or at least Lax, "
    "with no writes by GET) on the session cookie."
)
_IMPACT = (
    "Any web page the signed-in user visits can make their browser perform this action with their "
    "session (cross-site request forgery), without their knowledge."
)


def _get_finding(
    proven: Sequence[GetWrite], cookies: Sequence[SessionCookie], context: OracleContext
) -> Finding:
    """One finding for the proven writes by GET under one directory (an RPC prefix like ``/api/``),
    shown by the strongest proof: a write sent, else an ``Allow`` answer."""
    write = next((w for w in proven if _get_proof(w) == "sent"), proven[0])
    proof = _get_proof(write)
    shown = write.sent if proof == "sent" else write.allow
    assert shown is not None and shown.response is not None  # _get_proof said so
    path = urlsplit(write.url).path
    if proof == "sent":
        how = f"GET {path} sent with the session and a foreign Referer was accepted (HTTP {shown.status})"
    else:
        nav = write.navigation.request.url if write.navigation else ""
        how = (
            f"the server lists GET in Allow for {path} ({shown.response.header('allow')}), and a "
            f"signed-in page fetched with a foreign Referer ({nav}) was answered as signed in; the "
            "write itself was not sent (it would change objects assay did not create)"
        )
    paths = list(dict.fromkeys(urlsplit(w.url).path for w in proven))
    where = f"{path} changes" if len(paths) == 1 else f"{len(paths)} writes under {_directory(path)} change"
    others = (
        f" Also written by GET the same way: {', '.join(p for p in paths if p != path)}."
        if len(paths) > 1
        else ""
    )
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication", Impact(forged_request=True)),
        title=f"Cross-site request forgery (CSRF): {where} state by GET, session sent cross-site",
        detail=(
            f"The app's page {write.page} calls {path} by GET ({write.call[:120]!r}): a write done "
            f"by GET. {how[:1].upper()}{how[1:]}.{others} The session cookie {_cookie_words(cookies)} "
            "is sent by browsers on top-level GET navigations from other sites (SameSite is not "
            "Strict), so a link or redirect on any site performs it as the signed-in user."
        ),
        recommendation=_RECOMMEND,
        impact=_IMPACT,
        extra={
            "session_cookies": [c.raw for c in cookies],
            "called_by": write.call[:200],
            "proof": proof,
            "paths": list(paths),
        },
    )
    return build(draft, shown, context, occurrences=len(paths))


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/"


def judge_cross_site_forgery(
    cookies: Sequence[SessionCookie],
    forms: Sequence[FormForgery],
    writes: Sequence[GetWrite],
    context: OracleContext,
) -> list[Finding]:
    """One finding per forged POST form route, and one per directory of proven writes by GET; pure."""
    findings: list[Finding] = []
    severity = rate("broken_authentication", Impact(forged_request=True))
    cookie_words = _cookie_words(cookies)
    seen: set[str] = set()
    if carried(cookies, "POST"):
        for form in forms:
            where = route(form.exchange)
            if where in seen or not accepted(form.exchange):
                continue
            seen.add(where)
            token = (
                f"without its anti-forgery field(s) {', '.join(form.dropped)}"
                if form.dropped
                else "(the form has no anti-forgery token)"
            )
            status = form.exchange.status
            draft = Draft(
                category="broken_authentication",
                severity=severity,
                title=f"Cross-site request forgery (CSRF): {where} accepts a form posted from another site",
                detail=(
                    f"The form was posted with a foreign Origin and Referer {token} and the session "
                    f"cookie, and the app accepted it (HTTP {status}"
                    f"{', what it created was read back' if form.read_back else ''}). The session cookie "
                    f"{cookie_words} has no SameSite restriction, so browsers send it on a "
                    "cross-site form POST."
                ),
                recommendation=_RECOMMEND,
                impact=_IMPACT,
                extra={"session_cookies": [c.raw for c in cookies], "dropped_fields": list(form.dropped)},
            )
            findings.append(build(draft, form.exchange, context))
    if carried(cookies, "GET"):
        groups: dict[str, list[GetWrite]] = {}
        for write in writes:
            if _get_proof(write) is not None:
                groups.setdefault(_directory(urlsplit(write.url).path), []).append(write)
        findings.extend(_get_finding(group, cookies, context) for group in groups.values())
    return findings
