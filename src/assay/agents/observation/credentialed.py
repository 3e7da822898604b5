"""The transport Observation reads the spec through: the user's fixed credential headers added.

A spec behind a token (Jupyter Server serves its own only to a caller with the token) needs the
same header the scenarios send. The headers go only to the target's own host: a spec given by a
URL elsewhere (``--spec https://docs.example.com/…``) never receives them.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.ports import HttpTransport
from assay.domain.target import Target


class Credentialed:
    """``inner`` with ``target``'s fixed headers on every request to the target's host."""

    def __init__(self, inner: HttpTransport, target: Target) -> None:
        self._inner = inner
        self._host = target.host
        self._headers = dict(target.fixed_headers)

    @property
    def requests_sent(self) -> int:
        return self._inner.requests_sent

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        if (urlsplit(request.url).hostname or "").lower() == self._host:
            request = replace(request, headers={**self._headers, **request.headers})
        return await self._inner.send(request, timeout=timeout)


def credentialed(transport: HttpTransport, target: Target) -> HttpTransport:
    """The transport to read the spec with: credentialed when the user gave fixed headers."""
    return Credentialed(transport, target) if target.fixed_headers else transport
