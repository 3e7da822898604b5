"""The Analysis agent's output, field for field the seed spec's ``analysis_result`` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Priority = Literal["critical", "high", "medium", "low"]
Reliability = Literal["high", "medium", "low"]
RunStatus = Literal["passed", "failed", "error", "blocked", "skipped"]
# Statuses of a scenario that ran (as opposed to blocked or skipped): "executed" in every report.
EXECUTED: frozenset[str] = frozenset({"passed", "failed", "error"})


@dataclass(frozen=True)
class RiskScore:
    scenario_id: str
    severity: int  # 1-10
    occurrence: int  # 1-10
    detection: int  # 1-10 (10 = a failure would go unnoticed)
    rpn: int  # severity * occurrence * detection
    priority: Priority
    rationale: str = ""


@dataclass(frozen=True)
class BusinessValue:
    scenario_id: str
    revenue_impact: float  # 0-1
    user_impact: float  # 0-1
    compliance_impact: float  # 0-1
    total_value: float  # 0-1


@dataclass(frozen=True)
class RoiScore:
    scenario_id: str
    roi: float
    bug_detection_value: float
    test_cost: float


@dataclass(frozen=True)
class ExecutionTime:
    scenario_id: str
    estimated_seconds: float
    category: Literal["fast", "medium", "slow"]


@dataclass(frozen=True)
class ScenarioDependency:
    scenario_id: str
    depends_on: tuple[str, ...]  # fixture/resource names or scenario ids it needs first
    execution_order: int
    can_run_parallel: bool


@dataclass(frozen=True)
class FinalPriority:
    scenario_id: str
    composite_score: float
    rank: int
    priority: Priority
    execution_group: int


@dataclass(frozen=True)
class ExecutionStrategy:
    smoke_tests: tuple[str, ...]
    parallel_groups: tuple[tuple[str, ...], ...]
    estimated_total_time: float
    estimated_parallel_time: float


@dataclass(frozen=True)
class ExecutionSuccess:
    scenario_id: str
    success_rate: float
    passed_steps: int
    total_steps: int
    tier_used: str  # "tier1" for direct HTTP and stored locators, "tier2" healed, "tier3" AI
    reliability: Reliability
    source: Literal["real_time_execution", "execution_results", "historical"] = "real_time_execution"


@dataclass(frozen=True)
class StepResult:
    name: str
    passed: bool
    message: str = ""
    status: int | None = None


@dataclass(frozen=True)
class ScenarioRun:
    """What happened when one scenario was executed against the target."""

    scenario_id: str
    status: RunStatus
    steps: tuple[StepResult, ...] = ()
    duration_seconds: float = 0.0
    blocked_by: str | None = None  # "fixture dataset: POST /datasets answered 500"

    @property
    def passed_steps(self) -> int:
        return sum(1 for s in self.steps if s.passed)

    @property
    def total_steps(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class AnalysisResult:
    risk_scores: tuple[RiskScore, ...]
    business_values: tuple[BusinessValue, ...]
    roi_scores: tuple[RoiScore, ...]
    execution_times: tuple[ExecutionTime, ...]
    dependencies: tuple[ScenarioDependency, ...]
    final_prioritization: tuple[FinalPriority, ...]
    execution_strategy: ExecutionStrategy
    execution_success: tuple[ExecutionSuccess, ...] = ()
    runs: tuple[ScenarioRun, ...] = field(default=())
    requests_sent: int = 0
    budget_exhausted: bool = False
    family_requests: dict[str, int] = field(default_factory=dict)  # security family -> requests sent
    # Security families the time budget stopped: they wanted to send past the deadline (domain.partial).
    families_out_of_time: tuple[str, ...] = ()
    learned_bodies: tuple[str, ...] = ()  # per operation: body fields its server needed beyond the spec
