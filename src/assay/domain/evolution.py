"""Generated test code: the Evolution agent's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Framework = Literal["pytest-httpx", "pytest-playwright"]


@dataclass(frozen=True)
class TestCase:
    scenario_id: str
    name: str  # the pytest function name
    file: str  # relative to the suite root, e.g. "test_items.py"
    framework: Framework
    code: str  # the function's source
    finding_ids: tuple[str, ...] = ()  # findings this test fails on while the fault is there
    id: int | None = None  # given by the store


@dataclass(frozen=True)
class EvolutionResult:
    test_cases: tuple[TestCase, ...]
    files: dict[str, str] = field(default_factory=dict)  # path in suite -> full file content
    notes: tuple[str, ...] = ()
