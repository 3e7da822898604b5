"""The progress callback every agent accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from assay.domain.events import ScenarioExecuted

# (fraction 0-1 within the agent, message, counters such as {"operations": 12, "requests": 30})
ProgressFn: TypeAlias = Callable[[float, str, dict[str, int]], None]
# Told once per scenario the analysis ran or skipped; the pipeline streams it as it comes.
ScenarioFn: TypeAlias = Callable[[ScenarioExecuted], None]


def report(progress: ProgressFn | None, fraction: float, message: str, **counters: int) -> None:
    """Call ``progress`` when there is one, with the fraction clamped to 0-1."""
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message, dict(counters))
