"""Rich live progress: one line per agent, fed by the pipeline's event stream."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from assay.domain.events import (
    AGENTS,
    AgentCompleted,
    AgentProgress,
    AgentStarted,
    Event,
    WorkflowCompleted,
    WorkflowFailed,
)

COLUMNS = ("operations", "scenarios", "requests", "findings")


@dataclass
class _Line:
    status: str = "waiting"
    message: str = ""
    progress: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None


class ProgressView:
    """Turns events into a live table; works (without animation) when stdout is not a terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._lines = {agent: _Line() for agent in AGENTS}
        self._live = Live(self._render(), console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> ProgressView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.update(self._render())
        self._live.__exit__(None, None, None)

    def handle(self, event: Event) -> None:
        if isinstance(event, AgentStarted):
            self._lines[event.agent].status = "running"
        elif isinstance(event, AgentProgress):
            line = self._lines[event.agent]
            line.progress, line.message = event.progress, event.message
            line.counters.update(event.counters)
        elif isinstance(event, AgentCompleted):
            line = self._lines[event.agent]
            line.status, line.progress, line.seconds = "done", 1.0, event.duration_seconds
        elif isinstance(event, WorkflowFailed):
            for line in self._lines.values():
                if line.status == "running":
                    line.status = "failed"
        elif isinstance(event, WorkflowCompleted):
            pass
        self._live.update(self._render())

    def _render(self) -> Group:
        table = Table(box=None, pad_edge=False, show_edge=False)
        table.add_column("agent", style="bold")
        table.add_column("status")
        for name in COLUMNS:
            table.add_column(name, justify="right")
        table.add_column("", overflow="fold")
        for agent, line in self._lines.items():
            status = _status_text(line)
            counts = [str(line.counters[c]) if c in line.counters else "" for c in COLUMNS]
            table.add_row(agent, status, *counts, line.message[:60])
        return Group(table)


def _status_text(line: _Line) -> str:
    colour = {"waiting": "dim", "running": "cyan", "done": "green", "failed": "red"}[line.status]
    extra = f" {line.seconds:.1f}s" if line.seconds is not None else f" {line.progress:.0%}"
    return f"[{colour}]{line.status}{extra if line.status != 'waiting' else ''}[/]"
