"""Recorded HTTP traffic: what oracles judge, and what evidence is made from."""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.json import Json
from assay.domain.scenarios import Expectation, Intent


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: Json = None
    has_body: bool = False
    content_type: str | None = None


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    text: str = ""  # capped at a few hundred KiB
    json: Json = None
    is_json: bool = False
    elapsed_seconds: float = 0.0

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Exchange:
    """One request and its answer (or the transport error that replaced the answer)."""

    request: RecordedRequest
    response: RecordedResponse | None
    error: str | None = None  # "connection reset", "timeout after 10s", ...
    operation: str | None = None  # operation key when the request targets a known operation
    path_template: str | None = None
    scenario_id: str | None = None
    action: str = ""
    intent: Intent = "valid"
    expect: Expectation | None = None
    retried: bool = False  # a dropped connection was retried once
    identity: str | None = None  # the role name of who sent it ("anonymous": no credential), if known

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None
