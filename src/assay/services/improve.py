"""POST /improve-tests: re-run test cases' scenarios, regenerate, keep a change only if it passes.

One iteration re-executes the scenarios behind the given test cases against the target
(Analysis, real-time execution on) and regenerates their tests (Evolution). A regenerated test
replaces the stored one only when its scenario passed against the target, so a change that
breaks on healthy behaviour is never kept. Iterations stop at ``max_iterations`` or as soon as
one changes nothing (the agents are deterministic, so a repeat would change nothing either).
What changed per test case is listed in ``evolution_result.notes``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from assay.domain.clock import now_iso
from assay.domain.errors import MissingInput, NotFound, UsageError
from assay.domain.evolution import EvolutionResult
from assay.domain.json import JsonObject
from assay.domain.ports import CancelToken
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.domain.workflow import StoredTestCase, WorkflowRecord
from assay.services.job import Outcome, WorkflowJob
from assay.services.workflows import StartRequest, WorkflowService


@dataclasses.dataclass
class ImproveJob(WorkflowJob):
    cases: tuple[StoredTestCase, ...] = ()
    max_iterations: int = 5
    notes: list[str] = dataclasses.field(default_factory=list)

    async def _drive(self, cancel: CancelToken) -> Outcome:
        outcome: Outcome = ("completed", None)
        for iteration in range(1, self.max_iterations + 1):
            outcome = await super()._drive(cancel)
            if outcome[0] != "completed" or cancel.cancelled:
                return outcome
            changed = await asyncio.to_thread(self._apply, iteration)
            if not changed:
                break
        return outcome

    def _apply(self, iteration: int) -> int:
        """Store regenerated tests whose scenario passed; how many changed."""
        passed = {
            r.scenario_id
            for r in (self.run.analysis.runs if self.run.analysis else ())
            if r.status == "passed"
        }
        fresh = {c.scenario_id: c for c in (self.run.evolution.test_cases if self.run.evolution else ())}
        changed, kept = 0, []
        for index, stored in enumerate(self.cases):
            new = fresh.get(stored.case.scenario_id)
            status = "passed" if stored.case.scenario_id in passed else "failed"
            result: JsonObject = {
                "status": status,
                "checked_at": now_iso(),
                "detail": f"iteration {iteration}",
            }
            case = stored.case
            if new is not None and status == "passed" and new.code != case.code:
                case = dataclasses.replace(case, code=new.code, finding_ids=new.finding_ids)
                changed += 1
                self.notes.append(f"test case {stored.id}: regenerated in iteration {iteration}; passes")
            elif new is not None and new.code != case.code:
                self.notes.append(
                    f"test case {stored.id}: change rejected in iteration {iteration}; scenario failed"
                )
            self.deps.store.update_test_case(stored.id, case, result)
            kept.append(case)
            self.cases = (
                *self.cases[:index],
                dataclasses.replace(stored, case=case),
                *self.cases[index + 1 :],
            )
        self.run.evolution = EvolutionResult(tuple(kept), notes=tuple(self.notes))
        return changed

    def _save_outputs(self) -> None:
        if self.run.evolution is None or not self.notes:
            cases = tuple(c.case for c in self.cases)
            self.run.evolution = EvolutionResult(cases, notes=tuple(self.notes) or ("nothing to improve",))
        self.deps.store.save_run(self.record.id, self._redacted_run())


async def start_improvement(
    svc: WorkflowService,
    case_ids: Sequence[int],
    instruction: str | None,
    max_iterations: int,
    caller: str | None = None,
) -> WorkflowRecord:
    """Start an improvement workflow over ``case_ids`` (all must exist and be ``caller``'s, all of
    one target)."""
    cases, run = await asyncio.to_thread(_load, svc, case_ids, caller)
    if run.target:
        await asyncio.to_thread(svc.policy.check, run.target)
    target = Target(base_url=run.target, instruction=instruction)
    request = StartRequest(kind="improve-tests", instruction=instruction, owner=caller)
    record = svc.new_record(request, target)
    job = ImproveJob(record, target, run, svc.deps, cases=cases, max_iterations=max_iterations)
    return await svc.launch(job)


def _load(
    svc: WorkflowService, case_ids: Sequence[int], caller: str | None
) -> tuple[tuple[StoredTestCase, ...], RunResult]:
    found = {i: _own_case(svc, i, caller) for i in dict.fromkeys(case_ids)}
    missing = [i for i, c in found.items() if c is None]
    if missing:
        raise NotFound(f"No test case(s) {missing}; ids come from a workflow's results.")
    cases = tuple(c for c in found.values() if c is not None)
    runs = {c.workflow_id: svc.store.load_run(c.workflow_id) for c in cases}
    if len({r.target for r in runs.values() if r is not None}) != 1:
        raise UsageError("Improve test cases of one target at a time.")
    source = next(r for r in runs.values() if r is not None)
    if source.observation is None or source.requirements is None:
        raise MissingInput("These test cases' workflow has no observation or requirements to re-run.")
    wanted = {c.case.scenario_id for c in cases}
    scenarios = tuple(s for s in source.requirements.scenarios if s.id in wanted)
    requirements = dataclasses.replace(source.requirements, scenarios=scenarios)
    run = RunResult(target=source.target, started_at=now_iso(), observation=source.observation)
    run.requirements, run.findings = requirements, []
    return cases, run


def _own_case(svc: WorkflowService, case_id: int, caller: str | None) -> StoredTestCase | None:
    try:
        return svc.test_case(case_id, caller)
    except NotFound:
        return None
