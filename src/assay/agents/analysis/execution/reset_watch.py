"""Noticing a state reset by its effect: an object assay created, and read back, has vanished.

A reset is not always named (``POST /maintenance`` may drop the database). The runner keeps one
*sentinel*: the read of an object a read-only scenario's fixture created (an object nobody else
knows of). After a group that ran an operation that could reset (no path parameter, not a create,
not a list, not a login) and that no earlier check cleared, the sentinel is read again; a 404 or
410 means the group reset the application. Its unchecked operations are then treated as resets
for the rest of the run, and what the group recorded is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from assay.agents.analysis.planning import may_reset, resets_state
from assay.domain.analysis import ScenarioRun
from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.operations import ApiModel
from assay.domain.ports import HttpTransport
from assay.domain.scenarios import RequestSpec, ResourceRecipe, Scenario
from assay.domain.state_change import filled_path
from assay.domain.target import SAFE_METHODS, Target
from assay.spec import naming

VANISHED = frozenset({404, 410})
MAX_MADE = 3  # objects made only to be watched: a target that keeps resetting gets no more


class ResetWatch:
    """The sentinel object, and which operations a check after their group has cleared."""

    def __init__(self, api: ApiModel | None, creates: Iterable[str]) -> None:
        self._api = api
        self._creates = frozenset(creates)
        self._cleared: set[str] = set()
        self.sentinel: RecordedRequest | None = None
        self.made = 0  # sentinels assay created for itself (at most MAX_MADE per run)

    def suspects(self, group: Sequence[Scenario]) -> set[str]:
        """The group's operations that could have reset the application and were never cleared."""
        if self._api is None:
            return set()
        keys = {a.request.operation for s in group if not resets_state(s) for a in s.actions}
        ops = [self._api.operation(k) for k in keys - self._cleared]
        return {op.key for op in ops if op is not None and may_reset(op, self._api, self._creates)}

    def sentinel_recipe(self, recipes: Sequence[ResourceRecipe]) -> tuple[ResourceRecipe, RequestSpec] | None:
        """A recipe with no prerequisite whose object can be read back, and the read (by ``${name.id}``)."""
        if self._api is None:
            return None
        for recipe in recipes:
            create = recipe.action.request
            if recipe.requires or create.path_params:
                continue
            for path in naming.item_paths(self._api, create.path):
                read = self._api.operation(f"GET {path}")
                names = naming.param_names(path)
                if read is not None and len(names) == 1:
                    spec = RequestSpec(
                        read.key, "GET", path, {names[0]: f"${{{recipe.name}.id}}"}, intent="setup"
                    )
                    return recipe, spec
        return None

    def clear(self, keys: Iterable[str]) -> None:
        self._cleared.update(keys)

    def adopt(self, scenario: Scenario, exchanges: Sequence[Exchange], target: Target) -> None:
        """Take a read-only scenario's successful read of an object assay created as the sentinel."""
        if self.sentinel is not None or not scenario.fixtures:
            return
        if any(a.request.method.upper() not in SAFE_METHODS for a in scenario.actions):
            return
        for exchange in exchanges:
            ok = exchange.status is not None and 200 <= exchange.status < 300
            path = filled_path(exchange.path_template or "", exchange.request.url)
            if ok and exchange.request.method.upper() == "GET" and path and target.ledger.owns(path):
                self.sentinel = exchange.request
                return

    async def vanished(self, transport: HttpTransport) -> bool:
        """Read the sentinel again: True when it answers 404/410 (the object is gone)."""
        if self.sentinel is None:
            return False
        try:
            response = await transport.send(self.sentinel, timeout=10.0)
        except (TargetError, SafetyError):
            return False
        return response.status in VANISHED


def inconclusive(runs: Sequence[ScenarioRun], why: str, statuses: frozenset[str]) -> list[ScenarioRun]:
    """Runs (of the given statuses) that ran beside or after a reset become skipped, with the reason."""
    return [replace(r, status="skipped", blocked_by=why) if r.status in statuses else r for r in runs]


RAN = frozenset({"passed", "failed", "error"})
FAILED = frozenset({"failed", "error"})
