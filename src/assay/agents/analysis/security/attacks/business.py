"""Business-flow abuse: a coupon, referral, redeem or transfer operation repeated up to 5 times.

When the spec makes such a flow visible, the same valid request is sent repeatedly; if every
repeat keeps succeeding, nothing stops a client from applying the benefit again and again.
Reported under ``business_flow`` (see docs/findings-categories.md) as a "verify" finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    finding,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.oracles.base import Draft, OracleContext, route
from assay.oracles.refusal import accepted
from assay.spec.naming import is_auth_operation

REPEATS = 5
_FLOW = re.compile(
    r"(?i)coupon|redeem|referr|refer\b|transfer|voucher|promo|gift|claim|reward|discount|bonus|apply"
)
_VALUABLE = re.compile(r"(?i)coupon|redeem|voucher|promo|gift|transfer|referr|bonus")


def is_business_flow(op: Operation) -> bool:
    words = " ".join((op.path, op.operation_id or "", op.summary))
    return op.method in {"POST", "PUT", "PATCH"} and bool(_FLOW.search(words))


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
    return [finding(draft, repeats[-1], context, len(repeats))]


class BusinessFlowFamily(AttackFamily):
    name = "business_flow"
    budget_cap = 30

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        findings: list[Finding] = []
        flows = [
            op for op in ctx.api.operations if is_business_flow(op) and not is_auth_operation(ctx.api, op)
        ]
        for op in flows:
            if not prober.allowed(op):
                continue
            spec = await prober.baseline_spec(op)
            repeats: list[Exchange] = []
            for _ in range(REPEATS):
                exchange = await prober.send(spec, "repeat")
                if exchange is None:
                    break
                repeats.append(exchange)
                if not accepted(exchange):
                    break
            findings += judge_repeats(op, repeats, oracle_context(ctx))
        return Outcome(findings, [f"{len(flows)} business flow(s) found"])
