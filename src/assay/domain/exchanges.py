"""Recorded HTTP traffic: what oracles judge, and what evidence is made from."""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.json import Json
from assay.domain.scenarios import Expectation, Intent

# What the transport adds to a "connection dropped" error once the drop repeated on a new
# connection: the server, not a stale pooled connection (a keep-alive race), closed it.
DROPPED_AGAIN = "also on a fresh connection"


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
    text: str = ""  # at most domain.limits.MAX_BODY_BYTES of it
    json: Json = None
    is_json: bool = False
    elapsed_seconds: float = 0.0
    # assay's own event-loop lag measured while this answer was awaited: the part of
    # ``elapsed_seconds`` that was assay's congestion, not the target's time (domain.charged_clock).
    loop_lag_seconds: float = 0.0
    # The body was cut at the size cap (or its compression was corrupt): ``text`` is only its
    # beginning, so a body that fails to parse or validate is no evidence against the target.
    truncated: bool = False
    # A content coding assay does not decode (br, zstd): ``text`` only says so, nothing is judged.
    undecoded: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def own_seconds(self) -> float:
        """The target's share of the elapsed time: assay's measured loop lag taken out."""
        return max(0.0, self.elapsed_seconds - max(0.0, self.loop_lag_seconds))


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

    @property
    def dropped_again(self) -> bool:
        """No answer, and the drop repeated on a fresh connection (so it is no keep-alive race)."""
        return self.response is None and (self.retried or DROPPED_AGAIN in (self.error or ""))
