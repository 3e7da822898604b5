"""broken_object_authorization by natural key: one user changes another's account by naming them.

Real APIs choose the account by its username in the path (``PUT /users/{username}/email``,
``.../password``) or by a body field (``POST /password/change {"username": ...}``); no fixture
needs to be created, the account already exists. The intruder sends the change naming the
victim; then the victim's own read shows the new value, or the victim's login accepts the new
password (a wrong password's answer is the contrast), and the victim's password is set back.

Safety: the victim is always an account assay registered in this run (its username is in the
ledger), never a given login or a user assay did not create: only assay's own account changes.
The judgment is ``assay.oracles.broken_object_authorization``.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.agents.analysis.execution.auth import strong_password
from assay.agents.analysis.security.authz.common import send_as, spec_body_properties
from assay.agents.analysis.security.base import ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, anonymous
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import RequestSpec
from assay.oracles.broken_object_authorization import ProfileTrial, TakeoverTrial
from assay.oracles.security_common import Step, body_of, object_view
from assay.spec import naming
from assay.spec.placeholders import new_unique
from assay.spec.requests import request_for

USER_KEYS = frozenset({"username", "user", "user_name", "username_or_email", "login", "handle", "account"})
_SECRET_WORDS = ("password", "passwd", "pass", "pwd")
_OLD_WORDS = ("old", "current", "confirm", "previous")
MAX_OPERATIONS = 6


def is_user_key(name: str) -> bool:
    """A parameter or field that names a user by a natural key (``username``, ``login``...)."""
    return name.replace("-", "_").lower() in USER_KEYS or name in {"userName", "userId_or_name"}


def _path_key(op: Operation) -> str | None:
    """The path parameter that names a user by key (``{username}``), or None."""
    return next((p for p in naming.param_names(op.path) if is_user_key(p)), None)


def _body_key(op: Operation) -> str | None:
    """A body field that chooses the user (``{"username": ...}``) of a write without path params."""
    if naming.param_names(op.path):
        return None
    # "account" in a body is as often an account number (a transfer's) as a user: not a user key here.
    fields = (n for n in spec_body_properties(op) if is_user_key(n) and n.lower() != "account")
    return next(fields, None)


@dataclass(frozen=True)
class KeyedWrite:
    """A write that chooses the account by ``key``: a path parameter, or a body field."""

    op: Operation
    key: str
    in_path: bool

    def request(self, values: JsonObject, username: str) -> RequestSpec:
        """The write naming ``username``, setting the account fields in ``values``."""
        body = {name: values[name] for name in _fields(self.op, self.key) if name in values}
        params: dict[str, Json] = {self.key: username} if self.in_path else {}
        return request_for(self.op, params, body=body if self.in_path else {self.key: username, **body})


def keyed_writes(api: ApiModel) -> list[KeyedWrite]:
    """Writes that choose an account by its username (path or body); login and registration excluded."""
    skip = {api.auth.login_operation, api.auth.register_operation}
    found: list[KeyedWrite] = []
    for op in api.operations:
        if op.method not in {"PUT", "PATCH", "POST"} or op.key in skip:
            continue
        in_path = _path_key(op)
        key = in_path or _body_key(op)
        if key is not None and _fields(op, key):
            found.append(KeyedWrite(op, key, in_path is not None))
    return found[:MAX_OPERATIONS]


def _fields(op: Operation, key: str) -> list[str]:
    """The account fields the write sets (declared, else the path's last word: ``/email``)."""
    names = [n for n in spec_body_properties(op) if n != key and not any(w in n.lower() for w in _OLD_WORDS)]
    if names:
        return names
    last = naming.segments(op.path)[-1] if naming.segments(op.path) else ""
    return [last] if not naming.is_param(last) and last.lower() in {"email", "password", "name"} else []


def _secret(name: str) -> bool:
    return any(w in name.lower() for w in _SECRET_WORDS)


def _values(op: Operation, key: str, password: str) -> JsonObject:
    unique = new_unique()[:8]
    values: JsonObject = {}
    for name in _fields(op, key):
        if _secret(name):
            values[name] = password
        elif "mail" in name.lower():
            values[name] = f"assay-{unique}@example.com"
        else:
            values[name] = f"assay-{unique}-{name}"
    return values


async def keyed_trials(
    client: ProbeClient, ctx: SecurityContext, victim: Identity, intruder: Identity
) -> tuple[list[ProfileTrial], list[TakeoverTrial]]:
    """The intruder's change of the victim's account, for each keyed write, and its proof."""
    me = ctx.api.operation(ctx.api.auth.current_user_operation or "")
    if not victim.registered or not victim.username or victim.username == intruder.username:
        return [], []  # only an account assay registered is changed
    profiles: list[ProfileTrial] = []
    takeovers: list[TakeoverTrial] = []
    for write_op in keyed_writes(ctx.api):
        password = strong_password()
        values = _values(write_op.op, write_op.key, password)
        spec = write_op.request(values, victim.username)
        write = await send_as(client, ctx, intruder, spec, {}, "change another user's account by username")
        if write is None:
            continue
        if any(_secret(name) for name in values):
            takeovers.append(await _takeover(client, ctx, write_op, (victim, intruder), write, password))
        elif me is not None:
            read = await send_as(client, ctx, victim, request_for(me, {}), {}, "read own account")
            profiles.extend(_profile(values, write, read))
    return profiles, takeovers


def _profile(values: JsonObject, write: Step, read: Step | None) -> list[ProfileTrial]:
    seen = object_view(body_of(read))
    name = next((n for n, v in values.items() if seen.get(n) == v), next(iter(values)))
    return [ProfileTrial(name, str(values[name]), write, read, tuple(s for s in (write, read) if s))]


async def _login(client: ProbeClient, ctx: SecurityContext, username: str, password: str) -> Step | None:
    flow = ctx.api.auth
    op = ctx.api.operation(flow.login_operation or "")
    if op is None:
        return None
    body: JsonObject = {flow.username_field: username, flow.password_field: password}
    return await send_as(client, ctx, anonymous(), request_for(op, {}, body=body), {}, "log in as the victim")


async def _takeover(
    client: ProbeClient,
    ctx: SecurityContext,
    write_op: KeyedWrite,
    pair: tuple[Identity, Identity],
    write: Step,
    password: str,
) -> TakeoverTrial:
    victim, intruder = pair
    name = victim.username or ""
    login_new = await _login(client, ctx, name, password)
    login_wrong = await _login(client, ctx, name, strong_password())
    # The run's own password back (by the victim itself, else through the same hole): later logins work.
    own = ctx.target.ledger.password
    spec = write_op.request({k: own for k in _fields(write_op.op, write_op.key) if _secret(k)}, name)
    for who in (victim, intruder):
        back = await send_as(client, ctx, who, spec, {}, "set the victim's password back")
        if back is not None and (back.exchange.status or 0) // 100 == 2:
            break
    steps = tuple(s for s in (write, login_new, login_wrong) if s is not None)
    return TakeoverTrial(write, login_new, login_wrong, steps)
