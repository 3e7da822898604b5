"""POST /improve-tests: re-run test cases' scenarios, regenerate, keep a change only if it passes.

One iteration re-executes the scenarios behind the given test cases against the target
(Analysis, real-time execution on) and regenerates their tests (Evolution). A regenerated test
replaces the stored one only when its scenario passed against the target, so a change that
breaks on healthy behaviour is never kept. Iterations stop at ``max_iterations`` or as soon as
one changes nothing (the agents are deterministic, so a repeat would change nothing either).
With a language model configured, the model then suggests assertions per test case, and one is
kept only if the improved test passes against the target twice (``services.strengthen``).
What changed per test case is listed in ``evolution_result.notes``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence

from assay.agents.evolution.suggestions import replaced_in_module
from assay.agents.model_session import AiTier
from assay.domain.clock import now_iso
from assay.domain.errors import MissingInput, NotFound, UsageError
from assay.domain.evolution import EvolutionResult, TestCase
from assay.domain.json import JsonObject
from assay.domain.language_model import ModelUse
from assay.domain.ports import CancelToken
from assay.domain.queueing import QueuedWorkflow
from assay.domain.run import RunResult
from assay.domain.suite_run import SuiteRunner
from assay.domain.target import Target
from assay.domain.workflow import StoredTestCase, WorkflowRecord
from assay.services.job import Outcome, WorkflowJob
from assay.services.strengthen import base_code, strengthen
from assay.services.workflows import StartRequest, WorkflowService


@dataclasses.dataclass
class ImproveJob(WorkflowJob):
    cases: tuple[StoredTestCase, ...] = ()
    max_iterations: int = 5
    notes: list[str] = dataclasses.field(default_factory=list)
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # the last regenerated suite
    passed: set[str] = dataclasses.field(default_factory=set)  # scenarios that passed in it
    uses: list[ModelUse] = dataclasses.field(default_factory=list)  # each iteration's, then ours

    def message(self) -> QueuedWorkflow:
        """The queue's message: a worker rebuilds this job, cases and bound included."""
        return dataclasses.replace(
            super().message(),
            improve_cases=tuple(c.id for c in self.cases),
            max_iterations=self.max_iterations,
        )

    async def _drive(self, cancel: CancelToken) -> Outcome:
        outcome: Outcome = ("completed", None)
        for iteration in range(1, self.max_iterations + 1):
            outcome = await super()._drive(cancel)
            self.stages = None  # a resumed job's first iteration ran the rest; later ones run all
            if self.run.model_use is not None:
                self.uses.append(self.run.model_use)
            if outcome[0] != "completed" or cancel.cancelled:
                return outcome
            changed = await asyncio.to_thread(self._apply, iteration)
            if not changed:
                break
        if self.deps.ai is not None and self.deps.suite_runner is not None:
            await self._strengthen(self.deps.ai, self.deps.suite_runner)
        return outcome

    async def _strengthen(self, ai: AiTier, runner: SuiteRunner) -> None:
        """The model's assertion suggestions, each kept only if its test passes twice."""
        session = ai.session(self.run.secrets)
        self.uses.append(session.use)
        done = await strengthen(
            session, runner, self.cases, self.files, self.run.exchanges, self.passed, self.target.base_url
        )
        self.notes.extend(done.notes)
        for index, stored in enumerate(self.cases):
            code = done.code.get(stored.id)
            if code is None:
                continue
            case = dataclasses.replace(stored.case, code=code)
            self.files[case.file] = replaced_in_module(self.files[case.file], stored.case.code, code)
            result: JsonObject = {"status": "passed", "checked_at": now_iso(), "detail": "suggestions"}
            await asyncio.to_thread(self.deps.store.update_test_case, stored.id, case, result)
            self.cases = (
                *self.cases[:index],
                dataclasses.replace(stored, case=case),
                *self.cases[index + 1 :],
            )
        self.run.evolution = EvolutionResult(
            tuple(c.case for c in self.cases), files=dict(self.files), notes=tuple(self.notes)
        )

    def _apply(self, iteration: int) -> int:
        """Store regenerated tests whose scenario passed; how many changed."""
        passed = {
            r.scenario_id
            for r in (self.run.analysis.runs if self.run.analysis else ())
            if r.status == "passed"
        }
        fresh = {c.scenario_id: c for c in (self.run.evolution.test_cases if self.run.evolution else ())}
        self.files = dict(self.run.evolution.files) if self.run.evolution else {}
        self.passed = passed
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
            # An earlier improvement's suggested asserts are not the generator's: compare without
            # them, and carry them over onto a regenerated test.
            base = base_code(case.code)
            if new is not None and status == "passed" and new.code.rstrip("\n") != base.rstrip("\n"):
                carried = case.code[len(base) :]
                code = new.code.rstrip("\n") + "\n" + carried if carried else new.code
                case = dataclasses.replace(case, code=code, finding_ids=new.finding_ids)
                changed += 1
                self.notes.append(f"test case {stored.id}: regenerated in iteration {iteration}; passes")
            elif new is not None and new.code.rstrip("\n") != base.rstrip("\n"):
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
        self.files = {
            name: _with_codes(content, fresh.values(), self.cases) for name, content in self.files.items()
        }
        self.run.evolution = EvolutionResult(tuple(kept), files=dict(self.files), notes=tuple(self.notes))
        return changed

    def _save_outputs(self) -> None:
        self.run.model_use = merged(self.uses)
        if self.run.evolution is None or not self.notes:
            cases = tuple(c.case for c in self.cases)
            self.run.evolution = EvolutionResult(cases, notes=tuple(self.notes) or ("nothing to improve",))
        self.deps.store.save_run(self.record.id, self._redacted_run())


def _with_codes(content: str, fresh: Iterable[TestCase], cases: Sequence[StoredTestCase]) -> str:
    """A regenerated module with each improved test's kept code in place of the fresh one."""
    kept = {c.case.scenario_id: c.case.code for c in cases}
    for case in fresh:
        code = kept.get(case.scenario_id)
        if code is not None:
            content = replaced_in_module(content, case.code, code)
    return content


def merged(uses: Sequence[ModelUse]) -> ModelUse | None:
    """One record of the model's use over the job's iterations and its suggestions."""
    if not uses:
        return None
    total = ModelUse(uses[0].name)
    for use in uses:
        total.calls += use.calls
        total.tokens += use.tokens
        total.sent.extend(use.sent)
        total.notes.extend(n for n in use.notes if n not in total.notes)
    return total


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
