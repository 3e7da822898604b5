"""mass_assignment on accounts: a registration or a change of one's own account that sets privileges.

The fields tried are the privilege-looking ones (``role``, ``is_admin``, ``balance``, ``tenant``...)
that the account's own read shows or its response schemas declare, and that the request schema
does not declare writable. A registration carries them (then the new user logs in and reads its
own account), and a user assay registered sends them to its own "me" update; the read showing
the values sent, where a plainly registered user's read does not, is the finding (judged by
``assay.oracles.mass_assignment``). Only accounts assay registers are created or changed.
"""

from __future__ import annotations

import re

from assay.agents.analysis.execution.auth import register_body
from assay.agents.analysis.security.authz.common import send_as, spec_body_properties
from assay.agents.analysis.security.base import ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, IdentityPool, anonymous, login_as
from assay.domain.json import Json, JsonObject, as_str
from assay.domain.operations import Operation
from assay.domain.target import Credentials
from assay.oracles.mass_assignment import MassTrial
from assay.oracles.security_common import Step, body_of, object_view, ok
from assay.spec.datagen import properties, resolve
from assay.spec.placeholders import new_unique
from assay.spec.requests import request_for

# Fields a client never sets on its own account: privileges, money, ownership and tenancy.
PRIVILEGE = re.compile(
    r"^(is_?)?(admin|administrator|staff|superuser|super_user|moderator|verified|approved|premium)$"
    r"|role|permission|group|balance|credit|wallet|points|owner|tenant|organi[sz]ation|org_id|plan$|tier$",
    re.I,
)
_MARK = 987654321


def _value(name: str, schema: JsonObject, natural: Json) -> Json:
    """A value the server would never pick itself for ``name``: admin, true, a marked number."""
    kind = schema.get("type")
    if kind == "boolean" or isinstance(natural, bool) or name.lower().startswith("is_"):
        return True
    if kind == "array" or isinstance(natural, list):
        return ["admin"]
    if kind in {"integer", "number"} or isinstance(natural, int | float):
        return _MARK + len(name)
    if "role" in name.lower() or name.lower() in {"group", "plan", "tier"}:
        return "admin"
    return f"assay-{new_unique()[:6]}-{name}"


def account_fields(write: Operation | None, reads: list[Operation], baseline: JsonObject) -> JsonObject:
    """Privilege field -> a marked value: from the account's read and its response schemas."""
    writable = set(spec_body_properties(write))
    declared: dict[str, JsonObject] = {}
    for op in reads:
        for response in op.responses:
            if response.status.startswith("2") and response.schema:
                for name, prop in properties(resolve(response.schema)).items():
                    declared.setdefault(name, resolve(prop))
    names = [*declared, *(k for k in baseline if k not in declared)]
    return {
        name: _value(name, declared.get(name, {}), baseline.get(name))
        for name in names
        if PRIVILEGE.search(name) and name not in writable
    }


async def _read_me(client: ProbeClient, ctx: SecurityContext, me: Operation, who: Identity) -> Step | None:
    return await send_as(client, ctx, who, request_for(me, {}), {}, "read own account")


async def account_trials(client: ProbeClient, ctx: SecurityContext, pool: IdentityPool) -> list[MassTrial]:
    """Registration and the own-account update, each with the privilege fields; their read-backs."""
    me = ctx.api.operation(ctx.api.auth.current_user_operation or "")
    plain = next(iter(await pool.registered(ctx, 1)), None)
    if me is None or plain is None:
        return []  # no own account to compare with (or registration is closed)
    before = await _read_me(client, ctx, me, plain)
    baseline = object_view(body_of(before)) if before is not None and ok(before) else {}
    fresh = await _register(client, ctx, {})  # a plain new account: what registration itself gives
    plain_new = await _read_me(client, ctx, me, fresh[1]) if fresh is not None else None
    new_baseline = object_view(body_of(plain_new)) if plain_new is not None and ok(plain_new) else baseline
    trials = [await _register_trial(client, ctx, me, new_baseline)]
    for op in (o for o in ctx.api.operations if o.path == me.path and o.method in {"PUT", "PATCH"}):
        trials.append(await _update_trial(client, ctx, me, op, plain, baseline))
    return [t for t in trials if t is not None]


async def _register(
    client: ProbeClient, ctx: SecurityContext, extra: JsonObject
) -> tuple[Step, Identity] | None:
    """Register a fresh user (with ``extra`` in the body) and log in as it; None when refused."""
    flow = ctx.api.auth
    op = ctx.api.operation(flow.register_operation or "")
    if op is None or op.requires_auth:
        return None
    password = ctx.target.ledger.password
    body = {**register_body(ctx.api, new_unique(), password), **extra}
    action = "register with privileged fields" if extra else "register a plain user"
    write = await send_as(client, ctx, anonymous(), request_for(op, {}, body=body), {}, action)
    username = as_str(body.get(flow.username_field)) or as_str(body.get("email"))
    if write is None or not ok(write) or not username:
        return None
    ctx.target.ledger.record("account", username, f"{op.method} {op.path}")
    who = await login_as(ctx, Credentials(username=username, password=password))
    if who is None:
        return None
    ctx.auth.secrets.extend(s for s in who.secrets if s not in ctx.auth.secrets)  # redacted like all
    return write, who


async def _register_trial(
    client: ProbeClient, ctx: SecurityContext, me: Operation, baseline: JsonObject
) -> MassTrial | None:
    extra = account_fields(ctx.api.operation(ctx.api.auth.register_operation or ""), [me], baseline)
    made = await _register(client, ctx, extra) if extra else None
    if made is None:
        return None
    write, who = made
    read = await _read_me(client, ctx, me, who)
    return MassTrial(extra, write, read, baseline, tuple(s for s in (write, read) if s is not None))


# The role fields the function-authorization family asks for on the own account (its "raise"):
# a raise found there is that family's finding, not a second one here.
_RAISED_ELSEWHERE = frozenset({"role", "is_admin", "admin", "is_staff", "roles"})


async def _update_trial(
    client: ProbeClient,
    ctx: SecurityContext,
    me: Operation,
    op: Operation,
    who: Identity,
    baseline: JsonObject,
) -> MassTrial | None:
    fields = account_fields(op, [me, op], baseline)
    extra = {k: v for k, v in fields.items() if k not in _RAISED_ELSEWHERE}
    if not extra:
        return None
    write = await send_as(client, ctx, who, request_for(op, {}, body=dict(extra)), {}, "update own account")
    read = await _read_me(client, ctx, me, who) if write is not None else None
    if write is None:
        return None
    return MassTrial(extra, write, read, baseline, tuple(s for s in (write, read) if s is not None))
