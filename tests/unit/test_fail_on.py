"""``--fail-on``: which findings fail a run, and the exit code README's table gives."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.unit.sample_run import run_result

from assay.cli.main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exit_code
from assay.domain.baseline import Baseline, BaselineEntry, compare
from assay.domain.findings import Finding
from assay.domain.gate import FAIL_ON_CHOICES, FailOn, failing

THRESHOLDS: tuple[FailOn, ...] = ("critical", "high", "medium", "low", "info", "none")


def at(severity: str, path: str = "/x", **kw: object) -> Finding:
    return Finding("server_error", severity, "GET", path, "t", "d", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("threshold", "fails"),
    [("critical", False), ("high", True), ("medium", True), ("low", True), ("info", True), ("none", False)],
)
def test_a_high_finding_fails_at_high_and_below(threshold: FailOn, fails: bool) -> None:
    assert bool(failing([at("high")], threshold)) is fails


def test_every_threshold_is_a_choice_and_high_is_the_default() -> None:
    assert FAIL_ON_CHOICES == THRESHOLDS
    run = replace(run_result(), findings=[at("high")])
    assert exit_code(run) == EXIT_FINDINGS
    assert exit_code(replace(run, findings=[at("medium")])) == EXIT_OK


def test_info_counts_at_info() -> None:
    assert failing([at("info")], "info") and not failing([at("info")], "low")


def test_flaky_findings_never_fail_a_run() -> None:
    flaky = [at("low", flaky=True), at("low", "/y", proof="flaky")]
    assert failing(flaky, "info") == []


def test_with_a_baseline_only_new_findings_count() -> None:
    known, fresh = at("critical", "/known"), at("medium", "/fresh")
    baseline = Baseline("b.json", (BaselineEntry("server_error", "GET", "/known", "critical"),))
    marked = compare(baseline, [known, fresh], lambda e: True)
    assert failing([known, fresh], "high", marked) == []
    assert failing([known, fresh], "medium", marked) == [fresh]


def test_exit_codes_per_threshold_on_a_run() -> None:
    run = run_result()  # critical, medium, medium, low, info
    codes = {t: exit_code(run, t) for t in THRESHOLDS}
    assert codes == {t: EXIT_OK if t == "none" else EXIT_FINDINGS for t in THRESHOLDS}
    quiet = replace(run, findings=[at("low")])
    assert [exit_code(quiet, t) for t in ("medium", "low")] == [EXIT_OK, EXIT_FINDINGS]
    assert exit_code(replace(run, error="boom", analysis=None), "none") == EXIT_ERROR
