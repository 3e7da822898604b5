"""Business-flow abuse: judged by the caller's state read back when the API shows it
(``business_state``), else a coupon, referral, redeem or transfer operation repeated up to 5 times.

When the spec makes such a flow visible, the same valid request is sent repeatedly; if every
repeat keeps succeeding, nothing stops a client from applying the benefit again and again.
:func:`assay.oracles.business_flow.judge_repeats` judges the repeats.
"""

from __future__ import annotations

import re

from assay.agents.analysis.security.attacks.business_state import is_transfer, state_read, state_trials
from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    oracle_context,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.operations import Operation
from assay.oracles.business_flow import REPEATS, judge_repeats, judge_state
from assay.oracles.refusal import accepted
from assay.spec.naming import is_auth_operation

_FLOW = re.compile(
    r"(?i)coupon|redeem|referr|refer\b|transfer|voucher|promo|gift|claim|reward|discount|bonus|apply"
)


def is_business_flow(op: Operation) -> bool:
    words = " ".join((op.path, op.operation_id or "", op.summary))
    return op.method in {"POST", "PUT", "PATCH"} and bool(_FLOW.search(words))


class BusinessFlowFamily(AttackFamily):
    name = "business_flow"
    budget_cap = 70

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        findings: list[Finding] = []
        flows = [
            op for op in ctx.api.operations if is_business_flow(op) and not is_auth_operation(ctx.api, op)
        ]
        transfers = [
            op
            for op in ctx.api.operations
            if op.method == "POST" and is_transfer(op) and not is_auth_operation(ctx.api, op)
        ]
        notes: list[str] = []
        judged: set[str] = set()
        state = state_read(ctx.api)
        if state is not None and (flows or transfers):
            run = await state_trials(prober, state, flows, transfers)
            findings += judge_state(run.trials, oracle_context(ctx))
            judged, notes = run.judged, run.notes
        for op in flows:
            # The state read back judged it: its 2xx answers prove nothing more.
            if op.key in judged or not prober.allowed(op):
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
        return Outcome(findings, [f"{len(flows)} business flow(s) found", *notes])
