"""business_flow: a one-time benefit (coupon, referral, redeem, transfer) that can be applied again and again.

The proof is ``REPEATS`` identical requests all accepted (a 2xx whose body does not refuse);
it is reported as a "verify" finding (see docs/findings-categories.md), since repeating may be
intended.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext, build, route
from assay.oracles.refusal import accepted

REPEATS = 5
_VALUABLE = re.compile(r"(?i)coupon|redeem|voucher|promo|gift|transfer|referr|bonus")


def judge_repeats(op: Operation, repeats: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """A finding when every one of ``REPEATS`` identical requests was accepted; pure.

    Accepted means a 2xx whose body does not refuse: a 200 saying "invalid code" is a refusal.
    """
    if len(repeats) < REPEATS or not all(accepted(e) for e in repeats):
        return []
    words = " ".join((op.path, op.operation_id or "", op.summary))
    draft = Draft(
        category="business_flow",
        severity="medium" if _VALUABLE.search(words) else "low",
        title=f"{route(repeats[0])} can be repeated without limit (verify)",
        detail=(
            f"The same request to `{route(repeats[0])}` succeeded {len(repeats)} times in a row "
            f"({', '.join(str(e.status) for e in repeats)}). "
            "Verify that applying it more than once is intended."
        ),
        recommendation=(
            "Make one-time benefits idempotent (one use per code and user) and limit repeated transfers."
        ),
        impact="A client may redeem the same benefit or repeat a transfer many times (OWASP API6).",
        extra={"repeats": len(repeats)},
    )
    return [build(draft, repeats[-1], context, occurrences=len(repeats))]
