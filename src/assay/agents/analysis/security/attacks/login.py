"""user_enumeration and rate_limiting: what the login and password-reset operations give away.

Every login-like, reset-code and reset-request operation of the spec is a target (see
auth_targets; at most three per family). Enumeration pairs an unknown user with the known
user and a wrong password or code, interleaved, four times each: a consistent difference in
status, message or timing tells an attacker which accounts exist. Rate limiting sends a bounded
burst of failed logins or codes (at most 30 per operation, stopping at the first sign of a limit)
for a user assay registered itself when it can (so no real account gets locked out) and looks
for any sign of throttling: 429, Retry-After, a lockout message, or the real login refused after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from statistics import median
from urllib.parse import urlencode

from assay.agents.analysis.execution.auth import strong_password
from assay.agents.analysis.security.attacks.auth_targets import (
    AuthTarget,
    attempt_spec,
    auth_targets,
    wrong_secret,
)
from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    finding,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.target import Credentials
from assay.oracles.base import Draft, OracleContext, route
from assay.spec.placeholders import join_url, new_unique

ROUNDS = 4
MAX_TARGETS = 3  # login-like and reset-like operations probed per family
BURST = 30
TIMING_GAP = 0.1
_THROTTLED = re.compile(r"(?i)too many|rate limit|locked|lockout|try again later|temporarily blocked")


def _status(e: Exchange) -> int:
    return e.status or 0


def _normalized(e: Exchange, names: Sequence[str]) -> str:
    text = e.response.text if e.response else ""
    for name in names:
        text = text.replace(name, "<user>")
    return re.sub(r"\d+", "0", text).strip()


def _seconds(e: Exchange) -> float:
    return e.response.elapsed_seconds if e.response else 0.0


def enumeration_signal(
    unknown: Sequence[Exchange], wrong: Sequence[Exchange], names: Sequence[str], *, lookup: bool = False
) -> str | None:
    """How unknown-user and known-user answers differ consistently ("status", "message", "timing").

    For a login or a code check both sides failed, so a 2xx means something else is going on; for
    a lookup (a password reset by email) a 2xx is the normal answer for an existing account.
    """
    if not unknown or not wrong or any(e.response is None for e in (*unknown, *wrong)):
        return None
    statuses = [_status(e) for e in (*unknown, *wrong)]
    if any(s == 429 or (s // 100 == 2 and not lookup) for s in statuses):
        return None
    unknown_status, wrong_status = {_status(e) for e in unknown}, {_status(e) for e in wrong}
    if len(unknown_status) == 1 and len(wrong_status) == 1 and unknown_status != wrong_status:
        return "status"
    a, b = {_normalized(e, names) for e in unknown}, {_normalized(e, names) for e in wrong}
    if len(a) == 1 and len(b) == 1 and a != b:
        return "message"
    ta, tb = [_seconds(e) for e in unknown], [_seconds(e) for e in wrong]
    apart = min(tb) > max(ta) or min(ta) > max(tb)
    if len(ta) >= 3 and apart and abs(median(tb) - median(ta)) >= TIMING_GAP:
        return "timing"
    return None


def judge_enumeration(
    unknown: Sequence[Exchange],
    wrong: Sequence[Exchange],
    names: Sequence[str],
    context: OracleContext,
    *,
    lookup: bool = False,
) -> list[Finding]:
    """A finding when the answers tell an existing user from an unknown one; pure."""
    signal = enumeration_signal(unknown, wrong, names, lookup=lookup)
    if signal is None:
        return []
    known = "an existing user" if lookup else "a wrong password"
    shown = {
        "status": f"{_status(unknown[0])} for an unknown user, {_status(wrong[0])} for {known}",
        "message": f"different messages for an unknown user and for {known}",
        "timing": (
            f"a consistent timing gap (median {median(_seconds(e) for e in unknown):.3f} s for an "
            f"unknown user, {median(_seconds(e) for e in wrong):.3f} s for {known})"
        ),
    }[signal]
    draft = Draft(
        category="user_enumeration",
        severity="low" if signal == "timing" else "medium",
        title=f"{route(wrong[0])} tells whether an account exists ({signal})",
        detail=f"Over {len(unknown)} paired attempts, `{route(wrong[0])}` answers with {shown}.",
        recommendation=(
            "Answer every failed attempt with the same status and message, and spend the same time "
            "(verify against a dummy hash when the user does not exist)."
        ),
        impact="Attackers learn which accounts exist and focus password guessing on them.",
        extra={"signal": signal},
    )
    return [finding(draft, wrong[0], context, len(wrong))]


def throttled(exchange: Exchange) -> bool:
    response = exchange.response
    if response is None:
        return False
    return (
        response.status in {429, 503}
        or "retry-after" in response.headers
        or bool(_THROTTLED.search(response.text))
    )


def judge_rate_limit(
    burst: Sequence[Exchange], after: Exchange | None, context: OracleContext
) -> list[Finding]:
    """A finding when a burst of failed logins meets no throttling and no lockout; pure."""
    answered = [e for e in burst if e.response is not None]
    if len(answered) < 10 or any(throttled(e) for e in answered):
        return []
    if any(_status(e) // 100 == 2 for e in answered):
        return []  # a wrong password was accepted: something else is going on
    if after is not None and _status(after) // 100 != 2:
        return []  # the account got locked: that is a limit
    draft = Draft(
        category="rate_limiting",
        severity="medium",
        title=f"{route(answered[-1])} accepts unlimited failed attempts",
        detail=(
            f"{len(answered)} failed attempts in a row got no 429, no Retry-After and no lockout"
            + ("; the real password still worked afterwards." if after is not None else ".")
        ),
        recommendation="Throttle failed attempts per account and per client: 429 with Retry-After.",
        impact="Passwords or one-time codes can be guessed at full speed (brute force, credential stuffing).",
        extra={"attempts": len(answered)},
    )
    return [finding(draft, answered[-1], context, len(answered))]


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
    return judge_rate_limit(burst, after, context)


async def _throwaway_identity(prober: Prober) -> Credentials | None:
    if prober.ctx.api.auth.register_operation is None:
        return None
    auth, session = await prober.throwaway()
    return auth.identity if session.registered and auth.identity is not None else None
