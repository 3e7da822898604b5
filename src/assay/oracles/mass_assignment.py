"""mass_assignment: a create or update persists a field the client must not set.

Proof: the object read back after a write that carried forbidden fields (``id``, ``owner_id``,
``role``...) holds the values sent, where the same kind of object written plainly does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext
from assay.oracles.refusal import accepted
from assay.oracles.security_common import Step, body_of, finding, object_view, ok, one_per_route, route_of

# Fields that grant privileges, money or another tenant's reach when a client sets them.
_PRIVILEGED = re.compile(
    r"admin|staff|superuser|role|permission|group|balance|credit|wallet|owner|tenant", re.I
)


@dataclass(frozen=True)
class MassTrial:
    """A write that carried forbidden fields, and the object read back afterwards."""

    injected: JsonObject
    write: Step
    read: Step | None = None
    baseline: JsonObject = field(default_factory=dict)  # the same kind of object, written plainly
    steps: tuple[Step, ...] = ()


def _same(stored: Json, sent: Json) -> bool:
    if isinstance(sent, bool) or isinstance(stored, bool):
        return stored is sent
    if isinstance(sent, int | float) and isinstance(stored, int | float) and not isinstance(stored, bool):
        return float(stored) == float(sent)  # 987654321 sent, 987654321.0 stored: the same value
    if isinstance(sent, str) and sent.startswith("2001-02-03"):
        return isinstance(stored, str) and stored.startswith("2001-02-03")
    return stored is not None and str(stored) == str(sent)


def persisted(trial: MassTrial) -> dict[str, Json]:
    """Injected fields whose value the server kept (and a plain write does not produce)."""
    read_back = trial.read is not None and ok(trial.read)
    if not read_back and not accepted(trial.write.exchange):
        return {}  # the write's own answer refused it ("error": ...): its echo proves nothing
    source = trial.read if read_back and trial.read is not None else trial.write
    stored = object_view(body_of(source))
    return {
        name: value
        for name, value in trial.injected.items()
        if name in stored and _same(stored[name], value) and not _same(trial.baseline.get(name), value)
    }


def _draft(trial: MassTrial, kept: Mapping[str, Json]) -> Draft:
    route = route_of(trial.write)
    fields = ", ".join(f"`{k}`" for k in sorted(kept))
    how = "read back" if trial.read is not None and ok(trial.read) else "echoed by the write's own answer"
    privilege = {"is_admin", "admin", "role", "tenant_id", "owner_id"} & set(kept) or _PRIVILEGED.search(
        " ".join(kept)
    )
    return Draft(
        category="mass_assignment",
        severity=rate("mass_assignment", Impact(privilege=bool(privilege))),
        title=f"{route} lets the client set {fields}",
        detail=(
            f"{trial.write.actor} sent {fields} that a client must not set; the object {how} "
            f"holds the values sent ({', '.join(f'{k}={kept[k]!r}' for k in sorted(kept))})."
        ),
        recommendation=(
            f"Bind `{route}` to an explicit input model listing only client-writable fields (reject or "
            "drop unknown ones); set ids, owners, tenants and roles on the server."
        ),
        impact="Clients can reach other tenants' data, forge ownership or make themselves administrators.",
    )


def judge(trials: Sequence[MassTrial], context: OracleContext) -> list[Finding]:
    """One finding per write route that persisted a forbidden field."""
    found: list[Finding] = []
    for trial in trials:
        kept = persisted(trial) if ok(trial.write) else {}
        if kept:
            steps = trial.steps or tuple(s for s in (trial.write, trial.read) if s is not None)
            found.append(finding(_draft(trial, kept), trial.write, steps, context))
    return one_per_route(found)
