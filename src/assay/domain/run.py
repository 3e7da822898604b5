"""Everything one pipeline run produced, partial when a stage failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.analysis import AnalysisResult
from assay.domain.baseline import Baseline
from assay.domain.evolution import EvolutionResult
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.language_model import ModelUse
from assay.domain.ledger import Ledger
from assay.domain.observation import Observation
from assay.domain.scenarios import RequirementsResult


@dataclass
class RunResult:
    target: str
    started_at: str
    finished_at: str = ""
    observation: Observation | None = None
    requirements: RequirementsResult | None = None
    analysis: AnalysisResult | None = None
    evolution: EvolutionResult | None = None
    findings: list[Finding] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    error: str | None = None
    cancelled: bool = False
    # What the run planned but could not do, one line each (every connection dropped, pages that
    # never settled, a budget exhausted, a stage or family that crashed). Non-empty: the run is
    # inconclusive, and the summary, report and exit code say so.
    incomplete: list[str] = field(default_factory=list)
    secrets: tuple[str, ...] = field(default=(), repr=False)  # values to redact from every output
    # What the run created on the target (the target's own ledger): written so a user can clean up.
    ledger: Ledger = field(default_factory=Ledger, repr=False)
    # An earlier run's findings (``--baseline``): each finding is then marked new or unchanged, and
    # the baseline's absent ones fixed or not retested (report.baseline).
    baseline: Baseline | None = field(default=None, repr=False)
    # The language model's use in this run (None: no model configured, nothing was sent to one).
    model_use: ModelUse | None = field(default=None, repr=False)
