"""The server's public signing keys, as the bytes a key-confused server would use as an HMAC secret.

An RS256 server that lets the token pick its algorithm verifies an ``HS256`` token with its
public key's PEM text as the HMAC key. The key is public by design (a JWKS, a ``.pem``), so
anyone can sign with it. This module turns what the server publishes into those bytes: a PEM as
served, or the PEM forms of a JWKS RSA key (SubjectPublicKeyInfo and PKCS#1, each with and
without the final newline, since the server's exact bytes are unknown). Pure.
"""

from __future__ import annotations

import base64
import binascii

from assay.domain.json import Json

# Where servers commonly publish their keys, after what the spec lists itself.
WELL_KNOWN = ("/.well-known/jwks.json", "/jwks.json", "/.well-known/jwks", "/jwks", "/public.pem")
_KEY_WORDS = ("jwks", "jwk", "public_key", "public-key", "publickey", "pubkey", "certs", ".pem")
_RSA_OID = bytes.fromhex("300d06092a864886f70d0101010500")


def key_paths(spec_paths: list[str]) -> list[str]:
    """The spec's own key-publishing paths (no path parameters) first, then the well-known ones."""
    listed = [p for p in spec_paths if "{" not in p and any(w in p.lower() for w in _KEY_WORDS)]
    return list(dict.fromkeys([*listed, *WELL_KNOWN]))


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 128:
        return bytes([tag, size]) + body
    width = (size.bit_length() + 7) // 8
    return bytes([tag, 0x80 | width]) + size.to_bytes(width, "big") + body


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _pem(label: str, der: bytes) -> bytes:
    text = base64.b64encode(der).decode()
    lines = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n".encode()


def _b64url_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def rsa_pems(n: int, e: int) -> list[bytes]:
    """The PEM texts of an RSA public key: SPKI and PKCS#1, with and without the final newline."""
    pkcs1 = _der(0x30, _der_int(n) + _der_int(e))
    spki = _der(0x30, _RSA_OID + _der(0x03, b"\x00" + pkcs1))
    forms = [_pem("PUBLIC KEY", spki), _pem("RSA PUBLIC KEY", pkcs1)]
    return [variant for pem in forms for variant in (pem, pem.rstrip(b"\n"))]


def public_keys(body: Json, text: str) -> list[bytes]:
    """The HMAC-secret candidates in one answer: a served PEM as is, or each RSA key of a JWKS."""
    if "-----BEGIN" in text and "PUBLIC KEY-----" in text:
        start = text.index("-----BEGIN")
        pem = text[start:].encode()
        return list(dict.fromkeys([pem, pem.rstrip(b"\n"), pem.rstrip(b"\n") + b"\n"]))
    keys = body.get("keys") if isinstance(body, dict) else None
    found: list[bytes] = []
    for jwk in keys if isinstance(keys, list) else [body]:
        if isinstance(jwk, dict) and jwk.get("kty") == "RSA":
            n, e = jwk.get("n"), jwk.get("e")
            if isinstance(n, str) and isinstance(e, str):
                try:
                    found += rsa_pems(_b64url_int(n), _b64url_int(e))
                except (ValueError, binascii.Error):
                    continue
    return found
