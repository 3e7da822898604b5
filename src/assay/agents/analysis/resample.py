"""Slow answers sampled once are sampled again before they are judged.

``slow_response`` judges the median of at least two spec-valid answers per route: a read that the
scenarios sent only once could never be reported, however slow. Each such read (GET or HEAD: a
second send changes nothing) whose one answer took over the latency budget (its own time, assay's
loop lag taken out) is sent
:data:`RESAMPLES` more times, alone and in a fixed order, and those answers join its samples, so
one hiccup is outvoted and a consistently slow route is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.agents.analysis.replay import replay_exchange
from assay.domain.exchanges import Exchange
from assay.domain.ports import HttpTransport
from assay.oracles.base import VALID_INTENTS, group_by_route
from assay.oracles.slow_response import RESAMPLE_ACTION

RESAMPLES = 2
MAX_ROUTES = 5  # bounded work: each slow route costs seconds (at worst two timeouts)


def sampled_once_and_slow(exchanges: Sequence[Exchange], budget: float) -> list[Exchange]:
    """The one valid answer of each read route that has only one, when it is over ``budget``."""
    valid = [e for e in exchanges if e.response is not None and e.intent in VALID_INTENTS]
    found: list[Exchange] = []
    for group in group_by_route(valid).values():
        only = group[0]
        reads = only.request.method.upper() in {"GET", "HEAD"}
        if len(group) == 1 and reads and only.response is not None and only.response.own_seconds > budget:
            found.append(only)
    return found[:MAX_ROUTES]


async def resample_slow(
    exchanges: Sequence[Exchange], transport: HttpTransport, budget: float
) -> list[Exchange]:
    """More samples of the slow reads sampled once, recorded as replays marked :data:`RESAMPLE_ACTION`."""
    found: list[Exchange] = []
    for original in sampled_once_and_slow(exchanges, budget):
        for _ in range(RESAMPLES):
            again = await replay_exchange(original, transport)
            found.append(replace(again, action=RESAMPLE_ACTION))
    return found
