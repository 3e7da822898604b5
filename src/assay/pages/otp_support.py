"""One-time codes for a login's second step: TOTP, or a code found in the mails that arrived.

Standard library only, and no I/O (the mailbox is read by :mod:`assay.adapters.mail`): assay
copies this file verbatim into the Playwright suites it generates (as ``otp_support.py``), so
they sign in the same way without assay installed.

- :func:`is_otp_field` tells, from an input's facts (collected in the page by
  :data:`FIELD_FACTS_SCRIPT`), whether it asks for a one-time code.
- :func:`totp_now` is RFC 6238 (SHA-1, 6 digits, 30 s), as authenticator apps compute it.
- :func:`wait_for_code` polls the texts of the mails that arrived since the login was
  submitted for a 4-8 digit code near a word like "code", "OTP" or "verification"
  (:func:`extract_code`), for a bounded time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Callable, Iterable

_STRONG = re.compile(r"otp|one[\s_-]?time|2fa|two[\s_-]?factor|mfa|totp|passcode", re.IGNORECASE)
_WEAK = re.compile(r"code|verif|token|pin\b|security", re.IGNORECASE)
_NOT_OTP = re.compile(
    r"zip|postal|post[\s_-]?code|promo|coupon|discount|voucher|country|area|csrf", re.IGNORECASE
)
_TEXT_TYPES = frozenset({"", "text", "number", "tel", "password"})
_MAIL_WORDS = re.compile(
    r"code|otp|one[\s-]?time|verif\w*|passcode|pin\b|2fa|security|log\s?in|sign\s?in|token",
    re.IGNORECASE,
)
_CODE = re.compile(r"(?<![\d:/.,#-])(\d{4,8})(?![\d:/-]|[.,]\d)")
_NEAR = 80  # characters between the word and the code

# Facts of every visible input, in document order (index = position among all inputs).
FIELD_FACTS_SCRIPT = """() => Array.from(document.querySelectorAll('input')).map((e, index) => {
  const box = e.getBoundingClientRect();
  const labels = Array.from(e.labels || []).map(l => l.innerText).join(' ');
  const shown = box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  return {index, visible: shown,
    type: (e.getAttribute('type') || '').toLowerCase(), name: e.name || '', id: e.id || '',
    label: labels + ' ' + (e.getAttribute('aria-label') || ''), placeholder: e.placeholder || '',
    autocomplete: (e.getAttribute('autocomplete') || '').toLowerCase(),
    inputmode: (e.getAttribute('inputmode') || '').toLowerCase(),
    pattern: e.getAttribute('pattern') || '', maxlength: e.maxLength > 0 ? e.maxLength : 0};
})"""


def is_otp_field(facts: dict[str, object]) -> bool:
    """True when an input asks for a one-time code: ``autocomplete=one-time-code``; or named or
    labelled like otp / one-time / 2fa; or like code / verification / token and numeric
    (inputmode, type or pattern) or limited to 4-8 characters."""
    if not facts.get("visible", True) or str(facts.get("type", "")) not in _TEXT_TYPES:
        return False
    if facts.get("autocomplete") == "one-time-code":
        return True
    words = " ".join(str(facts.get(k, "")) for k in ("name", "id", "label", "placeholder"))
    if _NOT_OTP.search(words):
        return False
    if _STRONG.search(words):
        return True
    maxlength = facts.get("maxlength", 0)
    short = isinstance(maxlength, int) and 4 <= maxlength <= 8
    numeric = facts.get("inputmode") == "numeric" or facts.get("type") in {"number", "tel"}
    numeric = numeric or bool(re.search(r"\\d|\[0-9\]", str(facts.get("pattern", ""))))
    return bool(_WEAK.search(words)) and (short or numeric)


def otp_field_index(all_facts: list[dict[str, object]]) -> int | None:
    """The ``index`` of the first input that asks for a one-time code, if any."""
    for facts in all_facts:
        index = facts.get("index")
        if isinstance(index, int) and is_otp_field(facts):
            return index
    return None


def totp_now(secret: str, at: float | None = None, digits: int = 6, period: int = 30) -> str:
    """The TOTP code of a base32 ``secret`` (spaces and case ignored) at time ``at`` (now)."""
    compact = secret.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def extract_code(text: str) -> str | None:
    """The 4-8 digit code closest to a word like code / OTP / verification (within 80
    characters); None when no such code is there. Dates, times and prices are skipped."""
    words = [m.start() for m in _MAIL_WORDS.finditer(text)]
    best: tuple[int, str] | None = None
    for match in _CODE.finditer(text):
        distances = [_gap(w, match.start(), match.end()) for w in words]
        distance = min(distances, default=_NEAR + 1)
        if distance <= _NEAR and (best is None or distance < best[0]):
            best = (distance, match.group(1))
    return best[1] if best else None


def _gap(word: int, start: int, end: int) -> int:
    """Characters between a word (at ``word``) and a code; a code after the word wins ties."""
    return start - word if word <= start else word - end + 1


def wait_for_code(read: Callable[[], Iterable[str]], timeout: float = 60.0, poll: float = 2.0) -> str | None:
    """Poll ``read`` (the texts of the new mails, newest first) for a code; None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        code = next((c for c in map(extract_code, read()) if c is not None), None)
        if code is not None or time.monotonic() + poll > deadline:
            return code
        time.sleep(poll)
