"""Business-flow abuse judged by the caller's own state read back: a one-time code applied twice,
one's own referral code, a transfer to oneself, a negative amount to another account.

It needs an operation that reads the caller's state (a GET without path parameters whose answer
documents a balance, credit, points or count). The abuse runs as accounts assay registers for it
(``Prober.throwaway``) when the API lets it, so what moves is only ever assay's own value; without
registration only the self-directed probes run, as the primary identity, and a negative amount
(which takes from someone else) is never sent. :func:`assay.oracles.business_flow.judge_state`
judges the readings; a 2xx alone proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assay.agents.analysis.security.attacks.common import Prober, Slot, body_schema, with_value
from assay.domain.exchanges import Exchange
from assay.domain.json import Json, JsonObject, as_object
from assay.domain.operations import ApiModel, Operation
from assay.oracles.business_flow import StateProbe, StateTrial
from assay.spec.datagen import main_type, properties, resolve
from assay.spec.graph import success_schema

# A balance-like number; a count only when it counts a benefit (a list's ``count`` is pagination).
_STATE = re.compile(
    r"(?i)balance|credit|funds|wallet|points|coins|bonus|reward|loyalty"
    r"|(?:coupon|referr|redeem|redemption|voucher|invite)\w*count|count\w*(?:coupon|referr|redeem|voucher)"
)
_AMOUNT = re.compile(r"(?i)^(?:amount|value|sum|quantity|qty|credits?|points)$")
_RECIPIENT = re.compile(
    r"(?i)^(?:to|recipient|receiver|payee|beneficiary|target|destination|dest)(?:_?\w*)?$"
)
_CODE = re.compile(r"(?i)code|coupon|voucher|promo|referr|token")
_REFERRAL = re.compile(r"(?i)referr|invite")
_TRANSFER = re.compile(r"(?i)transfer|send|pay")


@dataclass(frozen=True)
class StateRead:
    """The operation that reads the caller's own state and the numeric field that holds it."""

    op: Operation
    path: tuple[str, ...]

    @property
    def field(self) -> str:
        return ".".join(self.path)


def _numeric_paths(schema: JsonObject, depth: int = 0) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, sub in properties(resolve(schema)).items():
        kind = main_type(resolve(sub))
        if kind in {"integer", "number"} and _STATE.search(name):
            found.append((name,))
        elif kind == "object" and depth < 1:
            found += [(name, *rest) for rest in _numeric_paths(sub, depth + 1)]
    return found


def state_read(api: ApiModel) -> StateRead | None:
    """The first parameterless GET whose documented answer holds a balance-like number."""
    for op in api.operations:
        schema = success_schema(op) if op.method == "GET" and "{" not in op.path else None
        paths = _numeric_paths(schema) if schema is not None else []
        if paths:
            return StateRead(op, paths[0])
    return None


def number_at(body: Json, path: tuple[str, ...]) -> float | None:
    value: Json = body
    for key in path:
        value = as_object(value).get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _body_fields(op: Operation) -> dict[str, JsonObject]:
    return dict(properties(body_schema(op))) if op.request_body is not None else {}


def amount_field(op: Operation) -> str | None:
    return next((n for n, s in _body_fields(op).items() if _AMOUNT.match(n) and _numberish(s)), None)


def recipient_field(op: Operation) -> str | None:
    return next((n for n in _body_fields(op) if _RECIPIENT.match(n)), None)


def code_field(op: Operation) -> str | None:
    fields = _body_fields(op)
    return next(
        (n for n, s in fields.items() if _CODE.search(n) and main_type(resolve(s)) in {None, "string"}), None
    )


def _numberish(schema: JsonObject) -> bool:
    return main_type(resolve(schema)) in {"integer", "number", None, "string"}


def is_transfer(op: Operation) -> bool:
    return amount_field(op) is not None and recipient_field(op) is not None


def is_referral(op: Operation) -> bool:
    words = " ".join((op.path, op.operation_id or "", op.summary))
    return bool(_REFERRAL.search(words)) and code_field(op) is not None


def identifier_for(field: str, me: JsonObject, username: str | None) -> Json:
    """The caller's own value for a recipient field: an account number, an id, an e-mail or a name."""
    name = field.lower()
    scalars = {k: v for k, v in me.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    for word in ("account", "iban", "wallet", "email", "phone"):
        if word in name:
            return next((v for k, v in scalars.items() if word in k.lower()), username)
    if name.endswith("id"):
        return scalars.get("id", username)
    return scalars.get("username", username or scalars.get("id"))


def own_referral_code(me: JsonObject) -> str | None:
    return next((v for k, v in me.items() if _REFERRAL.search(k) and isinstance(v, str) and v), None)


@dataclass
class Account:
    """An identity the probes act as, with what its state read says about it."""

    prober: Prober
    username: str | None

    async def read(self, state: StateRead) -> tuple[float | None, JsonObject]:
        spec = await self.prober.baseline_spec(state.op)
        exchange = await self.prober.send(spec, "read own state")
        body = exchange.response.json if exchange is not None and exchange.response is not None else None
        ok = exchange is not None and (exchange.status or 0) // 100 == 2
        return (number_at(body, state.path) if ok else None), as_object(body)


async def registered_account(prober: Prober) -> Account | None:
    """A fresh account registered for these probes, acting through the same budget; None without one."""
    auth, session = await prober.throwaway()
    if not session.registered or not session.authenticated:
        return None
    mine = Prober(replace(prober.ctx, auth=auth), prober.client)
    return Account(mine, auth.identity.username if auth.identity else session.username)


async def run_trial(
    account: Account, state: StateRead, op: Operation, probe: StateProbe, values: dict[str, Json], times: int
) -> StateTrial | None:
    """Read the state, send the flow ``times`` with ``values`` set, reading the state after each."""
    before, _ = await account.read(state)
    if before is None:
        return None
    spec = await account.prober.baseline_spec(op)
    for name, value in values.items():
        spec = with_value(spec, Slot("body", name), value)
    readings, actions = [before], list[Exchange]()
    for _ in range(times):
        exchange = await account.prober.send(spec, probe.replace("_", " "))
        after, _ = await account.read(state)
        if exchange is None or after is None:
            return None
        actions.append(exchange)
        readings.append(after)
    return StateTrial(probe, state.field, tuple(actions), tuple(readings))


def transfer_values(op: Operation, recipient: Json, amount: float) -> dict[str, Json]:
    to, how_much = recipient_field(op), amount_field(op)
    if to is None or how_much is None:
        return {}
    kind = main_type(resolve(_body_fields(op)[how_much]))
    number: Json = int(amount) if kind == "integer" else str(amount) if kind == "string" else amount
    return {to: recipient, how_much: number}


async def profile(account: Account, state: StateRead) -> JsonObject:
    """What the caller's state read and "current user" answers say about it (ids, codes)."""
    _, own = await account.read(state)
    me = account.prober.ctx.api.operation(account.prober.ctx.api.auth.current_user_operation or "")
    if me is not None and me.key != state.op.key and "{" not in me.path:
        exchange = await account.prober.send(await account.prober.baseline_spec(me), "read own profile")
        body = exchange.response.json if exchange is not None and exchange.response is not None else None
        own = {**as_object(body), **own}
    return own


@dataclass
class StateRun:
    trials: list[StateTrial]
    judged: set[str]  # operations whose state moved: the state judged them, their 2xx no longer count
    notes: list[str]


async def state_trials(
    prober: Prober, state: StateRead, flows: list[Operation], transfers: list[Operation]
) -> StateRun:
    """Every abuse the flows allow, as registered accounts when possible, judged by ``state``."""
    run = StateRun([], set(), [f"state read back through {state.op.key} ({state.field})"])
    me = await registered_account(prober)
    other = await registered_account(prober) if me is not None else None
    if me is None:
        identity = prober.ctx.auth.identity
        me = Account(prober, identity.username if identity else None)
        run.notes.append("no account could be registered: only self-directed abuse, as the primary identity")
    own = await profile(me, state)
    theirs = await profile(other, state) if other is not None else {}
    for op in flows:
        if op in transfers or not prober.allowed(op):
            continue
        await _benefit(run, me, state, op, own, theirs)
    for op in transfers:
        if prober.allowed(op):
            await _transfer(run, me, other, state, op, own, theirs)
    return run


async def _benefit(
    run: StateRun, me: Account, state: StateRead, op: Operation, own: JsonObject, theirs: JsonObject
) -> None:
    field = code_field(op)
    if field is None:
        return
    plans: list[tuple[StateProbe, dict[str, Json], int]] = []
    if is_referral(op):
        mine, other = own_referral_code(own), own_referral_code(theirs)
        plans += [("self_referral", {field: mine}, 1)] if mine else []
        plans += [("reuse", {field: other}, 2)] if other else []
    else:
        plans.append(("reuse", {}, 2))  # the code the spec offers (its example), applied twice
    for probe, values, times in plans:
        _keep(run, op, await run_trial(me, state, op, probe, values, times))


async def _transfer(
    run: StateRun,
    me: Account,
    other: Account | None,
    state: StateRead,
    op: Operation,
    own: JsonObject,
    theirs: JsonObject,
) -> None:
    to = recipient_field(op) or ""
    self_values = transfer_values(op, identifier_for(to, own, me.username), 1)
    _keep(run, op, await run_trial(me, state, op, "self_transfer", self_values, 1))
    if other is None:
        run.notes.append(f"{op.key}: no second account of assay's own, so no negative amount was sent")
        return
    negative = transfer_values(op, identifier_for(to, theirs, other.username), -5)
    _keep(run, op, await run_trial(me, state, op, "negative_amount", negative, 1))


def _keep(run: StateRun, op: Operation, trial: StateTrial | None) -> None:
    """Keep the trial; the operation counts as judged by the state only once the state moved for
    it (a read that never moves says nothing about this flow: its repeats are judged as before)."""
    if trial is not None:
        run.trials.append(trial)
        if len(set(trial.readings)) > 1:
            run.judged.add(op.key)
