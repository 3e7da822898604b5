"""ssrf: every URL-shaped field gets the address of assay's loopback canary; a hit is the proof.

Redirecting to the URL (httpbin's ``/redirect-to``) is not fetching it: the transport never
follows redirects, so only a request the *server* makes reaches the canary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    finding,
    is_free_string,
    oracle_context,
    slots,
    with_value,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.agents.analysis.security.canary import Canary, Hit
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json, as_str
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext, group_by_route, route
from assay.spec.datagen import resolve

URL_FORMATS = frozenset({"uri", "url", "iri", "uri-reference", "iri-reference"})
URL_NAMES = frozenset(
    {"url", "uri", "link", "href", "callback", "webhook", "avatar", "feed", "endpoint", "redirect_uri"}
)
_URL_SUFFIX = re.compile(r"(?:url|uri|link|href|webhook|callback|avatar)$")
GRACE_SECONDS = 1.5


def is_url_field(slot: Slot) -> bool:
    """A field that takes a URL: by format (uri/url) or by name (``image_url``, ``webhook``, ...)."""
    fmt = as_str(resolve(slot.schema).get("format"))
    name = re.sub(r"[^a-z0-9_]", "", slot.name.lower())
    return fmt in URL_FORMATS or name in URL_NAMES or bool(_URL_SUFFIX.search(name.replace("_", "")))


def url_slots(op: Operation) -> list[Slot]:
    return [s for s in slots(op) if s.location != "path" and is_free_string(s.schema) and is_url_field(s)]


@dataclass(frozen=True)
class SsrfProbe:
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
        findings.append(finding(draft, first.exchange, context, len(mine)))
    return findings


class SsrfFamily(AttackFamily):
    name = "ssrf"

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        async with Canary() as canary:
            probes = await self._probe(prober, canary)
            await canary.wait_for({p.token for p in probes}, GRACE_SECONDS)
            hits = {p.token: canary.hits_for(p.token) for p in probes}
        notes = [f"{len(probes)} URL field(s) given the canary; {sum(1 for h in hits.values() if h)} hit"]
        return Outcome(judge_ssrf(probes, hits, oracle_context(ctx)), notes)

    async def _probe(self, prober: Prober, canary: Canary) -> list[SsrfProbe]:
        probes: list[SsrfProbe] = []
        for op in prober.ctx.api.operations:
            fields = url_slots(op)
            if not fields or not prober.allowed(op):
                continue
            spec = await prober.baseline_spec(op)
            for slot in fields:
                token = canary.new_token()
                value: Json = canary.url(token)
                exchange = await prober.send(with_value(spec, slot, value), f"canary URL in {slot.label}")
                if exchange is None:
                    return probes
                probes.append(SsrfProbe(exchange, slot.label, token))
        return probes
