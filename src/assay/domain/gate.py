"""Which findings fail a run (``--fail-on``): the exit code's rule, apart from the CLI.

A finding counts when it is proven (a flaky one never does, FINDINGS.md), as severe as the
threshold or more, and, with a baseline, new: a CI gate with a baseline fails on what a change
introduced, not on what was already known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from assay.domain.baseline import Comparison
from assay.domain.findings import SEVERITY_ORDER, Finding

FailOn = Literal["critical", "high", "medium", "low", "info", "none"]
FAIL_ON_CHOICES: tuple[str, ...] = get_args(FailOn)
DEFAULT_FAIL_ON: FailOn = "high"  # README's exit-code table: high or critical fails


def failing(
    findings: Sequence[Finding], threshold: FailOn, baseline: Comparison | None = None
) -> list[Finding]:
    """The findings that make the run fail at ``threshold`` ("none": never any)."""
    if threshold == "none":
        return []
    floor = SEVERITY_ORDER[threshold]
    counted = baseline.new(findings) if baseline is not None else list(findings)
    return [f for f in counted if not (f.flaky or f.proof == "flaky") and SEVERITY_ORDER[f.severity] >= floor]
