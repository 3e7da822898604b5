"""The Analysis agent's progress: counters for the UI, and one ``ScenarioExecuted`` per scenario."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.progress import ProgressFn, ScenarioFn
from assay.domain.analysis import ScenarioRun
from assay.domain.events import ScenarioExecuted
from assay.domain.scenarios import Scenario, is_ui


class AnalysisProgress:
    """Counts what the UI shows and forwards it, with one ``ScenarioExecuted`` per scenario."""

    def __init__(
        self, fn: ProgressFn | None, scenarios: Sequence[Scenario], on_scenario: ScenarioFn | None = None
    ) -> None:
        self.fn = fn
        self.total = max(len(scenarios), 1)
        self.counters = {"scenarios": 0, "requests": 0, "findings": 0}
        self.on_scenario = on_scenario
        self.scenarios = {s.id: s for s in scenarios}

    def __call__(self, fraction: float, message: str) -> None:
        if self.fn is not None:
            self.fn(round(min(max(fraction, 0.0), 1.0), 3), message, dict(self.counters))

    def scenario_done(self, run: ScenarioRun, requests: int) -> None:
        self.counters["scenarios"] += 1
        self.counters["requests"] = requests
        done = self.counters["scenarios"] / self.total
        self(0.1 + 0.75 * done, f"{run.scenario_id}: {run.status}")
        self.executed(run)

    def executed(self, run: ScenarioRun) -> None:
        """Tell ``on_scenario`` that ``run``'s scenario is done (the reset phase calls only this)."""
        if self.on_scenario is None:
            return
        scenario = self.scenarios.get(run.scenario_id)
        self.on_scenario(
            ScenarioExecuted(
                scenario_id=run.scenario_id,
                name=scenario.title if scenario is not None else "",
                kind="ui" if scenario is not None and is_ui(scenario) else "api",
                status=run.status,
                duration_seconds=run.duration_seconds,
                passed_steps=run.passed_steps,
                total_steps=run.total_steps,
            )
        )
