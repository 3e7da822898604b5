"""stale_resource: a delete the server acknowledged, yet the object is still served.

Proof: an object assay created, its DELETE answered 2xx (not 202), and every read after it (two,
a moment apart) answering 2xx with the object, not a soft-deleted marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.oracles.base import Draft, OracleContext
from assay.oracles.refusal import accepted
from assay.oracles.security_common import Step, body_of, finding, object_view, ok, one_per_route

_GONE_STATES = frozenset({"deleted", "archived", "removed", "inactive", "trashed", "disabled"})


@dataclass(frozen=True)
class StaleTrial:
    created: Step
    delete: Step
    reads: tuple[Step, ...]  # the reads after the delete


def soft_deleted(body: Json) -> bool:
    view = object_view(body)
    flags = any(view.get(k) is True for k in ("deleted", "is_deleted", "archived", "removed"))
    marked = any(view.get(k) not in (None, "", False) for k in ("deleted_at", "deletedAt", "removed_at"))
    state = str(view.get("status", view.get("state", ""))).lower()
    return flags or marked or state in _GONE_STATES


def judge_stale(trials: Sequence[StaleTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        reads = trial.reads
        if not accepted(trial.delete.exchange) or trial.delete.exchange.status == 202 or not reads:
            continue
        if all(ok(r) and not soft_deleted(body_of(r)) for r in reads):
            route = f"DELETE {trial.delete.exchange.path_template or ''}"
            draft = Draft(
                category="stale_resource",
                severity="high",
                title=f"{route} answers {trial.delete.exchange.status} but the object is still served",
                detail=(
                    f"After `{route}` answered {trial.delete.exchange.status}, {len(reads)} later reads "
                    f"still answered {reads[-1].exchange.status} with the object."
                ),
                recommendation=f"Make `{route}` delete (or mark deleted and hide) before it answers 2xx.",
                impact="Users believe data is gone (personal data, revoked access) while it is still served.",
            )
            steps = [trial.created, trial.delete, *reads]
            found.append(finding(draft, trial.delete, steps, context))
    return one_per_route(found)
