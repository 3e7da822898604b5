"""broken_authentication, the probe: forged JWTs, weak HMAC keys, and tokens that outlive their user.

The check operation is the first candidate (the current-user operation, then authenticated GETs
without path parameters) that answers the genuine token with a 2xx and refuses no token and a
garbage token; when none does, a note says so and no forgery is judged. It is then sent the
forgeries: ``alg: none`` in four spellings, changed claims under the old signature, changed
claims signed with a key cracked offline from the wordlist, the genuine claims expired and
re-signed with that key, and (for RS/ES/PS tokens whose public key the server publishes) changed
claims HMAC-signed with that public key (key confusion). A throwaway user's token is sent again
after the user is deleted. The judgment is ``assay.oracles.broken_authentication``.
"""

from __future__ import annotations

from dataclasses import replace

from assay.agents.analysis.execution.auth import FORGED_IDENTITY, MALFORMED_IDENTITY, AuthSession
from assay.agents.analysis.security.attacks import jwks, jwt
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
from assay.oracles.broken_authentication import (
    AuthCheck,
    judge_deleted_user,
    judge_expired,
    judge_forgeries,
    token_enforced,
)
from assay.oracles.security_common import status_of
from assay.spec.placeholders import join_url

_ME_WORDS = ("me", "self", "account", "profile")


MAX_CANDIDATES = 4  # check-operation candidates tried with the genuine token


def check_candidates(ctx: SecurityContext) -> list[Operation]:
    """The current-user operation, then authenticated GETs without path parameters, at most four."""
    api = ctx.api
    me = api.operation(api.auth.current_user_operation or "")
    gets = [op for op in api.operations if op.method == "GET" and op.requires_auth and "{" not in op.path]
    ordered = [me, *gets] if me is not None else gets
    unique = {op.key: op for op in reversed(ordered)}  # first occurrence wins
    return sorted(unique.values(), key=lambda op: ordered.index(op))[:MAX_CANDIDATES]


def check_operation(ctx: SecurityContext) -> Operation | None:
    """The first candidate (kept for callers that only need a guess, with no request sent)."""
    found = check_candidates(ctx)
    return found[0] if found else None


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
    budget_cap = 40

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        candidates = check_candidates(ctx)
        if not candidates:
            return Outcome(notes=["no authenticated operation to check tokens against"])
        notes: list[str] = []
        chosen = await self._choose(prober, candidates, notes)
        if chosen is None:
            return Outcome(notes=notes)
        op, check = chosen
        findings = await self._forgeries(prober, op, check, notes)
        findings += await self._deleted_user(prober, op, check, notes)
        return Outcome(findings, notes)

    async def _choose(
        self, prober: Prober, candidates: list[Operation], notes: list[str]
    ) -> tuple[Operation, AuthCheck] | None:
        """The first candidate the genuine token passes (2xx) while no token and garbage are refused."""
        for op in candidates:
            check = await self._check(prober, op)
            if check is not None and token_enforced(check):
                notes.append(f"tokens checked against {op.key} (the genuine token passes it)")
                return op, check
        tried = ", ".join(op.key for op in candidates)
        notes.append(
            f"no operation answers the genuine token with a 2xx while refusing no token and a garbage "
            f"token (tried {tried}): forged and deleted-user tokens not judged"
        )
        return None

    async def _check(self, prober: Prober, op: Operation) -> AuthCheck | None:
        spec = base_spec(op)
        real = await prober.send(spec, "real token")
        if real is None or status_of(real) // 100 != 2:
            return None  # the genuine token is refused here: no use sending the rest
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
        if token is None:
            notes.append("the session's token is not a JWT; forgeries not tried")
            return []
        forgeries = [(f"alg {spelling}", jwt.alg_none(token, spelling)) for spelling in jwt.NONE_SPELLINGS]
        forgeries.append(("changed claims, old signature", jwt.old_signature(token)))
        key = jwt.crack(token)
        context = oracle_context(prober.ctx)
        expired: list[tuple[str, str]] = []
        if key is not None:
            notes.append(f"the token's {token.alg} key is in the weak-secret wordlist")
            forgeries.append(("signed with a weak secret", jwt.resigned(token, key)))
            expired.append(("expired token", jwt.expired(token, key)))
            context = replace(context, secrets=(*context.secrets, key))
        elif token.alg.startswith(("HS",)):
            notes.append(f"the token's {token.alg} key is not in the {len(jwt.wordlist()):,}-entry wordlist")
        forgeries += await self._key_confusion(prober, token, notes)
        sent = await self._send_all(prober, op, header, raw, forgeries)
        findings = judge_forgeries(check, sent, context)
        return findings + judge_expired(
            check, await self._send_all(prober, op, header, raw, expired), context
        )

    async def _send_all(
        self, prober: Prober, op: Operation, header: str, raw: str, tokens: list[tuple[str, str]]
    ) -> list[tuple[str, Exchange]]:
        sent: list[tuple[str, Exchange]] = []
        for label, forged in tokens:
            request = _with_token(prober.render(base_spec(op)), header, raw, forged)
            exchange = await prober.send_raw(
                request, op.key, op.path, f"forged token: {label}", identity=FORGED_IDENTITY
            )
            if exchange is not None:
                sent.append((label, exchange))
        return sent

    async def _key_confusion(self, prober: Prober, token: jwt.Jwt, notes: list[str]) -> list[tuple[str, str]]:
        """HS256 tokens keyed with the public key the server publishes, for an asymmetric token."""
        if not token.alg.startswith(("RS", "PS", "ES")):
            return []
        ctx = prober.ctx
        spec_paths = [op.path for op in ctx.api.operations if op.method == "GET"]
        for path in jwks.key_paths(spec_paths):
            listed = path in spec_paths
            url = join_url(ctx.target.base_url, ctx.api.base_path if listed else "", path)
            request = RecordedRequest("GET", url, {"Accept": "application/json"}, None)
            answer = await prober.send_raw(request, None, path, "public key")
            if answer is None or answer.response is None or status_of(answer) != 200:
                continue
            keys = jwks.public_keys(answer.response.json, answer.response.text)
            if keys:
                notes.append(f"{path} publishes the {token.alg} public key: key confusion tried")
                return [
                    ("key confusion (public key as HMAC secret)", jwt.hmac_with_public_key(token, k))
                    for k in keys
                ]
        notes.append(f"no published public key found for the {token.alg} token: key confusion not tried")
        return []

    async def _deleted_user(
        self, prober: Prober, op: Operation, check: AuthCheck, notes: list[str]
    ) -> list[Finding]:
        ctx = prober.ctx
        delete_op = delete_user_operation(ctx)
        if delete_op is None or ctx.api.auth.register_operation is None:
            notes.append("deleted-user check skipped: needs registration and a user delete")
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
