"""ssrf: the server itself fetched a URL a client supplied in a field.

The proof is out of band: a request reaching assay's loopback canary with the token the probe
carried. Redirecting to the URL (httpbin's ``/redirect-to``) is not fetching it: the transport
never follows redirects, so only a request the *server* makes reaches the canary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, group_by_route, route


@dataclass(frozen=True)
class Hit:
    """A request that reached the canary: the server fetched the URL it was given."""

    token: str
    method: str
    path: str
    user_agent: str
    at: float  # time.monotonic() of arrival


@dataclass(frozen=True)
class SsrfProbe:
    """One URL field given the canary address carrying ``token``, and the answer to it."""

    exchange: Exchange
    slot: str
    token: str


def judge_ssrf(
    probes: Sequence[SsrfProbe], hits: Mapping[str, Sequence[Hit]], context: OracleContext
) -> list[Finding]:
    """One finding per route whose probe made the server call the canary; pure."""
    proven = [p for p in probes if hits.get(p.token)]
    findings: list[Finding] = []
    for group in group_by_route(p.exchange for p in proven).values():
        mine = [p for p in proven if p.exchange in group]
        first = mine[0]
        hit = hits[first.token][0]
        fields = ", ".join(dict.fromkeys(p.slot for p in mine))
        draft = Draft(
            category="ssrf",
            severity="high",
            title=f"{route(first.exchange)} fetches a URL the client supplies",
            detail=(
                f"Given assay's canary address in {fields}, the server itself sent "
                f"{hit.method or 'a request'} to it (User-Agent: {hit.user_agent or 'none'})."
            ),
            recommendation=(
                "Fetch only from an allow-list of hosts; resolve the name and refuse private, loopback "
                "and link-local addresses (also after redirects); or do not fetch client URLs at all."
            ),
            impact="An attacker can make the server reach internal services and cloud metadata endpoints.",
            extra={"canary_hits": len(hits[first.token]), "fields": fields},
        )
        findings.append(build(draft, first.exchange, context, occurrences=len(mine)))
    return findings
