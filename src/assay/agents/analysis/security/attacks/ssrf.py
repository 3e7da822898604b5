"""ssrf: every URL-shaped field gets the address of assay's loopback canary; a hit is the proof.

The judgment (:func:`assay.oracles.ssrf.judge_ssrf`) is pure: it only reads the canary's hits.
"""

from __future__ import annotations

import re

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    is_free_string,
    oracle_context,
    slots,
    with_value,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.agents.analysis.security.canary import Canary
from assay.domain.json import Json, as_str
from assay.domain.operations import Operation
from assay.oracles.ssrf import SsrfProbe, judge_ssrf
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
