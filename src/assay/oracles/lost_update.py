"""lost_update: an update the server acknowledged, yet the next read shows the old value.

Proof: the object read before the update, the update of writable fields answered 2xx (not 202)
with no refusal in its body, and the read after it still showing a field's value from before
(a field the server normalises to a third value is not judged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject
from assay.oracles.base import Draft, OracleContext
from assay.oracles.refusal import accepted
from assay.oracles.security_common import Step, body_of, finding, object_view, ok, one_per_route


@dataclass(frozen=True)
class LostTrial:
    created: Step
    original: JsonObject  # the object before the update
    sent: JsonObject  # writable fields changed, with their new values
    write: Step
    read: Step | None


def lost_fields(trial: LostTrial) -> dict[str, tuple[Json, Json]]:
    """Field -> (value sent, value read) where the read still shows the value from before."""
    # An update whose 2xx body says it refused the change is a refusal, not a lost update.
    write = trial.write.exchange
    if not accepted(write) or write.status == 202 or trial.read is None or not ok(trial.read):
        return {}
    after = object_view(body_of(trial.read))
    return {
        name: (value, after[name])
        for name, value in trial.sent.items()
        if name in after and after[name] != value and after[name] == trial.original.get(name)
    }


def judge_lost(trials: Sequence[LostTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        lost = lost_fields(trial)
        if not lost:
            continue
        route = f"{trial.write.exchange.request.method.upper()} {trial.write.exchange.path_template or ''}"
        listed = ", ".join(f"`{k}` (sent {v[0]!r}, still {v[1]!r})" for k, v in sorted(lost.items()))
        draft = Draft(
            category="lost_update",
            severity="high",
            title=f"{route} acknowledges an update it does not keep",
            detail=f"`{route}` answered {trial.write.exchange.status}, yet the next read shows {listed}.",
            recommendation=(
                f"Persist every writable field `{route}` accepts (check the mapping from the input model "
                "to storage and the commit), or reject the fields it cannot change with 4xx."
            ),
            impact="Clients show a saved change that the server silently dropped.",
            extra={"lost_fields": list[Json](sorted(lost))},
        )
        found.append(
            finding(draft, trial.write, [trial.created, trial.write, trial.read or trial.write], context)
        )
    return one_per_route(found)
