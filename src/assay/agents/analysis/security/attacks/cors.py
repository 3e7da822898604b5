"""cors: Origin headers of an unrelated domain, a look-alike of the target, and ``null``.

Sent to three parameterless GETs chosen by what a cross-site reader would want (see ``rank``):
the current user's record and what hangs under it, then credentialed answers with user data.

The answers are judged by :func:`assay.oracles.cors.judge_cors` (response headers only).
"""

from __future__ import annotations

import re
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


def origins(host: str) -> tuple[str, ...]:
    return ("https://evil.example", f"https://{host or 'target'}.evil.example", "null")


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
    budget_cap = 12

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        probes: list[tuple[str, Exchange]] = []
        for op in _targets(ctx):
            request = prober.render(base_spec(op))
            for origin in origins(ctx.target.host):
                sent = await prober.send_raw(
                    _with_origin(request, origin), op.key, op.path, f"Origin {origin}"
                )
                if sent is not None:
                    probes.append((origin, sent))
        return Outcome(judge_cors(probes, ctx.api.auth.kind, oracle_context(ctx)))


def _with_origin(request: RecordedRequest, origin: str) -> RecordedRequest:
    return replace(request, headers={**request.headers, "Origin": origin})
