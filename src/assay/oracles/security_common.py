"""What the security oracles share: recorded steps (who sent what), their evidence, one per route.

A security judge is pure: it reads ``Step``s (an exchange plus the label of the identity that
sent it) that a family recorded, and builds findings whose evidence names the identities and the
request sequence, never a secret.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject, dig
from assay.domain.redaction import redact_url
from assay.oracles.base import Draft, OracleContext, build

OWNER_KEYS = re.compile(
    r"^(owner|owner_?id|user_?id|created_?by|author|author_?id|account_?id|tenant_?id|customer_?id"
    r"|member_?id|profile_?id|uid)$",
    re.IGNORECASE,
)
REFUSED = frozenset({401, 403, 404})


@dataclass(frozen=True)
class Step:
    """One recorded request and who sent it (an identity's label, never its credentials)."""

    actor: str
    exchange: Exchange


def status_of(exchange: Exchange) -> int:
    """The answer's status, 0 when there was none."""
    return exchange.status or 0


def ok(step: Step | Exchange | None) -> bool:
    exchange = step.exchange if isinstance(step, Step) else step
    return exchange is not None and exchange.status is not None and 200 <= exchange.status < 300


def refused(step: Step | None) -> bool:
    return step is not None and step.exchange.status in REFUSED


def body_of(step: Step | None) -> Json:
    if step is None or step.exchange.response is None:
        return None
    response = step.exchange.response
    return response.json if response.is_json else (response.text or None)


def route_of(step: Step) -> str:
    """``METHOD /path/{template}`` of the step's request."""
    return f"{step.exchange.request.method.upper()} {step.exchange.path_template or ''}"


def sequence_of(steps: Sequence[Step], secrets: Sequence[str]) -> list[Json]:
    """The request sequence as evidence: who sent what, and what it answered."""
    out: list[Json] = []
    for number, step in enumerate(steps, 1):
        request = step.exchange.request
        out.append(
            {
                "step": number,
                "as": step.actor,
                "request": f"{request.method.upper()} {redact_url(request.url, secrets)}",
                "status": step.exchange.status,
                "action": step.exchange.action,
            }
        )
    return out


def finding(draft: Draft, key: Step, steps: Sequence[Step], context: OracleContext) -> Finding:
    """A finding shown by ``key``'s exchange, with the whole sequence and the identities named."""
    built = build(draft, key.exchange, context)
    built.evidence["sequence"] = sequence_of(steps, context.secrets)
    built.evidence["identities"] = list(dict.fromkeys(s.actor for s in steps))
    return built


def one_per_route(findings: Sequence[Finding]) -> list[Finding]:
    """The first finding for each (category, method, path); later repeats only count."""
    kept: dict[tuple[str, str, str], Finding] = {}
    for item in findings:
        first = kept.get(item.dedup_key)
        if first is None:
            kept[item.dedup_key] = item
        else:
            first.evidence["occurrences"] = int(str(first.evidence.get("occurrences", 1))) + 1
    return list(kept.values())


def owner_fields(body: Json) -> dict[str, Json]:
    """Fields of an object that say whose it is (``owner_id``, ``user_id``...), top level or ``data``."""
    found: dict[str, Json] = {}
    for obj in (body, dig(body, "data")):
        if isinstance(obj, dict):
            found.update({k: v for k, v in obj.items() if OWNER_KEYS.match(k) and v not in (None, "")})
    return found


def object_view(body: Json) -> JsonObject:
    """The object a body describes: the body itself, or its ``data`` envelope."""
    if isinstance(body, dict):
        inner = body.get("data")
        return inner if isinstance(inner, dict) and "id" in inner else body
    return {}


def set_cookie_lines(header: str) -> list[str]:
    """The ``Set-Cookie`` lines of a header the transport joined with commas (an ``Expires`` date's
    own comma is followed by a day, not by ``name=``): the one splitter the cookie judges share."""
    return [line.strip() for line in re.split(r",\s*(?=[^;,=\s]+=)", header) if line.strip()]
