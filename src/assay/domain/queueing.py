"""Distributed mode, the pure part: what a queued workflow's message holds, and the timings.

A message names the workflow and carries what the store does not keep (the target with its
credentials, the secret values to redact); everything else the worker reads from the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assay.domain.codec import from_json, to_json
from assay.domain.json import JsonObject
from assay.domain.target import Target

# A workflow's stages each get the target's budget at most, plus slack for crawling, planning and
# writing results: the ceiling of one workflow's run. The broker must not hand a message to a
# second worker while the first may still be running it, so its visibility timeout is twice that.
WORKFLOW_CEILING_FACTOR = 10.0
WORKFLOW_CEILING_SLACK_SECONDS = 300.0


def workflow_ceiling(budget_seconds: float) -> float:
    """How long one workflow may run at most, for a target budget of ``budget_seconds``."""
    return WORKFLOW_CEILING_FACTOR * budget_seconds + WORKFLOW_CEILING_SLACK_SECONDS


def visibility_timeout(budget_seconds: float, configured: float = 0.0) -> float:
    """The broker's visibility timeout: ``configured`` when given, else twice the ceiling."""
    return configured if configured > 0 else 2 * workflow_ceiling(budget_seconds)


def lease_seconds(visibility: float) -> float:
    """How long a worker's claim on a workflow lives without renewal: a redelivered copy waits for
    it to lapse, so a live worker is never doubled and a dead one is taken over soon."""
    return max(1.0, min(30.0, visibility / 3))


@dataclass(frozen=True)
class QueuedWorkflow:
    """The message of one queued workflow."""

    workflow_id: str
    target: Target
    secrets: tuple[str, ...] = ()
    realtime_execution: bool = True
    # improve-tests: the stored test cases it improves, and its iteration bound (() otherwise).
    improve_cases: tuple[int, ...] = ()
    max_iterations: int = 5

    def encode(self) -> JsonObject:
        data = to_json(self)
        assert isinstance(data, dict)
        return data

    @classmethod
    def decode(cls, data: JsonObject) -> QueuedWorkflow:
        return from_json(cls, data)


@runtime_checkable
class Queueable(Protocol):
    """A job that can be sent to another process as a message (``services.job.WorkflowJob``)."""

    def message(self) -> QueuedWorkflow: ...
