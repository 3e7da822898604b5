"""cors: Origin headers of an unrelated domain, a look-alike of the target, and ``null``; then
origins that defeat common pattern mistakes (unanchored, unescaped dots), built from the target's
host and from the allowed origins the server reveals in its answers, sent to the best operation.

Sent to three parameterless GETs chosen by what a cross-site reader would want (see ``rank``):
the current user's record and what hangs under it, then credentialed answers with user data.

The answers are judged by :func:`assay.oracles.cors.judge_cors` (response headers only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    base_spec,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.oracles.cors import judge_cors
from assay.spec.datagen import properties, resolve
from assay.spec.graph import success_schema

OPERATIONS = 3
_USER_WORDS = (
    "mail",
    "phone",
    "user",
    "owner",
    "account",
    "session",
    "token",
    "fullname",
    "address",
    "balance",
)


MISTAKES = 8  # origins built from the target's and the revealed origins' hosts, sent to one operation
_ORIGIN = re.compile(r"^(https?)://([a-z0-9.-]+)(:\d+)?$", re.IGNORECASE)
_IP = re.compile(r"^\d+(?:\.\d+){3}$")


def origins(host: str) -> tuple[str, ...]:
    return ("https://evil.example", f"https://{host or 'target'}.evil.example", "null")


def revealed_origins(exchanges: Sequence[Exchange], sent: Sequence[str]) -> list[str]:
    """Specific origins the server names in Access-Control-Allow-Origin for requests that did not
    send them: its own allow-list showing through (a default origin answered to strangers)."""
    found: list[str] = []
    for exchange in exchanges:
        value = (
            (exchange.response.header("access-control-allow-origin") or "").strip()
            if exchange.response
            else ""
        )
        if _ORIGIN.match(value) and value.lower() not in {o.lower() for o in (*sent, *found)}:
            found.append(value)
    return found


def _registrable(host: str) -> str:
    """The last two labels of a domain (``target.com`` of ``app.target.com``); an IP as it is."""
    labels = host.split(".")
    return host if _IP.match(host) or len(labels) < 3 else ".".join(labels[-2:])


def regex_mistakes(origin: str) -> list[str]:
    """Foreign origins that a pattern meant for ``origin`` accepts when it is written carelessly:
    unanchored at the end (``https://app.target.com.evil.test``), at the start or with a leading
    ``.*`` (``https://eviltarget.com``), or with its dots unescaped (``https://app.targetxcom``)."""
    match = _ORIGIN.match(origin)
    if match is None:
        return []
    scheme, host, port = match.group(1).lower(), match.group(2).lower(), match.group(3) or ""
    dots = [i for i, c in enumerate(host) if c == "."][-2:]
    found = [
        f"{scheme}://{host}.evil.test{port}",
        f"{scheme}://evil{_registrable(host)}{port}",
        *(f"{scheme}://{host[:i]}x{host[i + 1 :]}{port}" for i in reversed(dots)),
    ]
    return [o for o in found if o.lower() != origin.lower()]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _schema_names(schema: JsonObject, depth: int = 0) -> set[str]:
    """Property names anywhere in a (resolved) response schema, a few levels deep."""
    if depth > 4:
        return set()
    resolved = resolve(schema)
    names: set[str] = set()
    for name, sub in properties(resolved).items():
        names |= {_norm(name)} | _schema_names(sub, depth + 1)
    items = resolved.get("items")
    return names | (_schema_names(items, depth + 1) if isinstance(items, dict) else set())


def user_data_score(op: Operation) -> int:
    """How many fields of the documented answer look like a user's data (email, session, token...)."""
    schema = success_schema(op)
    names = _schema_names(schema) if schema is not None else set()
    return sum(1 for name in names if any(word in name for word in _USER_WORDS))


def rank(api: ApiModel) -> list[Operation]:
    """Parameterless GETs, those worth the most to a cross-site reader first.

    The current user's own record, then what hangs under it (``/users/me/sessions``), then
    operations that need credentials, by how much user data their answers document; the spec's
    order only breaks ties.
    """
    me = api.operation(api.auth.current_user_operation or "")
    mine = me.path.rstrip("/") + "/" if me is not None else None
    gets = [op for op in api.operations if op.method == "GET" and "{" not in op.path]

    def key(op: Operation) -> tuple[bool, bool, bool, int]:
        under_me = mine is not None and op.path.startswith(mine)
        return (op is not me, not under_me, not op.requires_auth, -user_data_score(op))

    return sorted(gets, key=key)


def _targets(ctx: SecurityContext) -> list[Operation]:
    return rank(ctx.api)[:OPERATIONS]


class CorsFamily(AttackFamily):
    name = "cors"
    budget_cap = 20

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        probes: list[tuple[str, Exchange]] = []
        targets = _targets(ctx)
        for op in targets:
            probes += await _send_origins(prober, op, origins(ctx.target.host))
        revealed = revealed_origins([e for _o, e in probes], [o for o, _e in probes])
        mistakes = _mistakes(ctx, revealed, {o for o, _e in probes})
        if targets and mistakes:
            probes += await _send_origins(prober, targets[0], mistakes)
        notes = [f"allowed origin(s) the server revealed: {', '.join(revealed)}"] if revealed else []
        return Outcome(judge_cors(probes, ctx.api.auth.kind, oracle_context(ctx)), notes)


def _mistakes(ctx: SecurityContext, revealed: Sequence[str], sent: set[str]) -> list[str]:
    """Look-alikes of the revealed origins first, then of the target's own origin; never one it allows."""
    allowed = {o.lower() for o in revealed}
    own = f"https://{ctx.target.host}" if ctx.target.host else ""
    found: list[str] = []
    for origin in (*revealed, *([own] if own else [])):
        found += [o for o in regex_mistakes(origin) if o.lower() not in allowed | sent and o not in found]
    return found[:MISTAKES]


async def _send_origins(prober: Prober, op: Operation, sent: Sequence[str]) -> list[tuple[str, Exchange]]:
    request = prober.render(base_spec(op))
    probes: list[tuple[str, Exchange]] = []
    for origin in sent:
        exchange = await prober.send_raw(_with_origin(request, origin), op.key, op.path, f"Origin {origin}")
        if exchange is not None:
            probes.append((origin, exchange))
    return probes


def _with_origin(request: RecordedRequest, origin: str) -> RecordedRequest:
    return replace(request, headers={**request.headers, "Origin": origin})
