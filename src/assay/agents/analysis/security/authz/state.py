"""stale_resource and lost_update: what the server acknowledged is not what it then serves.

``stale_resource``: an object assay created is deleted (2xx, not 202), then read twice; both
reads answering 2xx with the object (not a soft-deleted marker) is a finding on the DELETE.
``lost_update``: fields the update's schema calls writable are changed, the update answers 2xx
(not 202), and the read afterwards still shows the old value of a field the server echoes: a
finding on the update. Fields the server normalises (a different third value) are not judged.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.analysis.security.authz.common import (
    OWNER_KEYS,
    Created,
    PoolFamily,
    Step,
    body_of,
    create,
    finding,
    item_operations,
    item_request,
    object_view,
    ok,
    one_per_route,
    send_as,
    spec_body_properties,
)
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity
from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject, as_list, as_object
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext
from assay.oracles.refusal import accepted
from assay.spec.datagen import resolve
from assay.spec.placeholders import new_unique

_GONE_STATES = frozenset({"deleted", "archived", "removed", "inactive", "trashed", "disabled"})
MAX_CHANGED = 3
_ID_NAME = re.compile(r"(^id$|^uuid$|_id$|Id$|_uuid$|^_id$)")
REREAD_DELAY = 0.2


@dataclass(frozen=True)
class StaleTrial:
    created: Step
    delete: Step
    reads: tuple[Step, ...]  # the reads after the delete


@dataclass(frozen=True)
class LostTrial:
    created: Step
    original: JsonObject  # the object before the update
    sent: JsonObject  # writable fields changed, with their new values
    write: Step
    read: Step | None


def soft_deleted(body: Json) -> bool:
    view = object_view(body)
    flags = any(view.get(k) is True for k in ("deleted", "is_deleted", "archived", "removed"))
    marked = any(view.get(k) not in (None, "", False) for k in ("deleted_at", "deletedAt", "removed_at"))
    state = str(view.get("status", view.get("state", ""))).lower()
    return flags or marked or state in _GONE_STATES


def judge_stale(trials: Sequence[StaleTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        reads = trial.reads
        if not accepted(trial.delete.exchange) or trial.delete.exchange.status == 202 or not reads:
            continue
        if all(ok(r) and not soft_deleted(body_of(r)) for r in reads):
            route = f"DELETE {trial.delete.exchange.path_template or ''}"
            draft = Draft(
                category="stale_resource",
                severity="high",
                title=f"{route} answers {trial.delete.exchange.status} but the object is still served",
                detail=(
                    f"After `{route}` answered {trial.delete.exchange.status}, {len(reads)} later reads "
                    f"still answered {reads[-1].exchange.status} with the object."
                ),
                recommendation=f"Make `{route}` delete (or mark deleted and hide) before it answers 2xx.",
                impact="Users believe data is gone (personal data, revoked access) while it is still served.",
            )
            steps = [trial.created, trial.delete, *reads]
            found.append(finding(draft, trial.delete, steps, context))
    return one_per_route(found)


def lost_fields(trial: LostTrial) -> dict[str, tuple[Json, Json]]:
    """Field -> (value sent, value read) where the read still shows the value from before."""
    # An update whose 2xx body says it refused the change is a refusal, not a lost update.
    write = trial.write.exchange
    if not accepted(write) or write.status == 202 or trial.read is None or not ok(trial.read):
        return {}
    after = object_view(body_of(trial.read))
    return {
        name: (value, after[name])
        for name, value in trial.sent.items()
        if name in after and after[name] != value and after[name] == trial.original.get(name)
    }


def judge_lost(trials: Sequence[LostTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        lost = lost_fields(trial)
        if not lost:
            continue
        route = f"{trial.write.exchange.request.method.upper()} {trial.write.exchange.path_template or ''}"
        listed = ", ".join(f"`{k}` (sent {v[0]!r}, still {v[1]!r})" for k, v in sorted(lost.items()))
        draft = Draft(
            category="lost_update",
            severity="high",
            title=f"{route} acknowledges an update it does not keep",
            detail=f"`{route}` answered {trial.write.exchange.status}, yet the next read shows {listed}.",
            recommendation=(
                f"Persist every writable field `{route}` accepts (check the mapping from the input model "
                "to storage and the commit), or reject the fields it cannot change with 4xx."
            ),
            impact="Clients show a saved change that the server silently dropped.",
            extra={"lost_fields": list[Json](sorted(lost))},
        )
        found.append(
            finding(draft, trial.write, [trial.created, trial.write, trial.read or trial.write], context)
        )
    return one_per_route(found)


# --------------------------------------------------------------------------- the families


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
    """New values for up to three writable, echoed fields the schema lets us change safely."""
    changed: JsonObject = {}
    for name, prop in spec_body_properties(op).items():
        schema = resolve(prop)
        if len(changed) >= MAX_CHANGED or name not in original or schema.get("readOnly") is True:
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
