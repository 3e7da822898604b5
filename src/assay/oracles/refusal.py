"""Whether an answer refuses the request, whatever its status says.

Many servers answer 200 to a request they turned down: ``{"error": "invalid code"}``,
``{"success": false}``, ``{"status": "error", "message": "..."}``, or an HTML page whose
heading says "Invalid credentials". An oracle that judges "the server accepted it" (a coupon
redeemed again, a forged token taken, a field persisted) must read the body too, or it reports
a fault the very evidence contradicts. Pure: no I/O, no state.
"""

from __future__ import annotations

import html
import re

from assay.domain.exchanges import Exchange, RecordedResponse
from assay.domain.json import Json, JsonObject

# Words a refusal message uses; checked on message-like fields and on an HTML page's headings.
REFUSAL_WORDS = re.compile(
    r"(?i)\b(invalid|expired|not found|not exist|does not exist|doesn't exist|no such|unknown|denied"
    r"|forbidden|unauthori[sz]ed|not allowed|not permitted|failed|failure|incorrect|wrong|rejected"
    r"|already (used|redeemed|applied|claimed|taken|exists)|not valid|no longer valid|refused"
    r"|not match|mismatch|could not|cannot|can't|unable to|error)\b"
)
# Words that say the opposite; "no error" or "successfully" outweigh a refusal word.
_SUCCESS_WORDS = re.compile(r"(?i)\b(success(ful(ly)?)?|no errors?|applied|created|saved|redeemed|ok)\b")
_MESSAGE_KEYS = ("message", "msg", "detail", "details", "reason", "error_description")
_FAIL_STATUS = frozenset({"error", "fail", "failed", "failure", "invalid", "denied", "rejected", "ko"})
_HTML_FOCUS = re.compile(
    r"(?is)<(title|h1|h2|h3|strong|b)[^>]*>(.*?)</\1>"
    r"|<[^>]+(?:role=[\"']?(?:alert|status)|aria-live|class=[\"'][^\"']*"
    r"(?:error|alert|danger|invalid|warning|flash)[^\"']*[\"'])[^>]*>(.*?)</"
)
_TAGS = re.compile(r"(?s)<[^>]+>")
_SCRIPTS = re.compile(r"(?is)<(script|style)[^>]*>.*?</\1>")
_SHORT_PAGE = 400  # characters of visible text: a page this short is only its message


def _refusal_message(text: str) -> bool:
    """A message that refuses: a refusal word, and no word of success."""
    return bool(REFUSAL_WORDS.search(text)) and not _SUCCESS_WORDS.search(text)


def _json_signal(body: JsonObject) -> str | None:
    for key in ("success", "ok", "valid", "accepted"):
        if body.get(key) is False:
            return f'"{key}": false'
    for key in ("error", "errors", "error_message", "errorMessage", "error_code", "errorCode"):
        value = body.get(key)
        if value not in (None, False, "", [], {}, 0):
            return f'"{key}": {str(value)[:80]}'
    status = body.get("status") if isinstance(body.get("status"), str) else body.get("result")
    if isinstance(status, str) and status.strip().lower() in _FAIL_STATUS:
        return f'"status": "{status}"'
    code = body.get("code", body.get("statusCode"))
    if isinstance(code, int) and not isinstance(code, bool) and 400 <= code < 600:
        return f'"code": {code}'
    if "id" in body:
        return None  # a resource: its text fields are data, not a verdict on the request
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and len(value) <= 300 and _refusal_message(value):
            return f'"{key}": {value[:80]}'
    return None


def json_refusal(body: Json) -> str | None:
    """What in a JSON body says the request was refused (top level or a ``data``/``result`` envelope)."""
    if isinstance(body, str):
        return f"{body[:80]}" if len(body) <= 300 and _refusal_message(body) else None
    if not isinstance(body, dict):
        return None
    found = _json_signal(body)
    if found is not None:
        return found
    for key in ("data", "result", "response", "meta"):
        inner = body.get(key)
        if isinstance(inner, dict) and "id" not in inner:
            found = _json_signal(inner)
            if found is not None:
                return found
    return None


def visible_text(markup: str) -> str:
    """The text of an HTML page (scripts and styles out, entities decoded, spaces folded)."""
    text = _TAGS.sub(" ", _SCRIPTS.sub(" ", markup))
    return " ".join(html.unescape(text).split())


def html_refusal(markup: str) -> str | None:
    """An error text the page shows: in its title, a heading, an alert region, or a page that is only that."""
    for match in _HTML_FOCUS.finditer(markup[:200_000]):
        piece = visible_text(match.group(2) or match.group(3) or "")
        if piece and len(piece) <= 200 and _refusal_message(piece):
            return piece[:120]
    text = visible_text(markup[:20_000])
    if text and len(text) <= _SHORT_PAGE and _refusal_message(text):
        return text[:120]
    return None


def refusal_in(response: RecordedResponse | None) -> str | None:
    """Why ``response`` refuses the request (quoted from its body), or None when nothing says so.

    A non-2xx status is a refusal by itself; a 2xx one is only when its body says so.
    """
    if response is None:
        return "no answer"
    if not 200 <= response.status < 300:
        return f"status {response.status}"
    if response.is_json:
        return json_refusal(response.json)
    kind = (response.header("content-type") or "").lower()
    if "html" in kind or response.text.lstrip()[:1] == "<":
        return html_refusal(response.text)
    text = response.text.strip()
    return text[:120] if text and len(text) <= _SHORT_PAGE and _refusal_message(text) else None


def accepted(exchange: Exchange | None) -> bool:
    """The server took the request: a 2xx answer whose body does not say it refused."""
    return exchange is not None and refusal_in(exchange.response) is None


# Fields a login that succeeded answers with: whatever carries the new credential.
_CREDENTIAL_FIELDS = (
    "access_token",
    "accessToken",
    "token",
    "jwt",
    "id_token",
    "idToken",
    "auth_token",
    "session",
)


def issued_credential(response: RecordedResponse | None) -> bool:
    """The answer hands out a credential: a token-like field (top level or ``data``) or a cookie."""
    if response is None or not 200 <= response.status < 300:
        return False
    if response.header("set-cookie"):
        return True
    body = response.json if response.is_json else None
    for scope in (body, body.get("data") if isinstance(body, dict) else None):
        if isinstance(scope, dict) and any(
            isinstance(scope.get(k), str) and len(str(scope.get(k))) >= 8 for k in _CREDENTIAL_FIELDS
        ):
            return True
    return False


def attempt_failed(exchange: Exchange) -> bool:
    """A login or code check that failed, judged by content: refused, and no credential issued.

    Many real logins answer ``200 {"status": "fail", "message": "Invalid password"}``; a status
    check alone would take those for successes.
    """
    response = exchange.response
    return response is not None and refusal_in(response) is not None and not issued_credential(response)
