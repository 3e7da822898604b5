"""The report of one execution: runs, exchanges, the ids created, and the resets seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assay.domain.analysis import ScenarioRun
from assay.domain.exchanges import Exchange

RunCallback = Callable[[ScenarioRun], None]


@dataclass
class ExecutionReport:
    runs: list[ScenarioRun] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    requests_sent: int = 0
    budget_exhausted: bool = False
    cancelled: bool = False
    target_failure: str | None = None
    created_ids: set[str] = field(default_factory=set)  # ids our fixtures created (for oracles)
    after_reset: list[Exchange] = field(default_factory=list)  # sent after assay's own reset: not judged
    reset_by: str | None = None  # the operation whose call reset the application, once one did
    resets_by_effect: list[str] = field(default_factory=list)  # unnamed operations seen resetting
    learning: list[Exchange] = field(default_factory=list)  # answers to assay's incomplete bodies: not judged
    learned_bodies: tuple[str, ...] = ()  # per operation: the fields its server needed (BodyLearner.notes)
