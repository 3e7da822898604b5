"""Running generated tests against the target: the port improve-tests checks a change with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class SuiteRunFailed(Exception):
    """The tests could not be run at all (no pytest, the run timed out): nothing was checked."""


@dataclass(frozen=True)
class CaseOutcome:
    """How one test ended: passed, or the first line of why not."""

    passed: bool
    message: str = ""


class SuiteRunner(Protocol):
    """Runs some tests of a generated suite against ``base_url`` (``assay.adapters.suite_runner``)."""

    def run(
        self, files: Mapping[str, str], tests: Sequence[str], base_url: str, env: Mapping[str, str]
    ) -> dict[str, CaseOutcome]:
        """``tests`` are node ids (``test_notes.py::test_x``); a test missing from the answer did
        not run. Blocks (call it in a thread); raises SuiteRunFailed when nothing could run."""
        ...
