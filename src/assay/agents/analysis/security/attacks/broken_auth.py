"""broken_authentication, the probe: forged JWTs, weak HMAC keys, and tokens that outlive their user.

The check operation is the current-user operation (or an authenticated list without path
parameters): it is sent the real token, no token and a garbage token, then the forgeries; a
throwaway user's token is sent again after the user is deleted. The judgment is
``assay.oracles.broken_authentication``.
"""

from __future__ import annotations

from dataclasses import replace

from assay.agents.analysis.execution.auth import FORGED_IDENTITY, MALFORMED_IDENTITY, AuthSession
from assay.agents.analysis.security.attacks import jwt
from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    base_spec,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec
from assay.oracles.base import own_id
from assay.oracles.broken_authentication import AuthCheck, judge_deleted_user, judge_forgeries, token_enforced
from assay.oracles.security_common import status_of

_ME_WORDS = ("me", "self", "account", "profile")


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
    probe_with_access = False  # forgeries are judged against the primary's own token
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
        if mine is None or status_of(mine) // 100 != 2 or (params and user_id is None):
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
