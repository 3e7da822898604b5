"""Typed events yielded by the pipeline; CLI, SSE, store and report all consume this one stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AgentName = Literal["observation", "requirements", "analysis", "evolution"]
AGENTS: tuple[AgentName, ...] = ("observation", "requirements", "analysis", "evolution")


@dataclass(frozen=True)
class AgentStarted:
    agent: AgentName
    timestamp: str


@dataclass(frozen=True)
class AgentProgress:
    agent: AgentName
    progress: float  # 0-1 within the agent
    message: str
    counters: dict[str, int] = field(default_factory=dict)  # operations, scenarios, requests, findings


@dataclass(frozen=True)
class AgentCompleted:
    agent: AgentName
    timestamp: str
    duration_seconds: float
    elements_found: int | None = None
    scenarios_generated: int | None = None
    scenarios_executed: int | None = None
    tests_generated: int | None = None


@dataclass(frozen=True)
class ScenarioExecuted:
    """One scenario of the analysis finished (or was skipped): one event per scenario.

    Findings are not named here: they are judged from all the recorded traffic after every
    scenario has run, so none exists yet when a scenario ends.
    """

    scenario_id: str
    name: str
    kind: Literal["api", "ui"]
    status: str  # passed, failed, error, blocked, skipped (RunStatus)
    duration_seconds: float
    passed_steps: int
    total_steps: int


@dataclass(frozen=True)
class WorkflowCompleted:
    timestamp: str
    kind: Literal["workflow_completed"] = "workflow_completed"


@dataclass(frozen=True)
class WorkflowFailed:
    timestamp: str
    error: str


Event = AgentStarted | AgentProgress | AgentCompleted | ScenarioExecuted | WorkflowCompleted | WorkflowFailed
