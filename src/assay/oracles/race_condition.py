"""race_condition: a create the server keeps unique in sequence makes duplicates when sent at once.

Proof: the same body sent twice in a row, the second refused (409, 400 or 422: a unique field),
then a fresh body sent N times at once with more than one success; a 5xx in the burst, where the
create alone answers 2xx, is a ``server_error`` under concurrency. Both carry the burst's times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.domain.findings import Category, Finding
from assay.oracles.base import Draft, OracleContext
from assay.oracles.security_common import Step, finding, ok, one_per_route, route_of

# Added to the categories by us (docs/findings-categories.md): a race is not a lost update.
RACE_CATEGORY: Category = "race_condition"
UNIQUE_REFUSALS = frozenset({400, 409, 422})


@dataclass(frozen=True)
class RaceTrial:
    first: Step
    duplicate: Step
    burst: tuple[Step, ...]  # the deciding burst: the first that showed something, else the last
    rounds: int = 1  # bursts sent to get there


def _duplicates(trial: RaceTrial) -> Draft | None:
    successes = sum(1 for s in trial.burst if ok(s))
    enforced = ok(trial.first) and trial.duplicate.exchange.status in UNIQUE_REFUSALS
    if not enforced or successes <= 1:
        return None
    route = route_of(trial.first)
    return Draft(
        category=RACE_CATEGORY,
        severity="high",
        title=f"{route} creates duplicates under concurrent requests",
        detail=(
            f"Sent twice in a row, the same body is refused the second time "
            f"({trial.duplicate.exchange.status}: a unique field); sent {len(trial.burst)} times at once, "
            f"{successes} copies were created (in burst {trial.rounds})."
        ),
        recommendation=(
            f"Enforce the uniqueness `{route}` checks with a unique index (or a transaction with the "
            "right isolation) and map the constraint violation to 409."
        ),
        impact="Double bookings, duplicate accounts or payments when two clients act at the same moment.",
        extra={"created_at_once": successes, "sent_at_once": len(trial.burst), "bursts": trial.rounds},
    )


def _errors(trial: RaceTrial) -> Draft | None:
    failed = [s for s in trial.burst if (s.exchange.status or 0) >= 500]
    if not failed or not ok(trial.first):
        return None
    route = route_of(trial.first)
    return Draft(
        category="server_error",
        severity="high",
        title=f"{route} answers {failed[0].exchange.status} under concurrent requests",
        detail=f"Sent {len(trial.burst)} times at once, {len(failed)} answered 5xx; alone it answers 2xx.",
        recommendation=f"Look for shared state or lock/transaction errors in `{route}` under concurrency.",
        impact="Clients fail at random under load.",
    )


def judge(trials: Sequence[RaceTrial], context: OracleContext) -> list[Finding]:
    """Duplicates the server's own uniqueness forbids, and 5xx answers under concurrency."""
    found: list[Finding] = []
    for trial in trials:
        steps = [trial.first, trial.duplicate, *trial.burst]
        duplicates = _duplicates(trial)
        if duplicates is not None:
            key = next(s for s in trial.burst if ok(s))
            found.append(_timed(finding(duplicates, key, steps, context), trial))
        errors = _errors(trial)
        if errors is not None:
            key = next(s for s in trial.burst if (s.exchange.status or 0) >= 500)
            found.append(_timed(finding(errors, key, steps, context), trial))
    return one_per_route(found)


def _timed(found: Finding, trial: RaceTrial) -> Finding:
    """A race is shown by timing, not by one request: it carries the burst's measured times."""
    found.evidence["burst_seconds"] = [
        round(s.exchange.response.elapsed_seconds, 3) if s.exchange.response else None for s in trial.burst
    ]
    return replace(found, proof="timing")


def shows_something(trial: RaceTrial) -> bool:
    """The burst shows duplicates or a 5xx (the probe stops sending bursts then)."""
    return _duplicates(trial) is not None or _errors(trial) is not None
