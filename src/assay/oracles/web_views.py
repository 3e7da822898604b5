"""What a visitor sees of a page, and whether two visits saw the same thing (pure).

The session checks (a cookie replayed after logout, a forged session cookie) and the user
enumeration check on forms compare pages, not bytes: an anti-forgery token, a timestamp or a
nonce changes on every visit, and what counts is what a person would read and where they landed.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from assay.domain.exchanges import Exchange

_HIDDEN = re.compile(r"(?is)<(script|style|template|noscript)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]+>")
_PASSWORD_INPUT = re.compile(r"""(?i)<input\b[^>]*\btype\s*=\s*["']?password\b""")
# Values that change on every visit: long hex/base64 runs (tokens), digits (times, counters).
_VOLATILE = re.compile(r"[A-Za-z0-9_\-+/=]{24,}|\d+")
SAME_TEXT = 0.9  # two texts at least this similar are one view (a counter or a date changed)


def visible_text(markup: str, names: Sequence[str] = ()) -> str:
    """The page's text as a person reads it: no markup, scripts or comments, whitespace collapsed,
    the given names (user names, e-mail addresses typed into a form) as ``<user>``, volatile
    values (tokens, digits) as ``0``."""
    text = html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", markup)))
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = re.sub(re.escape(name), "<user>", text, flags=re.IGNORECASE)
    text = _VOLATILE.sub("0", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class View:
    """One page as seen: the status of the final answer, the path it landed on, its text."""

    status: int
    path: str
    text: str
    password_form: bool = False  # the page asks for a password (a sign-in form is shown)

    @property
    def refused(self) -> bool:
        return self.status in (401, 403) or self.password_form


def view_of(exchange: Exchange | None, names: Sequence[str] = ()) -> View | None:
    if exchange is None or exchange.response is None:
        return None
    response = exchange.response
    body = response.text if "html" in (response.header("content-type") or "html").lower() else ""
    path = urlsplit(exchange.request.url).path or "/"
    location = response.header("location") if 300 <= response.status < 400 else None
    if location:  # not followed (off the target): where it leads is what the visitor sees
        path = f"-> {urlsplit(location).path or '/'}"
    return View(response.status, path, visible_text(body, names), bool(_PASSWORD_INPUT.search(body)))


def similarity(a: View, b: View) -> float:
    return difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio()


def same_view(a: View, b: View) -> bool:
    """The same status, the same landing path, and nearly the same text."""
    return a.status == b.status and a.path == b.path and similarity(a, b) >= SAME_TEXT


def distinct(signed_in: View, anonymous: View) -> bool:
    """The signed-in view is not what an anonymous visitor gets: the page is worth replaying on."""
    return not same_view(signed_in, anonymous) and not signed_in.refused


def looks_signed_in(seen: View, signed_in: View, anonymous: View) -> bool:
    """``seen`` is the signed-in view, not the anonymous one (closer to the first than the second,
    landing where it landed, with the same status)."""
    if not distinct(signed_in, anonymous) or seen.refused:
        return False
    if seen.status != signed_in.status or seen.path != signed_in.path:
        return False
    return similarity(seen, signed_in) > similarity(seen, anonymous)
