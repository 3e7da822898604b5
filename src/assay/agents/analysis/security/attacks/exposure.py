"""data_exposure: reads every GET once, and again without credentials when the answer holds secrets.

The judgments (secrets in answers, other users' contact data) are pure and live in
:mod:`assay.oracles.data_exposure`; this family only sends the reads and works out what marks
the caller's own records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.agents.analysis.security.attacks.common import AttackFamily, Outcome, Prober, oracle_context
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.json import Json
from assay.oracles.base import route
from assay.oracles.data_exposure import (
    Caller,
    json_answer,
    judge_personal_data,
    judge_secrets,
    leaks_in,
    norm_key,
    walk,
)

_ADMIN_ROLES = frozenset({"admin", "administrator", "superuser", "staff", "root"})


class DataExposureFamily(AttackFamily):
    name = "data_exposure"
    probe_with_access = False  # staff seeing every user's contact data is the design
    budget_cap = 40

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        client = prober.client
        anonymous: set[str] = set()
        for op in ctx.api.operations:
            if op.method != "GET" or client.exhausted:
                continue
            spec = await prober.baseline_spec(op)
            read = await prober.send(spec, "read")
            if read is not None and leaks_in(read, ctx.api) and ctx.auth.session.authenticated:
                # Would a caller with no credentials at all get the same secrets?
                again = await prober.send(spec, "read without credentials", authed=False)
                if again is not None and leaks_in(again, ctx.api):
                    anonymous.add(route(read))
        context = oracle_context(ctx)
        own = own_values(client.exchanges, ctx)
        caller = Caller(frozenset(own), frozenset(anonymous))
        findings = judge_secrets([e for e in client.exchanges if _authed(e)], ctx.api, context, caller)
        identity = ctx.auth.identity
        if identity is not None and identity.role.lower() not in _ADMIN_ROLES:
            findings += judge_personal_data([e for e in client.exchanges if _authed(e)], own, context)
        return Outcome(findings)


def _authed(exchange: Exchange) -> bool:
    return not exchange.action.endswith("without credentials")


_IDENTITY_KEYS = re.compile(r"mail|phone|mobile|user|login|handle|^name$|fullname|displayname")
_ME_SEGMENTS = frozenset({"me", "self", "profile", "account", "whoami", "current", "user"})


def _identity_values(value: Json) -> set[str]:
    """The identity-like values (emails, phones, user names) in a body, lower-cased."""
    found: set[str] = set()
    for _path, key, text in walk(value):
        if _IDENTITY_KEYS.search(norm_key(key)) and len(text) >= 3:
            found.add(text.lower())
    return found


def _is_me(exchange: Exchange, ctx: SecurityContext) -> bool:
    if exchange.operation is not None and exchange.operation == ctx.api.auth.current_user_operation:
        return True
    template = exchange.path_template or ""
    last = template.rstrip("/").rsplit("/", 1)[-1].lower()
    return "{" not in template and last in _ME_SEGMENTS


def own_values(exchanges: Sequence[Exchange], ctx: SecurityContext) -> set[str]:
    """What marks the caller's own records: its names, the identity values it sent, its profile's."""
    session = ctx.auth.session
    identity = ctx.auth.identity
    own = {v.lower() for v in (identity.username if identity else None, session.username) if v}
    for exchange in exchanges:
        if not _authed(exchange):
            continue
        if exchange.request.has_body:
            own |= _identity_values(exchange.request.body)
        body = json_answer(exchange)
        if isinstance(body, dict) and _is_me(exchange, ctx):
            own |= _identity_values(body)
            own |= {str(v).lower() for k, v in body.items() if k in {"id", "uuid"} and v is not None}
    return own
