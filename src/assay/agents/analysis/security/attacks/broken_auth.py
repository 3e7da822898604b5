"""broken_authentication: forged JWTs, weak HMAC keys, and tokens that outlive their user.

The check operation is the current-user operation (or an authenticated list without path
parameters). A forged token counts only when the server refuses no token and a garbage token
on that operation, accepts the real token, and accepts the forged one with the same status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.agents.analysis.execution.auth import FORGED_IDENTITY, MALFORMED_IDENTITY, AuthSession
from assay.agents.analysis.security.attacks import jwt
from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    base_spec,
    finding,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, own_id
from assay.oracles.refusal import accepted

_ME_WORDS = ("me", "self", "account", "profile")
_RECOMMEND_JWT = (
    "Verify every token's signature with a fixed algorithm allow-list (never `none`, never the "
    "token's own `alg`), use a random key of at least 256 bits from a secret store, and rotate it now."
)


@dataclass(frozen=True)
class AuthCheck:
    """The answers of the check operation to the real token, no token and a garbage token."""

    real: Exchange
    anonymous: Exchange
    garbage: Exchange


def _status(exchange: Exchange) -> int:
    return exchange.status or 0


def token_enforced(check: AuthCheck) -> bool:
    """The operation accepts the real token and refuses both no token and a garbage token."""
    refused = {401, 403}
    return accepted(check.real) and _status(check.anonymous) in refused and _status(check.garbage) in refused


def judge_forgeries(
    check: AuthCheck, forged: Sequence[tuple[str, Exchange]], context: OracleContext
) -> list[Finding]:
    """A finding when a forged token gets the same 2xx as the real one; pure."""
    if not token_enforced(check):
        return []
    # The same 2xx is not enough: a 200 whose body says "invalid token" is a refusal.
    taken = [(label, e) for label, e in forged if _status(e) == _status(check.real) and accepted(e)]
    if not taken:
        return []
    labels = ", ".join(label for label, _e in taken)
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication", Impact(bypass=True)),
        title=f"Forged tokens are accepted ({labels})",
        detail=(
            f"The server answers {_status(check.real)} to tokens assay forged ({labels}), as it does to the "
            f"real token, while it refuses no token ({_status(check.anonymous)}) and a garbage token "
            f"({_status(check.garbage)}). Anyone can mint a token for any user."
        ),
        recommendation=_RECOMMEND_JWT,
        impact="Complete authentication bypass: an attacker can impersonate any user, including admins.",
        extra={"forgeries": [label for label, _e in taken]},
    )
    return [finding(draft, taken[0][1], context, len(taken))]


def judge_deleted_user(deleted: Exchange, after: Exchange, context: OracleContext) -> list[Finding]:
    """A finding when a token still works after its user was deleted; pure."""
    if not accepted(deleted) or not accepted(after):
        return []
    draft = Draft(
        category="broken_authentication",
        severity=rate("broken_authentication"),
        title="A deleted user's token is still accepted",
        detail=(
            f"assay registered a user, deleted it ({_status(deleted)}), and its token was then still "
            f"accepted ({_status(after)})."
        ),
        recommendation=(
            "Check that the token's subject still exists (and is active) on every request, or keep "
            "tokens short-lived and revoke a user's tokens when the user is deleted or disabled."
        ),
        impact="Removed accounts (fired staff, banned users) keep their access until the token expires.",
    )
    return [finding(draft, after, context)]


def check_operation(ctx: SecurityContext) -> Operation | None:
    api = ctx.api
    me = api.operation(api.auth.current_user_operation or "")
    if me is not None:
        return me
    return next(
        (op for op in api.operations if op.method == "GET" and op.requires_auth and "{" not in op.path), None
    )


def delete_user_operation(ctx: SecurityContext) -> Operation | None:
    """A DELETE on the caller's own account (``/users/me``) or on a user by id (``/users/{id}``)."""
    deletes = [op for op in ctx.api.operations if op.method == "DELETE"]
    for op in deletes:
        last = op.path.rstrip("/").rsplit("/", 1)[-1].lower()
        if last in _ME_WORDS:
            return op
    for op in deletes:
        parts = op.path.lower().strip("/").split("/")
        if len(parts) >= 2 and parts[-2] in {"users", "user", "accounts"} and parts[-1].startswith("{"):
            return op
    return None


def _with_token(request: RecordedRequest, name: str, old: str, new: str) -> RecordedRequest:
    headers = dict(request.headers)
    headers[name] = headers[name].replace(old, new)
    return replace(request, headers=headers)


class BrokenAuthenticationFamily(AttackFamily):
    name = "broken_authentication"
    budget_cap = 20

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        op = check_operation(ctx)
        if op is None:
            return Outcome(notes=["no authenticated operation to check tokens against"])
        check = await self._check(prober, op)
        if check is None:
            return Outcome(notes=["the check operation did not answer"])
        notes: list[str] = []
        findings = await self._forgeries(prober, op, check, notes)
        findings += await self._deleted_user(prober, op, check, notes)
        return Outcome(findings, notes)

    async def _check(self, prober: Prober, op: Operation) -> AuthCheck | None:
        spec = base_spec(op)
        real = await prober.send(spec, "real token")
        anonymous = await prober.send(spec, "no token", authed=False)
        garbled = prober.ctx.auth.session.malformed
        request = _as(prober, spec, garbled)
        garbage = await prober.send_raw(
            request, op.key, op.path, "garbage token", identity=MALFORMED_IDENTITY
        )
        if real is None or anonymous is None or garbage is None:
            return None
        return AuthCheck(real, anonymous, garbage)

    async def _forgeries(
        self, prober: Prober, op: Operation, check: AuthCheck, notes: list[str]
    ) -> list[Finding]:
        found = jwt.bearer_token(prober.ctx.auth.session.headers)
        if found is None:
            notes.append("the session carries no JWT")
            return []
        header, raw = found
        token = jwt.parse_jwt(raw)
        if token is None or not token_enforced(check):
            notes.append("the check operation does not enforce tokens; forgeries not tried")
            return []
        forgeries = [
            ("alg none", jwt.alg_none(token)),
            ("changed claims, old signature", jwt.old_signature(token)),
        ]
        key = jwt.crack(token)
        context = oracle_context(prober.ctx)
        if key is not None:
            notes.append(f"the token's {token.alg} key is in the built-in weak-secret list")
            forgeries.append(("signed with a weak secret", jwt.resigned(token, key)))
            context = replace(context, secrets=(*context.secrets, key))
        sent: list[tuple[str, Exchange]] = []
        for label, forged in forgeries:
            request = _with_token(prober.render(base_spec(op)), header, raw, forged)
            exchange = await prober.send_raw(
                request, op.key, op.path, f"forged token: {label}", identity=FORGED_IDENTITY
            )
            if exchange is not None:
                sent.append((label, exchange))
        return judge_forgeries(check, sent, context)

    async def _deleted_user(
        self, prober: Prober, op: Operation, check: AuthCheck, notes: list[str]
    ) -> list[Finding]:
        ctx = prober.ctx
        delete_op = delete_user_operation(ctx)
        if delete_op is None or ctx.api.auth.register_operation is None or not token_enforced(check):
            notes.append("deleted-user check skipped: needs registration, a user delete and enforced tokens")
            return []
        session = await _throwaway(prober)
        if session is None:
            notes.append("deleted-user check skipped: could not register a throwaway user")
            return []
        spec = base_spec(op)
        mine = await prober.send_raw(_as(prober, spec, session), op.key, op.path, "throwaway user")
        user_id = own_id(mine.response.json) if mine and mine.response else None
        params = [p.name for p in delete_op.parameters if p.location == "path"]
        if mine is None or _status(mine) // 100 != 2 or (params and user_id is None):
            notes.append("deleted-user check skipped: the throwaway user's id is unknown")
            return []
        if user_id is not None:  # the throwaway user is assay's own: its deletion harms nobody
            ctx.target.ledger.record("account", str(user_id), via="registration (throwaway user)")
        delete_spec = base_spec(delete_op, {name: user_id for name in params})
        deleted = await prober.send_raw(
            _as(prober, delete_spec, session), delete_op.key, delete_op.path, "delete", own_account=True
        )
        after = await prober.send_raw(_as(prober, spec, session), op.key, op.path, "token after delete")
        if deleted is None or after is None:
            return []
        base = oracle_context(ctx)
        return judge_deleted_user(deleted, after, replace(base, secrets=(*base.secrets, *session.secrets)))


async def _throwaway(prober: Prober) -> AuthSession | None:
    """A user registered just for this check (so deleting it harms nobody), logged in."""
    _auth, session = await prober.throwaway()
    return session if session.registered and session.authenticated else None


def _as(prober: Prober, spec: RequestSpec, session: AuthSession) -> RecordedRequest:
    request = prober.render(spec, authed=False)
    return replace(request, headers={**request.headers, **session.headers})
