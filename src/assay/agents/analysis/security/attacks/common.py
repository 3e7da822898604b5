"""What the attack families share: request building from the model, fixtures, safety, findings.

A family starts from a *baseline*: a valid request for an operation (values from the schemas,
ids of objects assay created itself through the resource recipes), sent once as it is. Each
probe is that baseline with one field changed, so an oracle can compare the two answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from assay.agents.analysis.execution.auth import NEW_PASSWORD, Authenticator, AuthSession
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.value import fixture_chain
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import ANONYMOUS, Finding
from assay.domain.json import Json, JsonObject, as_object, as_str
from assay.domain.operations import Operation
from assay.domain.scenarios import Intent, RequestSpec
from assay.domain.state_change import changes_existing, is_state_reset
from assay.oracles.base import OracleContext
from assay.spec.datagen import main_type, properties, required_names, resolve, valid_body, value_for
from assay.spec.placeholders import UNIQUE, join_url, missing_placeholders, new_unique, render_request

SlotLocation = Literal["path", "query", "header", "body"]


@dataclass(frozen=True)
class Slot:
    """One place a request carries a value an attacker controls."""

    location: SlotLocation
    name: str
    schema: JsonObject = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.location} {self.name}"


def is_free_string(schema: JsonObject) -> bool:
    """A string (or untyped) value that takes arbitrary text: no enum, const or binary format."""
    resolved = resolve(schema)
    if "enum" in resolved or "const" in resolved:
        return False
    kind = main_type(resolved)
    return kind in {None, "string"} and as_str(resolved.get("format")) not in {"binary", "byte"}


def body_schema(op: Operation) -> JsonObject:
    return resolve(as_object(op.request_body.schema)) if op.request_body else {}


def json_like_body(op: Operation) -> bool:
    ctype = (op.request_body.content_type if op.request_body else "").lower()
    return "json" in ctype or "x-www-form-urlencoded" in ctype


def slots(op: Operation) -> list[Slot]:
    """Every parameter and top-level body field of ``op``, path first."""
    found: list[Slot] = []
    order = {"path": 0, "query": 1, "header": 2}
    for param in sorted(op.parameters, key=lambda p: order.get(p.location, 3)):
        if param.location in order:
            found.append(Slot(param.location, param.name, as_object(param.schema)))  # type: ignore[arg-type]
    if op.request_body is not None and json_like_body(op):
        found.extend(Slot("body", name, schema) for name, schema in properties(body_schema(op)).items())
    return found


def string_slots(op: Operation) -> list[Slot]:
    return [s for s in slots(op) if is_free_string(s.schema)]


def base_spec(op: Operation, path_values: Mapping[str, Json] | None = None) -> RequestSpec:
    """A valid request for ``op``: required parameters, all path parameters, a valid body."""
    path_values = path_values or {}
    path: dict[str, Json] = {}
    query: dict[str, Json] = {}
    headers: dict[str, str] = {}
    for p in op.parameters:
        value = path_values.get(p.name, value_for(as_object(p.schema), p.name))
        if p.location == "path":
            path[p.name] = value
        elif p.location == "query" and p.required:
            query[p.name] = value
        elif p.location == "header" and p.required:
            headers[p.name] = as_str(value, str(value))
    body: Json = valid_body(body_schema(op)) if op.request_body is not None else None
    ctype = op.request_body.content_type if op.request_body else "application/json"
    return RequestSpec(
        op.key, op.method, op.path, path, query, headers, body, op.request_body is not None, ctype
    )


def with_value(spec: RequestSpec, slot: Slot, value: Json) -> RequestSpec:
    """``spec`` with ``slot`` set to ``value`` (everything else as in the baseline)."""
    if slot.location == "path":
        return replace(spec, path_params={**spec.path_params, slot.name: value})
    if slot.location == "query":
        return replace(spec, query={**spec.query, slot.name: value})
    if slot.location == "header":
        return replace(spec, headers={**spec.headers, slot.name: as_str(value, str(value))})
    body = dict(as_object(spec.body))
    body[slot.name] = value
    return replace(spec, body=body, has_body=True)


def slot_value(spec: RequestSpec, slot: Slot) -> Json:
    """The value the baseline sends in ``slot`` (a valid one from the schema when absent)."""
    sources: dict[str, Mapping[str, Json]] = {
        "path": spec.path_params,
        "query": spec.query,
        "header": dict(spec.headers),
        "body": as_object(spec.body),
    }
    source = sources[slot.location]
    return source.get(slot.name, value_for(slot.schema, slot.name))


def refusal(ctx: SecurityContext) -> str | None:
    """Why attack traffic must not be sent to this target, or None when it may."""
    if not ctx.target.is_test_system:
        return f"skipped: {ctx.target.host} is not a test system (loopback, or pass --allow-host)"
    return None


def oracle_context(ctx: SecurityContext) -> OracleContext:
    return OracleContext(secrets=tuple(ctx.auth.secrets))


def finish(client: ProbeClient, findings: Sequence[Finding], notes: Sequence[str] = ()) -> FamilyReport:
    extra = [f"stopped by the request budget ({client.budget})"] if client.sent >= client.budget else []
    notes = [*notes, *extra, *client.refusal_notes()]
    return FamilyReport(client.family, client.exchanges, list(findings), client.sent, notes)


def site_url(ctx: SecurityContext, path: str) -> str:
    """``path`` under the target's base URL (not the API's base path)."""
    return join_url(ctx.target.base_url, "", path)


class Prober:
    """A family's sender: renders specs with the primary session and creates fixtures on demand."""

    def __init__(self, ctx: SecurityContext, client: ProbeClient, *, with_access: bool = True) -> None:
        self.ctx = ctx
        self.client = client
        self._reach = ctx.reach if with_access else {}
        # Accounts a probe creates get the run's own password (``${new_password}``).
        self.scope: dict[str, Json] = {NEW_PASSWORD: ctx.target.ledger.password}
        self._failed: set[str] = set()

    def auth_for(self, operation: str | None) -> Authenticator:
        """The identity to send ``operation`` as: one with access to it when the primary has none."""
        return self._reach.get(operation or "", self.ctx.auth)

    def render(self, spec: RequestSpec, *, authed: bool = True) -> RecordedRequest:
        session = self.auth_for(spec.operation).session
        return render_request(
            spec,
            base_url=self.ctx.target.base_url,
            base_path=self.ctx.api.base_path,
            scope={**self.scope, UNIQUE: new_unique()},
            auth_headers=session.headers if authed else None,
            auth_query=session.query if authed else None,
        )

    async def send(
        self,
        spec: RequestSpec,
        action: str,
        *,
        authed: bool = True,
        intent: Intent = "probe",
        timeout: float = 10.0,
    ) -> Exchange | None:
        request = self.render(spec, authed=authed)
        auth = self.auth_for(spec.operation)
        who = auth.identity
        role = (who.role if who else "user") if authed and auth.session.authenticated else ANONYMOUS
        exchange = await self.send_raw(
            request, spec.operation, spec.path, action, intent=intent, timeout=timeout, identity=role
        )
        if authed and exchange is not None:
            auth.absorb(exchange.response)
        return exchange

    async def send_raw(
        self,
        request: RecordedRequest,
        operation: str | None,
        path: str | None,
        action: str,
        *,
        intent: Intent = "probe",
        timeout: float = 10.0,
        identity: str | None = None,
        own_account: bool = False,
    ) -> Exchange | None:
        return await self.client.send(
            request,
            operation=operation,
            path_template=path,
            action=action,
            intent=intent,
            timeout=timeout,
            identity=identity,
            own_account=own_account,
        )

    def allowed(self, op: Operation) -> bool:
        """Reads and creates always, a state reset never; changes and deletes only on objects assay
        makes (through a recipe), or when destructive. The client's SafetyGuard checks each request too."""
        if is_state_reset(op) or op.key in self.ctx.resets:
            return False
        if not changes_existing(op) or self.ctx.destructive:
            return True
        if op.method == "DELETE":
            return False
        params = [p.name for p in op.parameters if p.location == "path"]
        return bool(params) and all(self._fixture_for(op, name) is not None for name in params)

    def _fixture_for(self, op: Operation, param: str) -> str | None:
        for dep in self.ctx.api.producers_of(op.key):
            if dep.location == "path" and dep.parameter == param and dep.resource in self.ctx.recipes:
                return dep.resource
        return None

    async def baseline_spec(self, op: Operation) -> RequestSpec:
        """A valid spec for ``op`` with path ids of objects assay created (when a recipe makes them)."""
        values: dict[str, Json] = {}
        for p in op.parameters:
            resource = self._fixture_for(op, p.name) if p.location == "path" else None
            if resource is not None and await self.ensure(resource):
                values[p.name] = self.scope[f"{resource}.id"]
        return base_spec(op, values)

    async def ensure(self, resource: str) -> bool:
        """Create ``resource`` (and what it requires) once; True when its id is in scope."""
        for name in fixture_chain((resource,), self.ctx.recipes):
            if f"{name}.id" in self.scope:
                continue
            recipe = self.ctx.recipes.get(name)
            if recipe is None or name in self._failed:
                return False
            spec = recipe.action.request
            if missing_placeholders(spec, {**self.scope, UNIQUE: ""}):
                self._failed.add(name)
                return False
            exchange = await self.send(spec, f"fixture {name}", intent="setup")
            answer = exchange.response if exchange else None
            created = recipe.created_key(answer.json, exchange.request.body) if exchange and answer else None
            if created is None or not exchange or exchange.status is None or exchange.status // 100 != 2:
                self._failed.add(name)
                return False
            self.scope[f"{name}.id"] = created
            self.scope[f"{name}.{recipe.id_field}"] = created
        return f"{resource}.id" in self.scope

    def record(self, exchange: Exchange) -> None:
        """Keep and count an exchange sent past the client (a throwaway user's registration and login)."""
        self.client.exchanges.append(exchange)
        self.client.sent += 1

    async def throwaway(self) -> tuple[Authenticator, AuthSession]:
        """Log in as a fresh user registered just for this family (so harming it harms nobody).

        Its traffic is recorded and counted as the family's own; check ``session.registered``.
        """
        ctx = self.ctx
        auth = Authenticator(ctx.api, replace(ctx.target, credentials=()), ctx.transport, record=self.record)
        return auth, await auth.login()


@dataclass(frozen=True)
class Outcome:
    """What a family's attack found, and what it has to say about the run."""

    findings: Sequence[Finding] = ()
    notes: Sequence[str] = ()


class AttackFamily(ABC):
    """An attack family: refuses targets that are not test systems, sends through a budgeted Prober.

    ``run`` (the SecurityFamily entry point) checks the target and the family's preconditions,
    builds the ProbeClient with the family's budget and its Prober, awaits ``attack`` and turns
    its Outcome into the report (with every exchange sent and a note when the budget ran out).
    """

    name: str = ""
    budget_cap: int | None = None  # at most this many requests (never more than the run allows)
    # Send staff-only operations as an identity with access (``SecurityContext.reach``). False for
    # families that judge what the caller may see: staff seeing every user is the design.
    probe_with_access: bool = True

    def cap(self, ctx: SecurityContext) -> int | None:
        """The family's request cap for this run; a family whose cap depends on the API overrides it."""
        return self.budget_cap

    def unmet(self, ctx: SecurityContext) -> str | None:
        """Why the family has nothing to probe on this API, or None when it may go ahead."""
        return None

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        reason = refusal(ctx) or self.unmet(ctx)
        if reason:
            return FamilyReport(self.name, notes=[reason])
        cap = self.cap(ctx)
        budget = ctx.budget_per_family if cap is None else min(ctx.budget_per_family, cap)
        prober = Prober(ctx, ProbeClient(ctx, self.name, budget=budget), with_access=self.probe_with_access)
        outcome = await self.attack(ctx, prober)
        return finish(prober.client, outcome.findings, outcome.notes)

    @abstractmethod
    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        """Send the family's probes through ``prober`` and judge what came back."""


def required_body_names(op: Operation) -> list[str]:
    return required_names(body_schema(op))
