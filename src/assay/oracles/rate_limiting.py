"""rate_limiting: failed logins or one-time codes can be tried at full speed, with no limit.

Proof: a burst of at least ten failed attempts, all answered, none accepted and none showing
throttling (429, Retry-After, a lockout message), and the real login still working afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.refusal import attempt_failed, refusal_in

_THROTTLED = re.compile(r"(?i)too many|rate limit|locked|lockout|try again later|temporarily blocked")


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
    burst: Sequence[Exchange],
    after: Exchange | None,
    context: OracleContext,
    *,
    code_digits: int | None = None,
) -> list[Finding]:
    """A finding when a burst of failed logins or codes meets no throttling and no lockout; pure.

    Failure is judged by content (``200 {"status": "fail"}`` failed too); ``code_digits`` is the
    length of a numeric code the operation checks, when it is one (a short one raises severity).
    """
    answered = [e for e in burst if e.response is not None]
    if len(answered) < 10 or any(throttled(e) for e in answered):
        return []
    if not all(attempt_failed(e) for e in answered):
        return []  # a wrong password was accepted, or the answer is unclear: something else is going on
    if after is not None and refusal_in(after.response) is not None:
        return []  # the account got locked: that is a limit
    short = code_digits is not None and 4 <= code_digits <= 6
    what = f"{code_digits}-digit codes" if short else "failed attempts"
    draft = Draft(
        category="rate_limiting",
        severity=rate("rate_limiting", Impact(short_code=short)),
        title=f"{route(answered[-1])} accepts unlimited {what}",
        detail=(
            f"{len(answered)} failed attempts in a row got no 429, no Retry-After and no lockout"
            + ("; the real password still worked afterwards." if after is not None else ".")
            + (
                f" All {10**code_digits:,} possible codes can be tried in minutes."
                if short and code_digits
                else ""
            )
        ),
        recommendation="Throttle failed attempts per account and per client: 429 with Retry-After.",
        impact="Passwords or one-time codes can be guessed at full speed (brute force, credential stuffing).",
        extra={"attempts": len(answered), **({"code_digits": code_digits} if short else {})},
    )
    return [build(draft, answered[-1], context, occurrences=len(answered))]
