"""Concurrency, the probe for race_condition: the same create sent N times at once.

First the create is sent twice in a row with the same body: when the second is refused (409,
400 or 422) the body holds a field the server keeps unique. Then a fresh body is sent N times
at once (``asyncio.gather``, N ≤ 10). More than one success is a duplicate the server's own
rule forbids (a check-then-insert race); any 5xx in the burst is a ``server_error`` under
concurrency. A server that never refuses the sequential duplicate is not judged on duplicates.

Whether two requests of a burst overlap on the server depends on how busy the machine is (a
slow client spreads its sends past a short race window), so a burst that shows nothing is tried
again with a fresh body, up to ``ROUNDS`` times, when the server enforces the unique field: a
race is a matter of attempts, not of speed. A finding records how many bursts it took. The
judgment is ``assay.oracles.race_condition``.
"""

from __future__ import annotations

import asyncio

from assay.agents.analysis.security.authz.common import PoolFamily, create, send_as
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity, IdentityPool
from assay.domain.json import Json
from assay.oracles.race_condition import UNIQUE_REFUSALS, RaceTrial, judge, shows_something
from assay.oracles.security_common import Step, ok
from assay.spec.placeholders import UNIQUE, new_unique

BURST = 8
ROUNDS = 3  # bursts per resource until one shows the race (each with a fresh body)
MAX_RESOURCES = 6


def race_candidates(ctx: SecurityContext) -> list[str]:
    """Creates with a body; those whose spec documents a 409 (a unique field) first."""
    with_body = [n for n, r in ctx.recipes.items() if r.action.request.has_body]

    def documents_conflict(name: str) -> bool:
        op = ctx.api.operation(ctx.recipes[name].action.request.operation)
        return op is not None and "409" in op.documented_statuses()

    return sorted(with_body, key=lambda n: not documents_conflict(n))


class Concurrency(PoolFamily):
    name = "concurrency"

    def __init__(self, pool: IdentityPool | None = None, burst: int = BURST) -> None:
        super().__init__(pool)
        self.burst = max(2, min(burst, 10))

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        who = await self.primary(ctx)
        client = ProbeClient(ctx, self.name)
        trials: list[RaceTrial] = []
        for name in race_candidates(ctx)[:MAX_RESOURCES]:
            if client.budget - client.sent < self.burst + 4:
                break
            trial = await self._trial(client, ctx, who, name)
            trials.extend([trial] if trial is not None else [])
        return self.report(client, judge(trials, self.oracle_context()))

    async def _trial(
        self, client: ProbeClient, ctx: SecurityContext, who: Identity, name: str
    ) -> RaceTrial | None:
        recipe = ctx.recipes[name]
        parents: dict[str, Json] = {}
        for required in recipe.requires:
            made = await create(client, ctx, who, required)
            parents.update(made.scope if made else {})
        spec = recipe.action.request
        fixed = {**parents, UNIQUE: new_unique()}
        first = await send_as(client, ctx, who, spec, fixed, f"create a {name}", "setup")
        again = await send_as(client, ctx, who, spec, fixed, f"create the same {name} again")
        if first is None or again is None or not ok(first):
            return None
        # Without a unique field there is no race to catch: one burst, for the 5xx check only.
        rounds = ROUNDS if again.exchange.status in UNIQUE_REFUSALS else 1
        trial = RaceTrial(first, again, tuple(await self._burst(client, ctx, who, name, parents)))
        while trial.rounds < rounds and not shows_something(trial):
            if client.budget - client.sent < self.burst:
                break
            burst = await self._burst(client, ctx, who, name, parents)
            trial = RaceTrial(first, again, tuple(burst), trial.rounds + 1)
        return trial

    async def _burst(
        self, client: ProbeClient, ctx: SecurityContext, who: Identity, name: str, parents: dict[str, Json]
    ) -> list[Step]:
        spec = ctx.recipes[name].action.request
        fresh = {**parents, UNIQUE: new_unique()}  # one new body, the same for every copy
        action = f"create a {name} at once"
        sends = [send_as(client, ctx, who, spec, fresh, action) for _ in range(self.burst)]
        return [s for s in await asyncio.gather(*sends) if s is not None]
