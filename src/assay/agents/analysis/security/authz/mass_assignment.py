"""mass_assignment, the probe: creates and updates that carry fields the client must not set.

For each resource: a plain create and its read-back give each field's natural value; then a
create and an update carry extra fields (``id``, ``tenant_id``, ``owner_id``, ``is_admin``,
``admin``, ``role`` and the spec's ``readOnly`` properties) with values no server would pick
itself. The object read back (the write's own answer when there is no read operation) holding
such a value, where the plain object did not, is a finding. Fields the request schema declares
writable are never injected, and a server that rejects or ignores the extras stays quiet.
The judgment is ``assay.oracles.mass_assignment``.
"""

from __future__ import annotations

from assay.agents.analysis.security.authz.common import (
    Created,
    PoolFamily,
    create,
    create_operation,
    item_operations,
    item_request,
    send_as,
    spec_body_properties,
)
from assay.agents.analysis.security.authz.mass_accounts import account_fields, account_trials
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity
from assay.domain.json import Json, JsonObject, as_object
from assay.domain.operations import Operation
from assay.domain.scenarios import ResourceRecipe
from assay.oracles.mass_assignment import MassTrial, judge
from assay.oracles.security_common import Step, body_of, object_view, ok
from assay.spec.datagen import properties, resolve
from assay.spec.placeholders import UNIQUE, new_unique, substitute

FORBIDDEN = ("id", "tenant_id", "owner_id", "is_admin", "admin", "role")
MAX_RESOURCES = 8
_MARK = 987654321


def read_only_fields(op: Operation | None) -> dict[str, JsonObject]:
    """Properties the spec marks ``readOnly`` in the request body or a success response."""
    if op is None:
        return {}
    schemas = [op.request_body.schema] if op.request_body else []
    schemas += [r.schema for r in op.responses if r.status.startswith("2") and r.schema]
    found: dict[str, JsonObject] = {}
    for schema in schemas:
        for name, prop in properties(resolve(schema)).items():
            if resolve(prop).get("readOnly") is True:
                found.setdefault(name, resolve(prop))
    return found


def _value_for(name: str, schema: JsonObject, natural: Json, salt: str) -> Json:
    kind = schema.get("type")
    if name in {"is_admin", "admin"} or kind == "boolean":
        return True
    if name == "role":
        return "admin"
    if kind == "integer" or (isinstance(natural, int) and not isinstance(natural, bool)):
        return _MARK + len(name)
    if schema.get("format") in {"date-time", "date"}:
        return "2001-02-03T04:05:06Z" if schema.get("format") == "date-time" else "2001-02-03"
    return f"assay-{salt}-{name}"


def injections(op: Operation | None, baseline: JsonObject) -> JsonObject:
    """Forbidden field -> a value no server picks itself; writable fields of the spec are left out."""
    writable = {k for k, v in spec_body_properties(op).items() if resolve(v).get("readOnly") is not True}
    candidates: dict[str, JsonObject] = {name: {} for name in FORBIDDEN}
    candidates.update(read_only_fields(op))
    salt = new_unique()[:6]
    found: JsonObject = {
        name: _value_for(name, schema, baseline.get(name), salt)
        for name, schema in candidates.items()
        if name not in writable
    }
    # And the privilege fields (balance, tenant, owner...) the resource's answers show or declare.
    extra = account_fields(op, [op] if op is not None else [], baseline)
    return {**extra, **found}


class MassAssignment(PoolFamily):
    name = "mass_assignment"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        who = await self.primary(ctx)
        client = ProbeClient(ctx, self.name)
        trials: list[MassTrial] = []
        for recipe in [r for r in ctx.recipes.values() if r.action.request.has_body][:MAX_RESOURCES]:
            trials.extend(await _trials(client, ctx, who, recipe))
        trials.extend(await account_trials(client, ctx, self.pool))
        return self.report(client, judge(trials, self.oracle_context()))


async def _read(client: ProbeClient, ctx: SecurityContext, made: Created) -> Step | None:
    op = item_operations(ctx.api, made.recipe).get("GET")
    if op is None:
        return None
    spec = item_request(ctx.api, ctx.recipes, op, made.recipe.name)
    return await send_as(client, ctx, made.owner, spec, made.scope, f"read the {made.recipe.name} back")


async def _trials(
    client: ProbeClient, ctx: SecurityContext, who: Identity, recipe: ResourceRecipe
) -> list[MassTrial]:
    plain = await create(client, ctx, who, recipe.name)
    if plain is None:
        return []
    plain_read = await _read(client, ctx, plain)
    baseline = object_view(body_of(plain_read if plain_read and ok(plain_read) else plain.step))
    extra = injections(create_operation(ctx.api, recipe), baseline)
    sent = as_object(recipe.action.request.body)
    trials: list[MassTrial] = []
    made = await create(client, ctx, who, recipe.name, body={**sent, **extra})
    if made is not None:
        read = await _read(client, ctx, made)
        trials.append(
            MassTrial(extra, made.step, read, baseline, tuple(made.steps) + ((read,) if read else ()))
        )
    # Changing the id of the object the path names is not the point of an update.
    update = await _update(client, ctx, plain, {k: v for k, v in extra.items() if k != "id"})
    return trials + ([update] if update else [])


async def _update(
    client: ProbeClient, ctx: SecurityContext, plain: Created, extra: JsonObject
) -> MassTrial | None:
    ops = item_operations(ctx.api, plain.recipe)
    op = ops.get("PATCH") or ops.get("PUT")
    if op is None:
        return None
    sent = as_object(substitute(plain.recipe.action.request.body, {**plain.scope, UNIQUE: new_unique()}))
    body = {**(sent if op.method == "PUT" else {}), **extra}
    spec = item_request(ctx.api, ctx.recipes, op, plain.recipe.name, body)
    write = await send_as(client, ctx, plain.owner, spec, plain.scope, "update with forbidden fields")
    if write is None:
        return None
    read = await _read(client, ctx, plain)
    baseline = object_view(body_of(plain.step))
    return MassTrial(extra, write, read, baseline, (plain.step, write, *((read,) if read else ())))
