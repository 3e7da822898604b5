"""JSON Web Tokens with the standard library only: read, forge, and crack weak HMAC keys offline.

Pure functions. A token is cracked by recomputing its HMAC with each key of a short list of
well-known weak secrets; nothing is sent to the server for that.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from assay.domain.json import JsonObject

WEAK_SECRETS: tuple[str, ...] = (
    "secret",
    "changeme",
    "password",
    "123456",
    "key",
    "jwt_secret",
    "jwt-secret",
    "jwtsecret",
    "your-256-bit-secret",
    "your-secret-key",
    "secretkey",
    "secret_key",
    "supersecret",
    "mysecret",
    "admin",
    "test",
    "dev",
    "default",
    "s3cr3t",
    "qwerty",
    "letmein",
    "token",
    "SECRET_KEY",
    "change-me",
    "changeit",
)
_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Jwt:
    header: JsonObject
    payload: JsonObject
    signing_input: str  # "<header>.<payload>" as issued
    signature: str  # base64url, as issued

    @property
    def alg(self) -> str:
        alg = self.header.get("alg")
        return alg if isinstance(alg, str) else ""


def _json_part(text: str) -> JsonObject | None:
    try:
        value = json.loads(b64url_decode(text))
    except (ValueError, binascii.Error):
        return None
    return value if isinstance(value, dict) else None


def parse_jwt(token: str) -> Jwt | None:
    """The token's parts when it is a JWS compact token (three base64url parts, JSON header)."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    header, payload = _json_part(parts[0]), _json_part(parts[1])
    if header is None or payload is None or "alg" not in header:
        return None
    return Jwt(header, payload, f"{parts[0]}.{parts[1]}", parts[2])


def _part(value: JsonObject) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode())


def sign(alg: str, signing_input: str, key: str) -> str:
    digest = _HASHES[alg]
    return b64url_encode(hmac.new(key.encode(), signing_input.encode(), digest).digest())


def encode(header: JsonObject, payload: JsonObject, key: str | None) -> str:
    """A compact token; signed with HMAC when ``key`` is given, else with an empty signature."""
    signing_input = f"{_part(header)}.{_part(payload)}"
    alg = str(header.get("alg", ""))
    signature = sign(alg, signing_input, key) if key is not None and alg in _HASHES else ""
    return f"{signing_input}.{signature}"


def crack(token: Jwt, candidates: tuple[str, ...] = WEAK_SECRETS) -> str | None:
    """The HMAC key among ``candidates`` that reproduces the token's signature, or None."""
    if token.alg not in _HASHES:
        return None
    for key in candidates:
        if hmac.compare_digest(sign(token.alg, token.signing_input, key), token.signature):
            return key
    return None


def tampered_payload(token: Jwt) -> JsonObject:
    """The token's claims plus one marker claim: a server that checks signatures must refuse it."""
    return {**token.payload, "assay_tampered": True}


def alg_none(token: Jwt) -> str:
    """The same claims, ``alg: none`` and no signature."""
    return encode({**token.header, "alg": "none"}, tampered_payload(token), None)


def old_signature(token: Jwt) -> str:
    """Changed claims with the signature of the issued token."""
    header = token.signing_input.split(".")[0]
    return f"{header}.{_part(tampered_payload(token))}.{token.signature}"


def resigned(token: Jwt, key: str) -> str:
    """Changed claims signed with ``key`` (a weak secret found offline)."""
    return encode(token.header, tampered_payload(token), key)


def bearer_token(headers: dict[str, str]) -> tuple[str, str] | None:
    """(header name, token) of the JWT a session sends, if it sends one."""
    for name, value in headers.items():
        scheme, _, rest = value.partition(" ")
        candidate = rest if rest and scheme.lower() in {"bearer", "jwt", "token"} else value
        if parse_jwt(candidate) is not None:
            return name, candidate
    return None
