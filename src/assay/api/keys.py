"""Who is calling: the API key of a request, from ``X-API-Key`` or ``Authorization: Bearer``.

With ``ASSAY_API_KEYS`` set, every /api/v2 route needs one of the keys, and the caller is a
digest of it: workflows are stored with that digest (never the key), and a caller sees only its
own. Without keys the server is open and everybody is the same caller (``None``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assay.api.errors import Unauthorized

API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="One of ASSAY_API_KEYS.")
BEARER = HTTPBearer(auto_error=False, description="One of ASSAY_API_KEYS, as `Authorization: Bearer <key>`.")


def owner_of(key: str) -> str:
    """The stored name of a key's owner: a digest, so the store never holds a key."""
    return hashlib.sha256(b"assay-api-key\0" + key.encode()).hexdigest()[:32]


class KeyRing:
    """The server's API keys; empty means an open server."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = tuple(k.encode() for k in keys if k)

    @property
    def open(self) -> bool:
        return not self._keys

    def known(self, key: str) -> bool:
        given = key.encode()
        # Every key is compared, whichever matches, so timing says nothing about which.
        return any([hmac.compare_digest(given, k) for k in self._keys])


async def documented_key(
    key: Annotated[str | None, Security(API_KEY)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> None:
    """Declares the two ways of sending a key in the OpenAPI, on a server that has keys (only)."""


def _given_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "")
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return key or (credentials.strip() if scheme.lower() == "bearer" else "")


async def caller(request: Request) -> str | None:
    """The caller's owner digest; None on an open server; Unauthorized for a missing or bad key.

    Headers are read here rather than declared, so an open server's OpenAPI names no security.
    """
    ring: KeyRing = request.app.state.keys
    if ring.open:
        return None
    given = _given_key(request)
    if not given or not ring.known(given):
        raise Unauthorized(
            "Missing or unknown API key; send it as X-API-Key: <key> or Authorization: Bearer <key>."
        )
    return owner_of(given)


Caller = Annotated[str | None, Depends(caller)]
