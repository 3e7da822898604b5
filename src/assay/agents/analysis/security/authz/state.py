"""stale_resource and lost_update, the probes: a delete or an update, then the reads after it.

``stale_resource``: an object assay created is deleted (2xx, not 202), then read twice; both
reads answering 2xx with the object (not a soft-deleted marker) is a finding on the DELETE.
``lost_update``: fields the update's schema calls writable are changed, the update answers 2xx
(not 202), and the read afterwards still shows the old value of a field the server echoes: a
finding on the update. Fields the server normalises (a different third value) are not judged.
The judgments are ``assay.oracles.stale_resource`` and ``assay.oracles.lost_update``.
"""

from __future__ import annotations

import asyncio
import re

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
from assay.domain.json import Json, JsonObject, as_list, as_object
from assay.domain.operations import Operation
from assay.oracles.lost_update import LostTrial, judge_lost
from assay.oracles.security_common import OWNER_KEYS, Step, body_of, object_view, ok
from assay.oracles.stale_resource import StaleTrial, judge_stale
from assay.spec.datagen import resolve
from assay.spec.placeholders import new_unique

MAX_CHANGED = 3
_ID_NAME = re.compile(r"(^id$|^uuid$|_id$|Id$|_uuid$|^_id$)")
REREAD_DELAY = 0.2


async def _read(
    client: ProbeClient, ctx: SecurityContext, made: Created, op: Operation, what: str
) -> Step | None:
    spec = item_request(ctx.api, ctx.recipes, op, made.recipe.name)
    return await send_as(client, ctx, made.owner, spec, made.scope, what)


class StaleResource(PoolFamily):
    name = "stale_resource"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        who = await self.primary(ctx)
        trials: list[StaleTrial] = []
        for recipe in ctx.recipes.values():
            ops = item_operations(ctx.api, recipe)
            made = await create(client, ctx, who, recipe.name) if {"GET", "DELETE"} <= set(ops) else None
            if made is None:
                continue
            spec = item_request(ctx.api, ctx.recipes, ops["DELETE"], recipe.name)
            delete = await send_as(client, ctx, who, spec, made.scope, f"delete the {recipe.name}")
            reads = [await _read(client, ctx, made, ops["GET"], "read after delete")]
            if ok(reads[0]):
                await asyncio.sleep(REREAD_DELAY)  # a store that deletes a moment later is not stale
                reads.append(await _read(client, ctx, made, ops["GET"], "read again after delete"))
            if delete is not None:
                trials.append(StaleTrial(made.step, delete, tuple(r for r in reads if r is not None)))
        return self.report(client, judge_stale(trials, self.oracle_context()))


def changed_values(op: Operation, original: JsonObject) -> JsonObject:
    """New values for up to three writable, echoed fields the schema lets us change safely.

    A field the path addresses the object by (``{username}``, ``{ref}``) is left alone: changing
    it moves the object, and the read at the old address then shows the old value, which is not a
    lost update.
    """
    changed: JsonObject = {}
    keys = {p.name.lower() for p in op.parameters if p.location == "path"}
    for name, prop in spec_body_properties(op).items():
        schema = resolve(prop)
        skip = name.lower() in keys or len(changed) >= MAX_CHANGED or name not in original
        if skip or schema.get("readOnly") is True:
            continue
        value = _new_value(name, schema, original[name])
        if value is not None and value != original[name]:
            changed[name] = value
    return changed


def _new_value(name: str, schema: JsonObject, old: Json) -> Json:
    if _ID_NAME.search(name) or OWNER_KEYS.match(name):
        return None  # ids and owners are the server's to keep, whatever the schema says
    enum = as_list(schema.get("enum"))
    kind = schema.get("type")
    if enum:
        return next((v for v in enum if v != old), None)
    if kind == "boolean" and isinstance(old, bool):
        return not old
    if kind == "integer" and isinstance(old, int) and not isinstance(old, bool):
        maximum = schema.get("maximum")
        return old + 1 if not isinstance(maximum, int | float) or old + 1 <= maximum else old - 1
    lowered = name.lower()
    unsafe = any(w in lowered for w in ("id", "mail", "password", "url", "phone", "slug"))
    if (
        kind != "string"
        or not isinstance(old, str)
        or unsafe
        or schema.get("format")
        or schema.get("pattern")
    ):
        return None
    value = f"upd-{new_unique()[:6]}"
    max_len, min_len = schema.get("maxLength"), schema.get("minLength")
    too_long = isinstance(max_len, int) and len(value) > max_len
    return None if too_long or (isinstance(min_len, int) and len(value) < min_len) else value


class LostUpdate(PoolFamily):
    name = "lost_update"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        who = await self.primary(ctx)
        trials: list[LostTrial] = []
        for recipe in ctx.recipes.values():
            ops = item_operations(ctx.api, recipe)
            for method in ("PATCH", "PUT"):
                if method in ops and "GET" in ops and not client.exhausted:
                    trial = await _lost_trial(client, ctx, who, recipe.name, ops[method], ops["GET"])
                    trials.extend([trial] if trial is not None else [])
        return self.report(client, judge_lost(trials, self.oracle_context()))


async def _lost_trial(
    client: ProbeClient, ctx: SecurityContext, who: Identity, name: str, op: Operation, get: Operation
) -> LostTrial | None:
    made = await create(client, ctx, who, name)
    before = await _read(client, ctx, made, get, "read before update") if made else None
    if made is None or before is None or not ok(before):
        return None
    original = object_view(body_of(before))
    changed = changed_values(op, original)
    if not changed:
        return None
    sent_body = as_object(made.step.exchange.request.body)
    body = {**sent_body, **changed} if op.method == "PUT" else changed
    spec = item_request(ctx.api, ctx.recipes, op, name, body)
    write = await send_as(client, ctx, who, spec, made.scope, f"update the {name}")
    read = await _read(client, ctx, made, get, "read after update")
    return LostTrial(made.step, original, changed, write, read) if write is not None else None
