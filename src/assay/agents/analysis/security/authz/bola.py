"""broken_object_authorization, the probe: one user tries another's object by its id.

Identity A (the owner) creates an object through its recipe; identity B (the intruder, same
role) reads, updates and deletes it by id. B succeeding is a finding only when the object is
known to be A's: it names its owner (``owner_id``, ``user_id``...), or A's listing shows it while
B's does not, or (for writes) the server hides it from B yet lets B change it. A shared object
(a wiki page both may edit, a public catalogue) is therefore never reported. The profile check
does the same for users: B updates ``/users/{A's id}``, then A's own read shows B's value.
Accounts chosen by username or a body field are tried in ``bola_keys``. The judgment is
``assay.oracles.broken_object_authorization``.
"""

from __future__ import annotations

from assay.agents.analysis.security.authz.bola_keys import keyed_trials, keyed_writes
from assay.agents.analysis.security.authz.bola_reads import keyed_read_trials
from assay.agents.analysis.security.authz.common import (
    Created,
    PoolFamily,
    create,
    item_operations,
    item_request,
    send_as,
    spec_body_properties,
)
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.oracles.base import own_id
from assay.oracles.broken_object_authorization import ObjectTrial, ProfileTrial, TakeoverTrial, judge
from assay.oracles.security_common import Step, body_of, object_view, owner_fields
from assay.spec import naming
from assay.spec.placeholders import UNIQUE, new_unique, substitute
from assay.spec.requests import request_for

_USER_COLLECTIONS = frozenset({"users", "user", "accounts", "account", "profiles", "profile", "members"})


class BrokenObjectAuthorization(PoolFamily):
    name = "broken_object_authorization"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        peers = await self.pool.peers(ctx)
        if peers is None:
            return self.skipped(
                "needs two users of the same role: give a second --login or allow registration"
            )
        client = ProbeClient(ctx, self.name)
        objects = [t for t in [await _object_trial(client, ctx, *peers, r) for r in ctx.recipes] if t]
        profiles = await _profile_trials(client, ctx, peers)
        keyed, takeovers = await self._keyed(client, ctx, peers)
        reads = await keyed_read_trials(client, ctx, peers)
        found = judge(objects, [*profiles, *keyed], self.oracle_context(), takeovers, reads)
        return self.report(client, found)

    async def _keyed(
        self, client: ProbeClient, ctx: SecurityContext, peers: tuple[Identity, Identity]
    ) -> tuple[list[ProfileTrial], list[TakeoverTrial]]:
        """Accounts chosen by username: the victim is one assay registered, the intruder a peer."""
        victim = next((p for p in peers if p.registered), None)
        victim = victim or next(iter(await self.pool.registered(ctx, 1)), None)
        intruder = next((p for p in peers if p is not victim), None)
        if victim is None or intruder is None or not keyed_writes(ctx.api):
            return [], []
        return await keyed_trials(client, ctx, victim, intruder)


async def _object_trial(
    client: ProbeClient, ctx: SecurityContext, owner: Identity, intruder: Identity, name: str
) -> ObjectTrial | None:
    ops = item_operations(ctx.api, ctx.recipes[name])
    if not ops or client.exhausted:
        return None
    made = await create(client, ctx, owner, name)
    if made is None:
        return None
    lists = await _listings(client, ctx, made, owner, intruder)
    steps: list[Step] = []
    for method in ("GET", "PATCH" if "PATCH" in ops else "PUT", "DELETE"):
        op = ops.get(method)
        if op is None:
            continue
        body = _write_body(made) if method in {"PUT", "PATCH"} else None
        spec = item_request(ctx.api, ctx.recipes, op, name, body)
        step = await send_as(
            client, ctx, intruder, spec, made.scope, f"{method.lower()} another user's {name}"
        )
        steps.extend([step] if step is not None else [])
    return ObjectTrial(str(made.object_id), made.step, lists[0], lists[1], tuple(steps))


async def _listings(
    client: ProbeClient, ctx: SecurityContext, made: Created, owner: Identity, intruder: Identity
) -> tuple[Step | None, Step | None]:
    create_op = ctx.api.operation(made.recipe.action.request.operation)
    listing = ctx.api.operation(f"GET {create_op.path}") if create_op else None
    if listing is None or owner_fields(made.body):
        return None, None  # ownership is already shown, or there is no list to compare
    spec = request_for(listing, dict(made.recipe.action.request.path_params))
    mine = await send_as(client, ctx, owner, spec, made.scope, "list own objects")
    theirs = await send_as(client, ctx, intruder, spec, made.scope, "list own objects")
    return mine, theirs


def _write_body(made: Created) -> Json:
    sent = made.recipe.action.request.body
    return substitute(sent, {**made.scope, UNIQUE: new_unique()}) if isinstance(sent, dict) else {}


# --------------------------------------------------------------------------- profiles


def _user_ops(api: ApiModel) -> list[Operation]:
    """PUT/PATCH on ``/users/{id}``-like paths: a user object chosen by the path."""
    found = []
    for op in api.operations:
        parts = naming.segments(op.path)
        by_id = len(parts) >= 2 and naming.is_param(parts[-1]) and parts[-2].lower() in _USER_COLLECTIONS
        if op.method in {"PUT", "PATCH"} and by_id and "password" not in op.path.lower():
            found.append(op)
    return found


def _text_field(op: Operation) -> str | None:
    for name, schema in spec_body_properties(op).items():
        plain = schema.get("type") == "string" and not schema.get("format") and not schema.get("enum")
        if plain and not any(w in name.lower() for w in ("password", "mail", "role", "user", "login")):
            return name
    return None


async def _profile_trials(
    client: ProbeClient, ctx: SecurityContext, peers: tuple[Identity, Identity]
) -> list[ProfileTrial]:
    me_key = ctx.api.auth.current_user_operation
    me = ctx.api.operation(me_key or "")
    victim, intruder = peers if peers[0].registered else (peers[1], peers[0])
    if me is None or not victim.registered:
        return []  # the victim's account is changed: only accounts assay made itself
    trials: list[ProfileTrial] = []
    for op in _user_ops(ctx.api):
        trial = await _profile_trial(client, ctx, me, op, victim, intruder)
        trials.extend([trial] if trial is not None else [])
    return trials


async def _profile_trial(
    client: ProbeClient,
    ctx: SecurityContext,
    me: Operation,
    op: Operation,
    victim: Identity,
    intruder: Identity,
) -> ProfileTrial | None:
    name = _text_field(op)
    before = await send_as(client, ctx, victim, request_for(me, {}), {}, "read own user")
    victim_id = own_id(object_view(body_of(before))) if before is not None else None
    if name is None or victim_id is None:
        return None
    value = f"assay-{new_unique()}"
    body: JsonObject = {name: value}
    spec = request_for(op, {naming.param_names(op.path)[-1]: victim_id}, body=body)
    write = await send_as(client, ctx, intruder, spec, {}, "update another user's profile")
    after = await send_as(client, ctx, victim, request_for(me, {}), {}, "read own user again")
    if write is None or before is None:
        return None
    return ProfileTrial(name, value, write, after, tuple(s for s in (before, write, after) if s))
