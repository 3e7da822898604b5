"""Each identity's reach: which operations answer 2xx for whom, so probes go as someone with access.

The run's primary identity may be a customer while a staff login was given too: a staff-only
operation then answers the customer 403, and every attack (SSRF, injection...) behind it would
be sent to a closed door. This family sends each operation the primary is refused (401/403) as
the other identities, highest role first, and records the first one it answers 2xx in
``SecurityContext.reach``; the attack families send that operation as that identity. A refused
lower identity is the correct answer and is never a finding here (the function-authorization
family tries lower identities against privileged operations). It judges nothing itself.

Only reads and creates are sent (never a change, delete or reset of an existing object).
"""

from __future__ import annotations

from assay.agents.analysis.security.attacks.common import base_spec
from assay.agents.analysis.security.authz.common import PoolFamily, send_as
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, role_rank
from assay.domain.operations import Operation
from assay.domain.state_change import changes_existing, is_state_reset
from assay.spec import naming
from assay.spec.placeholders import UNIQUE, new_unique

REFUSED = frozenset({401, 403})
MAX_OPERATIONS = 40


def _probeable(ctx: SecurityContext, op: Operation) -> bool:
    flow = ctx.api.auth
    if op.key in {flow.login_operation, flow.register_operation} or op.key in ctx.resets:
        return False
    if is_state_reset(op) or changes_existing(op) or op.method == "DELETE":
        return False
    # Specs often declare no security at all: the answer, not the spec, says who may call it.
    return not naming.param_names(op.path)  # no object to choose: only the door is tested


class IdentityReach(PoolFamily):
    name = "identity_reach"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        pool = await self.pool.all(ctx)
        others = sorted(
            (i for i in pool[1:] if i.auth is not None), key=lambda i: -role_rank(i.role)
        )  # highest role first: the one most likely to open a staff-only door
        if not pool or not others:
            return self.skipped("needs a second identity (--login ROLE=USER:PASS) to learn who reaches what")
        client = ProbeClient(ctx, self.name)
        learned: list[str] = []
        for op in [o for o in ctx.api.operations if _probeable(ctx, o)][:MAX_OPERATIONS]:
            who = await self._opener(client, ctx, op, pool[0], others)
            if who is not None and who.auth is not None:
                ctx.reach[op.key] = who.auth
                learned.append(f"{op.key}: refused to {pool[0].label}, answered for {who.label}")
        report = self.report(client, [])
        report.notes.extend(learned)
        return report

    async def _opener(
        self,
        client: ProbeClient,
        ctx: SecurityContext,
        op: Operation,
        primary: Identity,
        others: list[Identity],
    ) -> Identity | None:
        """The first identity the operation answers 2xx when it refuses the primary, else None."""
        spec = base_spec(op)
        scope = {UNIQUE: new_unique()}
        first = await send_as(client, ctx, primary, spec, scope, "learn who may call this")
        if first is None or first.exchange.status not in REFUSED:
            return None
        for other in others:
            step = await send_as(client, ctx, other, spec, {UNIQUE: new_unique()}, "learn who may call this")
            if step is not None and (step.exchange.status or 0) // 100 == 2:
                return other
        return None
