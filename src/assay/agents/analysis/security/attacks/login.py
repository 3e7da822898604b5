"""user_enumeration and rate_limiting, the probes: failed logins, codes and resets, paired or in bursts.

Every login-like, reset-code and reset-request operation of the spec is a target (see
auth_targets; at most three per family). Enumeration pairs an unknown user with the known
user and a wrong password or code, interleaved, four times each: a consistent difference in
status, message or timing tells an attacker which accounts exist. Rate limiting sends a bounded
burst of failed logins or codes (at most 30 per operation, stopping at the first sign of a limit)
for a user assay registered itself when it can (so no real account gets locked out) and looks
for any sign of throttling: 429, Retry-After, a lockout message, or the real login refused after.
The judgments are ``assay.oracles.user_enumeration`` and ``assay.oracles.rate_limiting``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlencode

from assay.agents.analysis.execution.auth import strong_password
from assay.agents.analysis.security.attacks.auth_targets import (
    AuthTarget,
    attempt_spec,
    auth_targets,
    code_digits,
    wrong_secret,
)
from assay.agents.analysis.security.attacks.common import AttackFamily, Outcome, Prober, oracle_context
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.target import Credentials
from assay.oracles.rate_limiting import judge_rate_limit, throttled
from assay.oracles.user_enumeration import judge_enumeration
from assay.spec.placeholders import join_url, new_unique

ROUNDS = 4
MAX_TARGETS = 3  # login-like and reset-like operations probed per family
BURST = 30


def login_request(ctx: SecurityContext, op: Operation, username: str, password: str) -> RecordedRequest:
    flow = ctx.api.auth
    body = {flow.username_field: username, flow.password_field: password}
    url = join_url(ctx.target.base_url, ctx.api.base_path, op.path)
    if flow.login_format == "form":
        ctype = "application/x-www-form-urlencoded"
        return RecordedRequest(op.method, url, {"Content-Type": ctype}, urlencode(body), True, ctype)
    return RecordedRequest(
        op.method, url, {"Content-Type": "application/json"}, dict(body), True, "application/json"
    )


def attempt_request(prober: Prober, target: AuthTarget, username: str, secret: Json) -> RecordedRequest:
    """A failed attempt at ``target``: the auth flow's own login as it logs in, others from the spec."""
    ctx = prober.ctx
    if target.op.key == ctx.api.auth.login_operation and target.kind == "login":
        return login_request(ctx, target.op, username, str(secret))
    return prober.render(attempt_spec(target, username, secret), authed=False)


def unknown_username(known: str) -> str:
    return f"nouser.{new_unique()}@example.com" if "@" in known else f"nouser_{new_unique()}"


def _probed(targets: Sequence[AuthTarget]) -> str:
    return f"{len(targets)} operation(s) probed: " + ", ".join(t.op.key for t in targets)


def enumeration_targets(ctx: SecurityContext) -> list[AuthTarget]:
    """Login, code and lookup operations the known user can be named in; none without a known user."""
    identity = ctx.auth.identity
    if identity is None:
        return []
    targets = auth_targets(ctx.api, frozenset({"login", "code", "lookup"}), MAX_TARGETS)
    return [t for t in targets if "@" in identity.username or not t.user_is_email]


class UserEnumerationFamily(AttackFamily):
    name = "user_enumeration"

    def unmet(self, ctx: SecurityContext) -> str | None:
        return None if enumeration_targets(ctx) else "needs a login or reset operation and a known user"

    def cap(self, ctx: SecurityContext) -> int:
        return 2 * ROUNDS * len(enumeration_targets(ctx))

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        targets = enumeration_targets(ctx)
        known = ctx.auth.identity.username if ctx.auth.identity else ""  # unmet() made sure of a user
        findings: list[Finding] = []
        for target in targets:
            findings += await _pairs(prober, target, known)
        return Outcome(findings, [_probed(targets)])


async def _pairs(prober: Prober, target: AuthTarget, known: str) -> list[Finding]:
    """Interleaved failed attempts for an unknown user and for ``known`` with a wrong secret."""
    ghost = unknown_username(known)
    unknown: list[Exchange] = []
    wrong: list[Exchange] = []
    op = target.op
    for _ in range(ROUNDS):
        for name, bucket in ((ghost, unknown), (known, wrong)):
            request = attempt_request(prober, target, name, wrong_secret(target, strong_password()))
            exchange = await prober.send_raw(request, op.key, op.path, f"failed {target.kind}")
            if exchange is not None:
                bucket.append(exchange)
    lookup = target.kind == "lookup"
    context = oracle_context(prober.ctx)
    return judge_enumeration(unknown, wrong, (ghost, known), context, lookup=lookup)


def burst_targets(ctx: SecurityContext) -> list[AuthTarget]:
    return auth_targets(ctx.api, frozenset({"login", "code"}), MAX_TARGETS)


class RateLimitingFamily(AttackFamily):
    name = "rate_limiting"

    def unmet(self, ctx: SecurityContext) -> str | None:
        return None if burst_targets(ctx) else "no login or reset-code operation"

    def cap(self, ctx: SecurityContext) -> int:
        return (BURST + 1) * len(burst_targets(ctx)) + 6

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        targets = burst_targets(ctx)
        victim = await _throwaway_identity(prober)
        notes = [] if victim else ["no throwaway user could be registered: the burst used an unknown user"]
        known = ctx.auth.identity.username if ctx.auth.identity else ""
        findings: list[Finding] = []
        for target in targets:
            if victim is None and target.user_is_email and "@" not in known:
                continue
            findings += await _burst(prober, target, victim, unknown_username(known))
        notes.append(_probed(targets))
        return Outcome(findings, notes)


async def _burst(
    prober: Prober, target: AuthTarget, victim: Credentials | None, stranger: str
) -> list[Finding]:
    """Up to ``BURST`` failed attempts (stopping at the first sign of a limit), then the real login."""
    op = target.op
    name = victim.username if victim else stranger
    burst: list[Exchange] = []
    for _ in range(BURST):
        request = attempt_request(prober, target, name, wrong_secret(target, strong_password()))
        exchange = await prober.send_raw(request, op.key, op.path, "burst")
        if exchange is None:
            break
        burst.append(exchange)
        if throttled(exchange):
            return []  # a limit: nothing to report, and no need to go on
    after = None
    if victim is not None and target.kind == "login":
        real = attempt_request(prober, target, name, victim.password)
        after = await prober.send_raw(real, op.key, op.path, "real login")
    context = oracle_context(prober.ctx)
    if victim is not None:
        context = replace(context, secrets=(*context.secrets, victim.password))
    return judge_rate_limit(burst, after, context, code_digits=code_digits(target))


async def _throwaway_identity(prober: Prober) -> Credentials | None:
    if prober.ctx.api.auth.register_operation is None:
        return None
    auth, session = await prober.throwaway()
    return auth.identity if session.registered and auth.identity is not None else None
