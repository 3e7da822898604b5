"""broken_function_authorization, the probe: a lower role tries what only a higher one may.

Three checks. (1) Admin-looking read operations (``admin``, ``staff``, ``roles``, ``permissions``
in the path, tags or operationId) sent by the higher and the lower identity: the lower one
served the same data is a finding. (2) When the server itself refuses the lower identity a
create that the higher one may make (a catalogue only staff maintain), the lower identity tries
to change and delete the higher one's object. (3) A user assay registered asks for a role
(``role: admin``, ``is_admin: true``) on its own account; its own read showing the raise is a
finding. Nothing here touches an account or object assay did not create. The judgment is
``assay.oracles.broken_function_authorization``.
"""

from __future__ import annotations

import re

from assay.agents.analysis.security.attacks.common import base_spec
from assay.agents.analysis.security.authz.bola_keys import is_user_key
from assay.agents.analysis.security.authz.common import (
    PoolFamily,
    create,
    item_operations,
    item_request,
    send_as,
)
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.domain.state_change import changes_existing, is_state_reset
from assay.oracles.base import own_id
from assay.oracles.broken_function_authorization import FunctionTrial, RaiseTrial, judge
from assay.oracles.security_common import body_of, object_view
from assay.spec import naming
from assay.spec.placeholders import UNIQUE, new_unique
from assay.spec.requests import request_for

_ADMIN = re.compile(
    r"(^|[^a-z])(admin|administration|staff|superuser|roles?|permissions?|internal|manage)", re.I
)
RAISE: JsonObject = {"role": "admin", "is_admin": True, "admin": True, "is_staff": True, "roles": ["admin"]}


def is_admin_operation(op: Operation) -> bool:
    text = " ".join([op.path, op.operation_id or "", *op.tags])
    return bool(_ADMIN.search(text))


class BrokenFunctionAuthorization(PoolFamily):
    name = "broken_function_authorization"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        roles = await self.pool.roles(ctx)
        lower = roles[1] if roles else next(iter(await self.pool.registered(ctx, 1)), None)
        if lower is None:
            return self.skipped("needs a lower-role identity: allow registration or give --login user=U:P")
        higher = roles[0] if roles else None
        functions = await _admin_reads(client, ctx, higher, lower)
        if higher is not None:
            functions += await _restricted_writes(client, ctx, higher, lower)
        own = lower if lower.registered else next(iter(await self.pool.registered(ctx, 1)), None)
        raises = await _raises(client, ctx, own) if own is not None else []
        return self.report(client, judge(functions, raises, self.oracle_context()))


async def _admin_reads(
    client: ProbeClient, ctx: SecurityContext, higher: Identity | None, lower: Identity
) -> list[FunctionTrial]:
    trials: list[FunctionTrial] = []
    for op in ctx.api.operations:
        # Reads, and creates when a higher identity shows the call works (a staff-only POST).
        method_ok = op.method == "GET" or (
            op.method == "POST" and higher is not None and _plain_create(ctx, op)
        )
        if not method_ok or naming.param_names(op.path) or not is_admin_operation(op):
            continue
        spec = base_spec(op) if op.method == "POST" else request_for(op, {})
        high = await send_as(client, ctx, higher, spec, {}, "call admin operation") if higher else None
        low = await send_as(client, ctx, lower, spec, {}, "call admin operation")
        if low is not None:
            trials.append(
                FunctionTrial(high, low, "its path, tags or operationId name an administrative function")
            )
    return trials


async def _restricted_writes(
    client: ProbeClient, ctx: SecurityContext, higher: Identity, lower: Identity
) -> list[FunctionTrial]:
    """Objects only the higher role may create: may the lower role change or delete them?"""
    trials: list[FunctionTrial] = []
    for name, recipe in ctx.recipes.items():
        ops = item_operations(ctx.api, recipe)
        if recipe.requires or not ({"PUT", "PATCH", "DELETE"} & set(ops)) or client.exhausted:
            continue
        scope: dict[str, Json] = {UNIQUE: new_unique()}
        denied = await send_as(client, ctx, lower, recipe.action.request, scope, f"create a {name}")
        if denied is None or denied.exchange.status not in {401, 403}:
            continue  # the lower role may create these: changing its own is no privilege
        made = await create(client, ctx, higher, name)
        reason = f"the server refuses {lower.label} the creation of a {name} ({denied.exchange.status})"
        for method in ("PATCH" if "PATCH" in ops else "PUT", "DELETE"):
            if made is None or method not in ops:
                continue
            body = made.recipe.action.request.body if method != "DELETE" else None
            spec = item_request(ctx.api, ctx.recipes, ops[method], name, body)
            step = await send_as(
                client, ctx, lower, spec, {**made.scope, UNIQUE: new_unique()}, method.lower()
            )
            trials.extend([FunctionTrial(made.step, step, reason)] if step else [])
    return trials


def _plain_create(ctx: SecurityContext, op: Operation) -> bool:
    flow = ctx.api.auth
    skip = {flow.login_operation, flow.register_operation, *ctx.resets}
    return op.key not in skip and not is_state_reset(op) and not changes_existing(op)


def _self_ops(api: ApiModel, me: Operation) -> list[Operation]:
    """Operations that write the caller's own user: PUT/PATCH on the me path, or role paths."""
    found = [o for o in api.operations if o.path == me.path and o.method in {"PUT", "PATCH"}]
    found += [o for o in api.operations if o.method in {"PUT", "PATCH", "POST"} and "role" in o.path.lower()]
    users = naming.parent_path(me.path)  # /api/users/me -> /api/users: then /api/users/{id}
    for op in api.operations:
        by_id = naming.parent_path(op.path) == users and naming.is_param(naming.segments(op.path)[-1])
        if op.method in {"PUT", "PATCH"} and by_id:
            found.append(op)
    unique = {op.key: op for op in reversed(found)}
    return [op for op in found if unique.pop(op.key, None) is not None]


async def _raises(client: ProbeClient, ctx: SecurityContext, user: Identity) -> list[RaiseTrial]:
    me = ctx.api.operation(ctx.api.auth.current_user_operation or "")
    if me is None:
        return []
    trials: list[RaiseTrial] = []
    for op in _self_ops(ctx.api, me)[:4]:
        before = await send_as(client, ctx, user, request_for(me, {}), {}, "read own account")
        own = own_id(object_view(body_of(before))) if before else None
        # /users/{id}/role takes the own id, /users/{username}/role the own username.
        params = {p: user.username if is_user_key(p) else own for p in naming.param_names(op.path)}
        params = {p: v for p, v in params.items() if v}
        if before is None or len(params) != len(naming.param_names(op.path)):
            continue
        spec = request_for(op, dict(params), body=dict(RAISE))
        write = await send_as(client, ctx, user, spec, {}, "ask for the admin role")
        after = await send_as(client, ctx, user, request_for(me, {}), {}, "read own account again")
        trials.extend([RaiseTrial(before, write, after)] if write else [])
    return trials
