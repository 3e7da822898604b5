"""missing_authentication, the probe: operations sent with and without credentials.

Every operation is sent three ways: as the logged-in user (the baseline), with no credentials
and with a malformed token. A 2xx without real credentials is a finding only when it matters:
a write the spec (or the server itself, on a sibling operation) protects, or a read whose answer
is the user's data: the current-user object, or an answer that carries the user's name, owner
fields or the ids of objects the user made, on an operation the spec or the server protects.
Public catalogues, health checks, docs, login and registration answering 2xx are never findings.
The judgment is ``assay.oracles.missing_authentication``.
"""

from __future__ import annotations

from assay.agents.analysis.security.authz.common import Created, PoolFamily, create, send_as
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, anonymous, malformed
from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.oracles.missing_authentication import READS, AuthTrial, judge, resource_of
from assay.spec import naming
from assay.spec.placeholders import UNIQUE, new_unique
from assay.spec.requests import needed_recipes, path_params_for, request_for, unresolved_params

_PUBLIC_WORDS = frozenset({"forgot", "reset", "verify", "contact", "feedback", "csrf", "captcha", "callback"})
_ME_WORDS = frozenset({"me", "self", "profile", "account", "whoami", "current"})


def is_public_by_nature(api: ApiModel | None, op: Operation) -> bool:
    """Login, registration, password reset, health, docs: answering without credentials is their job."""
    words = {w.lower() for w in naming.static_segments(op.path)}
    auth_op = api is not None and naming.is_auth_operation(api, op)
    return auth_op or naming.is_low_value_path(op.path) or bool(words & _PUBLIC_WORDS)


def is_current_user(api: ApiModel | None, op: Operation) -> bool:
    if api is not None and api.auth.current_user_operation == op.key:
        return True
    last = naming.static_segments(op.path)[-1:]
    return bool(last) and last[0].lower() in _ME_WORDS and not naming.param_names(op.path)


def _order(op: Operation) -> tuple[int, str]:
    rank = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}
    return rank.get(op.method, 4), op.path


class MissingAuthentication(PoolFamily):
    name = "missing_authentication"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        pool = await self.pool.all(ctx)
        if ctx.api.auth.kind == "none" or not pool:
            return self.skipped("no authenticated identity: nothing to compare an anonymous answer with")
        client = ProbeClient(ctx, self.name)
        trials = await self._trials(client, ctx, pool[0])
        return self.report(client, judge(trials, ctx.api, self.oracle_context()))

    async def _trials(self, client: ProbeClient, ctx: SecurityContext, user: Identity) -> list[AuthTrial]:
        made: dict[str, Created | None] = {}
        trials: list[AuthTrial] = []
        names = set(ctx.recipes)
        for op in sorted(ctx.api.operations, key=_order):
            if client.exhausted:
                break
            if is_public_by_nature(ctx.api, op) or not _safe_to_try(ctx, op):
                continue
            scope: dict[str, Json] = {}
            for recipe in needed_recipes(ctx.api, names, op):
                if recipe not in made:
                    made[recipe] = await create(client, ctx, user, recipe)
                done = made[recipe]
                scope.update(done.scope if done is not None else {})
            ids = tuple(str(c.object_id) for c in made.values() if c is not None)
            trials.append(await _trial(client, ctx, user, op, {**scope, UNIQUE: new_unique()}, ids))
        return trials


async def _trial(
    client: ProbeClient,
    ctx: SecurityContext,
    user: Identity,
    op: Operation,
    scope: dict[str, Json],
    ids: tuple[str, ...],
) -> AuthTrial:
    body = _body_for(ctx, op)
    spec = request_for(op, path_params_for(ctx.api, set(ctx.recipes), op), body=body, intent="no_auth")
    # Writes need no baseline (the judgment does not use it) and must not change the user's data.
    authed = await send_as(client, ctx, user, spec, scope, "baseline") if op.method in READS else None
    anon = await send_as(client, ctx, anonymous(), spec, scope, "no credentials")
    bad = await send_as(client, ctx, malformed(user), spec, scope, "malformed token")
    return AuthTrial(
        op,
        authed,
        anon,
        bad,
        markers=_markers(user),
        created_ids=ids,
        public_by_nature=is_public_by_nature(ctx.api, op),
        current_user=is_current_user(ctx.api, op),
    )


def _safe_to_try(ctx: SecurityContext, op: Operation) -> bool:
    """Reads whose ids we can fill; writes only on creates and on objects assay made itself."""
    if unresolved_params(ctx.api, set(ctx.recipes), op):
        return False
    if op.method in READS:
        return True
    if op.method == "POST":
        return any(r.action.request.operation == op.key for r in ctx.recipes.values())
    return bool(naming.param_names(op.path))  # every id in the path is one of our objects


def _markers(user: Identity) -> tuple[str, ...]:
    return (user.username,) if user.username else ()


def _body_for(ctx: SecurityContext, op: Operation) -> Json:
    """The recipe body for writes on a resource a recipe creates (valid by construction)."""
    if op.request_body is None:
        return None
    for recipe in ctx.recipes.values():
        create_op = recipe.action.request
        if resource_of(create_op.path) == resource_of(op.path) and create_op.has_body:
            return create_op.body
    return {}
