"""Protocols the agents are handed; adapters implement them, tests fake them."""

from __future__ import annotations

from typing import Protocol

from assay.domain.exchanges import RecordedRequest, RecordedResponse


class HttpTransport(Protocol):
    """Sends one request to the target, never following redirects.

    Raises TargetUnreachable, TargetTimeout or ConnectionDropped (assay.domain.errors) instead of a
    response, and SafetyError for a request the safety policy forbids.
    """

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse: ...

    @property
    def requests_sent(self) -> int: ...


class CancelToken(Protocol):
    """Checked by agents between steps; a cancelled workflow stops at its next step."""

    @property
    def cancelled(self) -> bool: ...
