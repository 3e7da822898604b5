"""cookie_flags: a session cookie set without the attributes that keep it to its owner — no
``HttpOnly`` (any script on the page, an injected one included, reads the session), or, on an
https site, no ``Secure`` (it also travels over plain http).

The proof is the ``Set-Cookie`` header itself. A cookie counts as a session cookie when it was
set by the answer to a sign-in, or its name says so (session, sid, auth, token, remember). One
finding per cookie name; low when the session still needs another fault to be stolen (no
HttpOnly), medium when it is sent in clear (no Secure on https). SameSite belongs to the
cross-site request forgery check, which proves its effect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.json import Json, JsonObject
from assay.oracles.base import Draft, OracleContext, build
from assay.oracles.security_common import set_cookie_lines

_SESSION_NAME = re.compile(r"(?i)sess|^sid$|_sid$|auth|token|remember|login|^jwt$")
_NOT_SESSION = re.compile(r"(?i)csrf|xsrf|consent|theme|lang|locale|tz$")


@dataclass(frozen=True)
class CookieSet:
    """One Set-Cookie an answer carried, split; ``at_sign_in``: the answer signed someone in."""

    exchange: Exchange
    name: str
    attributes: frozenset[str]  # lower-case attribute names (httponly, secure, samesite…)
    cleared: bool  # an empty value or an expiry in the past: the server removes it
    at_sign_in: bool = False


def split_set_cookie(header: str) -> list[tuple[str, str, frozenset[str], str]]:
    """(name, value, attribute names, the cookie's own text) of each cookie in a possibly
    comma-joined Set-Cookie."""
    cookies: list[tuple[str, str, frozenset[str], str]] = []
    for part in set_cookie_lines(header):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces or "=" not in pieces[0]:
            continue
        name, _, value = pieces[0].partition("=")
        attributes = frozenset(p.split("=", 1)[0].strip().lower() for p in pieces[1:] if p)
        cookies.append((name.strip(), value.strip(), attributes, part))
    return cookies


def cookies_of(exchange: Exchange, at_sign_in: bool = False) -> list[CookieSet]:
    response = exchange.response
    raw = response.header("set-cookie") if response is not None else None
    if not raw:
        return []
    found = []
    for name, value, attributes, text in split_set_cookie(raw):
        expired = re.search(r"(?i)max-age=0\b|expires=[^;]*\b19[0-9]{2}\b", text)
        cleared = not value.strip('"') or expired is not None
        found.append(CookieSet(exchange, name, attributes, cleared, at_sign_in))
    return found


def _is_session(cookie: CookieSet) -> bool:
    if _NOT_SESSION.search(cookie.name):
        return False
    return cookie.at_sign_in or bool(_SESSION_NAME.search(cookie.name))


def judge_cookie_flags(cookies: Sequence[CookieSet], context: OracleContext) -> list[Finding]:
    """One finding per session cookie name set without HttpOnly or (on https) Secure; pure."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for cookie in cookies:
        if cookie.cleared or cookie.name in seen or not _is_session(cookie):
            continue
        https = cookie.exchange.request.url.lower().startswith("https://")
        lacks = [a for a in ("httponly", "secure") if a not in cookie.attributes and (a != "secure" or https)]
        if not lacks:
            continue
        seen.add(cookie.name)
        severity: Severity = "medium" if "secure" in lacks else "low"
        named = " and ".join("HttpOnly" if a == "httponly" else "Secure" for a in lacks)
        missing: list[Json] = list(lacks)
        extra: JsonObject = {"cookie": cookie.name, "missing": missing, "at_sign_in": cookie.at_sign_in}
        why = []
        if "httponly" in lacks:
            why.append("scripts on the page can read it, so one XSS hands the session over")
        if "secure" in lacks:
            why.append("the browser also sends it over plain http, in clear")
        draft = Draft(
            "cookie_flags",
            severity,
            f"Session cookie `{cookie.name}` is set without {named}",
            f"The answer sets the session cookie `{cookie.name}` without {named}: {'; '.join(why)}.",
            f"Set `{cookie.name}` with HttpOnly and Secure (and SameSite=Lax or Strict).",
            "session theft",
            extra,
        )
        findings.append(build(draft, cookie.exchange, context))
    return findings
