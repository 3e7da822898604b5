"""rate_limiting: failed logins or one-time codes can be tried at full speed, with no limit.

Proof: a burst of at least ten failed attempts, all answered, none accepted and none showing
throttling (429, Retry-After, a lockout message), and the real login still working afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.security_common import status_of

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
    burst: Sequence[Exchange], after: Exchange | None, context: OracleContext
) -> list[Finding]:
    """A finding when a burst of failed logins meets no throttling and no lockout; pure."""
    answered = [e for e in burst if e.response is not None]
    if len(answered) < 10 or any(throttled(e) for e in answered):
        return []
    if any(status_of(e) // 100 == 2 for e in answered):
        return []  # a wrong password was accepted: something else is going on
    if after is not None and status_of(after) // 100 != 2:
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
    return [build(draft, answered[-1], context, occurrences=len(answered))]
