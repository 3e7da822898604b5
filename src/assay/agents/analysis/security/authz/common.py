"""What the authorization families share: acting as an identity, creating objects, reporting.

The families only probe: what they record (``Step``s: an exchange plus the identity that sent
it) goes to their judges in ``assay.oracles`` (see ``assay.oracles.security_common``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from assay.agents.analysis.execution.auth import NEW_PASSWORD
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, IdentityPool, anonymous
from assay.agents.analysis.value import fixture_chain
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject, dig
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import Intent, RequestSpec, ResourceRecipe
from assay.oracles.base import OracleContext
from assay.oracles.security_common import Step, body_of, object_view, ok
from assay.spec import naming
from assay.spec.datagen import properties, resolve
from assay.spec.placeholders import UNIQUE, missing_placeholders, new_unique, render_request
from assay.spec.requests import path_params_for, request_for

# --------------------------------------------------------------------------- the families' frame


class PoolFamily:
    """An authorization family: acts through the run's shared identity pool, judges, reports."""

    name = ""

    def __init__(self, pool: IdentityPool | None = None) -> None:
        self.pool = pool or IdentityPool()

    async def primary(self, ctx: SecurityContext) -> Identity:
        """The first identity of the pool (the run's logged-in user), or anonymous without one."""
        pool = await self.pool.all(ctx)
        return pool[0] if pool else anonymous()

    def oracle_context(self) -> OracleContext:
        return OracleContext(secrets=self.pool.secrets())

    def report(self, client: ProbeClient, findings: Sequence[Finding]) -> FamilyReport:
        return FamilyReport(self.name, client.exchanges, list(findings), client.sent, client.refusal_notes())

    def skipped(self, why: str) -> FamilyReport:
        return FamilyReport(self.name, notes=[why])


# --------------------------------------------------------------------------- acting as someone


async def send_as(
    client: ProbeClient,
    ctx: SecurityContext,
    who: Identity,
    spec: RequestSpec,
    scope: Mapping[str, Json],
    action: str,
    intent: Intent = "probe",
) -> Step | None:
    """Send ``spec`` as ``who``; a 401 after its credentials worked once is retried after a refresh."""
    # Accounts this sends to be created get the run's own password (``${new_password}``).
    scope = {NEW_PASSWORD: ctx.target.ledger.password, **scope}
    if missing_placeholders(spec, scope):
        return None
    exchange = await _send(client, ctx, who, spec, scope, action, intent)
    expired = exchange is not None and exchange.status == 401 and who.worked
    if expired and await who.refresh():
        exchange = await _send(client, ctx, who, spec, scope, action, intent)
    if exchange is not None and exchange.status not in {None, 401} and who.session.authenticated:
        who.worked = True
    if exchange is not None and who.auth is not None:
        who.auth.absorb(exchange.response)  # each identity keeps its own cookies
        if who.sink is not None:
            who.sink.extend(s for s in who.secrets if s not in who.sink)
    if exchange is not None and who.registered:
        _note_own_account(ctx, who, spec, exchange)
    return Step(who.label, exchange) if exchange is not None else None


def _note_own_account(ctx: SecurityContext, who: Identity, spec: RequestSpec, exchange: Exchange) -> None:
    """The id of an account assay registered, read from its own "who am I" answer, goes to the ledger
    (changing or deleting that account harms nobody)."""
    if spec.operation != ctx.api.auth.current_user_operation or not ok(exchange):
        return
    own = dig(object_view(exchange.response.json if exchange.response else None), "id")
    if own is not None and not isinstance(own, dict | list | bool):
        ctx.target.ledger.record("account", str(own), via=f"registration ({who.label})")


async def _send(
    client: ProbeClient,
    ctx: SecurityContext,
    who: Identity,
    spec: RequestSpec,
    scope: Mapping[str, Json],
    action: str,
    intent: Intent,
) -> Exchange | None:
    session = who.session
    request = render_request(
        spec,
        base_url=ctx.target.base_url,
        base_path=ctx.api.base_path,
        scope=scope,
        auth_headers=session.headers,
        auth_query=session.query,
    )
    return await client.send(
        request,
        operation=spec.operation,
        path_template=spec.path,
        action=f"{who.label}: {action}",
        intent=intent,
        identity=who.role,
        own_account=who.registered,
    )


@dataclass
class Created:
    """An object an identity created through a recipe (and everything its chain created first)."""

    recipe: ResourceRecipe
    owner: Identity
    scope: dict[str, Json]
    step: Step
    object_id: Json
    steps: list[Step] = field(default_factory=list)

    @property
    def body(self) -> Json:
        return body_of(self.step)


async def create(
    client: ProbeClient,
    ctx: SecurityContext,
    who: Identity,
    name: str,
    body: Json = None,
) -> Created | None:
    """Create ``name`` (its prerequisites first) as ``who``; ``body`` replaces the recipe's own."""
    scope: dict[str, Json] = {}
    steps: list[Step] = []
    last: Created | None = None
    for link in fixture_chain((name,), ctx.recipes):
        recipe = ctx.recipes.get(link)
        if recipe is None:
            return None
        spec = recipe.action.request
        if link == name and body is not None:
            spec = replace(spec, body=body, has_body=True)
        local = {**scope, UNIQUE: new_unique()}
        step = await send_as(client, ctx, who, spec, local, f"create {link}", "setup")
        object_id = (
            recipe.created_key(body_of(step), step.exchange.request.body) if step and ok(step) else None
        )
        if step is None or object_id is None:
            return None
        steps.append(step)
        scope[f"{link}.id"] = object_id
        scope[f"{link}.{recipe.id_field}"] = object_id
        last = Created(recipe, who, scope, step, object_id, list(steps))
    return last


def create_operation(api: ApiModel, recipe: ResourceRecipe) -> Operation | None:
    return api.operation(recipe.action.request.operation)


def item_operations(api: ApiModel, recipe: ResourceRecipe) -> dict[str, Operation]:
    """Method -> operation on the recipe's item path (``/items/{id}``): GET, PUT, PATCH, DELETE."""
    op = create_operation(api, recipe)
    if op is None:
        return {}
    found: dict[str, Operation] = {}
    for path in naming.item_paths(api, op.path):
        for item in api.operations:
            if item.path == path and item.method in {"GET", "PUT", "PATCH", "DELETE"}:
                found.setdefault(item.method, item)
    return found


def item_request(
    api: ApiModel, recipes: Mapping[str, ResourceRecipe], op: Operation, recipe: str, body: Json = None
) -> RequestSpec:
    """A request for ``op`` on the object the recipe created (its id placeholder in the path)."""
    params = path_params_for(api, set(recipes), op)
    names = naming.param_names(op.path)
    if names and names[-1] not in params:
        params[names[-1]] = f"${{{recipe}.id}}"
    return request_for(op, params, body=body, intent="probe")


def spec_body_properties(op: Operation | None) -> dict[str, JsonObject]:
    """The request body's declared properties (resolved one level), empty without a JSON body."""
    if op is None or op.request_body is None:
        return {}
    return properties(resolve(op.request_body.schema))
