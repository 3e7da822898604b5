"""Logins and tokens with real-world faults, each with a healthy twin (issue 10, §2).

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.

- ``login_app(faulty)``: a login that answers 200 for every failure, with a message
  (``{"status": "fail", "message": "User not found"}`` / ``"Invalid password"``), and a 4-digit
  reset PIN check, also 200 + message. Faulty: different messages, no attempt limit anywhere.
  Healthy: one message for both, and five failures per account lock it (still 200 + a message).
- ``jwt_app(mode)``: an API signing HS256 tokens. ``weak`` signs with a dictionary word plus
  digits and ignores ``exp``; ``none`` takes ``alg: none``; ``unverified`` reads claims without
  checking the signature; ``confusion`` signs RS256, publishes its JWKS and verifies HS256 tokens
  with the public key's PEM as the HMAC secret; ``healthy`` does everything right. In every mode the
  current-user operation (``/users/me``) and ``/admin/stats`` refuse an ordinary user's genuine
  token; only ``/profile`` takes it, so a forgery check must find that one first.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated

import jwt as pyjwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

WEAK_KEY = "beaches1"  # a dictionary word with a digit, as real apps use
LOCK_AFTER = 5


class Register(BaseModel):
    username: str
    password: str
    email: str


class Login(BaseModel):
    username: str
    password: str


class PinCheck(BaseModel):
    email: str
    pin: str = Field(pattern=r"^\d{4}$")


def login_app(faulty: bool) -> FastAPI:
    app = FastAPI()
    users: dict[str, dict[str, str]] = {"alice": {"password": "pw-alice-1", "email": "alice@corp.example"}}
    failures: dict[str, int] = {}

    def fail(message: str) -> dict[str, str]:
        return {"status": "fail", "message": message}

    def locked(key: str) -> bool:
        failures[key] = failures.get(key, 0) + 1
        return not faulty and failures[key] > LOCK_AFTER

    @app.post("/auth/register", status_code=201)
    def register(body: Register) -> dict[str, str]:
        users[body.username] = {"password": body.password, "email": body.email}
        return {"id": body.username, "username": body.username}

    @app.post("/auth/login")
    def login(body: Login) -> dict[str, str]:
        user = users.get(body.username)
        if (
            user is not None
            and user["password"] == body.password
            and failures.get(body.username, 0) <= (LOCK_AFTER if not faulty else 10**9)
        ):
            return {"status": "success", "token": secrets.token_urlsafe(24)}
        if locked(body.username):
            return fail("Too many failed attempts, try again later")
        if not faulty:
            return fail("Invalid username or password")
        return fail("User not found" if user is None else "Invalid password")

    @app.post("/auth/reset-pin/verify")
    def verify_pin(body: PinCheck) -> dict[str, str]:
        if locked("pin:" + body.email):
            return fail("Too many attempts, try again later")
        return fail("Invalid PIN")

    return app


# --------------------------------------------------------------------------- tokens


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _probable_prime(bits: int) -> int:
    """A random prime of ``bits`` bits (Miller-Rabin, 40 rounds): test keys without a crypto library."""
    while True:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if all(n % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and _miller_rabin(n):
            return n


def _miller_rabin(n: int) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    head = (
        bytes([size])
        if size < 128
        else bytes([0x80 | ((size.bit_length() + 7) // 8)])
        + size.to_bytes((size.bit_length() + 7) // 8, "big")
    )
    return bytes([tag]) + head + body


def _der_int(n: int) -> bytes:
    return _der(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big"))


_SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_OID = bytes.fromhex("300d06092a864886f70d0101010500")


@dataclass(frozen=True)
class _Rsa:
    n: int
    e: int
    d: int

    @staticmethod
    def generate() -> "_Rsa":
        e = 65537
        while True:
            p, q = _probable_prime(1024), _probable_prime(1024)
            phi = (p - 1) * (q - 1)
            if p != q and phi % e:
                return _Rsa(p * q, e, pow(e, -1, phi))

    def _padded(self, message: bytes) -> int:
        size = (self.n.bit_length() + 7) // 8
        info = _SHA256_INFO + hashlib.sha256(message).digest()
        return int.from_bytes(b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info, "big")

    def sign(self, message: bytes) -> bytes:
        return pow(self._padded(message), self.d, self.n).to_bytes((self.n.bit_length() + 7) // 8, "big")

    def verify(self, message: bytes, signature: bytes) -> bool:
        return pow(int.from_bytes(signature, "big"), self.e, self.n) == self._padded(message)

    def pem(self) -> bytes:
        """The public key as a SubjectPublicKeyInfo PEM (64-character lines, trailing newline)."""
        rsa_key = _der(0x30, _der_int(self.n) + _der_int(self.e))
        spki = _der(0x30, _RSA_OID + _der(0x03, b"\x00" + rsa_key))
        text = base64.b64encode(spki).decode()
        lines = [text[i : i + 64] for i in range(0, len(text), 64)]
        return ("-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n").encode()


class _Keys:
    """The signing material of one ``jwt_app``."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.hmac_key = WEAK_KEY if mode == "weak" else secrets.token_hex(32)
        self.rsa = _Rsa.generate() if mode == "confusion" else None
        self.public_pem = self.rsa.pem() if self.rsa else b""

    def issue(self, sub: str) -> str:
        claims = {"sub": sub, "exp": int(time.time()) + 3600}
        if self.rsa is not None:
            head = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "k1"}).encode())
            body = _b64(json.dumps(claims).encode())
            return f"{head}.{body}." + _b64(self.rsa.sign(f"{head}.{body}".encode()))
        return pyjwt.encode(claims, self.hmac_key, algorithm="HS256")

    def jwk(self) -> dict[str, str]:
        assert self.rsa is not None

        def as_b64(n: int) -> str:
            return _b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

        return {
            "kty": "RSA",
            "kid": "k1",
            "use": "sig",
            "alg": "RS256",
            "n": as_b64(self.rsa.n),
            "e": as_b64(self.rsa.e),
        }

    def claims(self, token: str) -> dict[str, object]:
        """The token's claims, checked as this mode checks them (raises on a refusal)."""
        head, body, sig = token.split(".")
        header = json.loads(_unb64(head))
        payload: dict[str, object] = json.loads(_unb64(body))
        alg = str(header.get("alg", ""))
        if self.mode == "none" and alg.lower() == "none":
            return payload
        if self.mode == "unverified":
            return payload
        if self.rsa is not None:
            signed = f"{head}.{body}".encode()
            if alg == "HS256":  # the fault: the public key's PEM used as an HMAC secret
                expected = hmac.new(self.public_pem, signed, hashlib.sha256).digest()
                ok = hmac.compare_digest(expected, _unb64(sig))
            else:
                ok = alg == "RS256" and self.rsa.verify(signed, _unb64(sig))
            if not ok or int(str(payload.get("exp", 0))) < time.time():
                raise ValueError("bad token")
            return payload
        if self.mode == "weak":  # verifies the signature, never the expiry
            return dict(
                pyjwt.decode(token, self.hmac_key, algorithms=["HS256"], options={"verify_exp": False})
            )
        return dict(pyjwt.decode(token, self.hmac_key, algorithms=["HS256"], options={"require": ["exp"]}))


def jwt_app(mode: str) -> FastAPI:
    app = FastAPI()
    bearer = HTTPBearer()
    keys = _Keys(mode)
    users: dict[str, dict[str, str]] = {}

    def current(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
        try:
            claims = keys.claims(creds.credentials)
        except Exception as exc:
            raise HTTPException(401, "invalid token") from exc
        return str(claims.get("sub"))

    User = Annotated[str, Depends(current)]

    @app.post("/auth/register", status_code=201)
    def register(body: Register) -> dict[str, str]:
        users[body.username] = {"password": body.password, "email": body.email}
        return {"id": body.username, "username": body.username}

    @app.post("/auth/login")
    def login(body: Login) -> dict[str, str]:
        user = users.get(body.username)
        if user is None or user["password"] != body.password:
            raise HTTPException(401, "invalid credentials")
        return {"access_token": keys.issue(body.username), "token_type": "bearer"}

    @app.get("/users/me")
    def me(user: User) -> dict[str, str]:
        raise HTTPException(403, "insufficient scope: profile:admin")  # refuses even a genuine token

    @app.get("/admin/stats")
    def stats(user: User) -> dict[str, int]:
        raise HTTPException(403, "administrators only")

    @app.get("/profile")
    def profile(user: User) -> dict[str, str]:
        if user not in users:
            raise HTTPException(401, "no such user")
        return {"username": user, "email": users[user]["email"]}

    if mode == "confusion":

        @app.get("/.well-known/jwks.json")
        def jwks() -> dict[str, list[dict[str, str]]]:
            return {"keys": [keys.jwk()]}

    return app
