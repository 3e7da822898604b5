"""Fakes for the ports, for unit tests that must not touch a network."""

from __future__ import annotations

import json
from collections.abc import Callable

from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json

Handler = Callable[[RecordedRequest], RecordedResponse]


def json_response(status: int, body: Json, headers: dict[str, str] | None = None) -> RecordedResponse:
    """A JSON answer as the real transport would record it."""
    text = json.dumps(body)
    merged = {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
    return RecordedResponse(status=status, headers=merged, text=text, json=body, is_json=True)


def text_response(status: int, text: str, content_type: str = "text/html") -> RecordedResponse:
    return RecordedResponse(status=status, headers={"content-type": content_type}, text=text)


class FakeTransport:
    """An HttpTransport whose answers come from ``handler``; keeps every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[RecordedRequest] = []

    @property
    def requests_sent(self) -> int:
        return len(self.requests)

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        self.requests.append(request)
        return self._handler(request)
