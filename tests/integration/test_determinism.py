"""Determinism: the same command against a freshly started target gives the same findings.

Two real third-party apps (httpbin and todolist-fastapi, tests/apps/servers.py), each started
afresh for each of two runs: the runs must agree on every proven finding's (category, method,
path, severity, title) and its evidence, modulo what assay generates (unique tokens, times, ids,
the server's port); see assay.report.determinism. Timing-dependent and flaky findings say so in
their proof and are compared apart.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rich.console import Console
from tests.apps.servers import running

from assay.cli.run import run_and_write
from assay.domain.json import JsonObject, as_list, as_object
from assay.domain.target import Target
from assay.report.determinism import compare_runs

pytestmark = pytest.mark.integration


def _run_fresh(app: str, out: Path) -> JsonObject:
    with running(app) as served:
        target = Target(base_url=served.base_url, spec_location=served.spec_url, budget_seconds=300)
        with open(out.with_suffix(".log"), "w") as log:
            asyncio.run(run_and_write(target, out, execute=True, console=Console(file=log)))
    return as_object(json.loads((out / "findings.json").read_text()))


@pytest.mark.parametrize("app", ["httpbin", "todolist-fastapi"])
def test_two_runs_on_a_fresh_target_agree(app: str, tmp_path: Path) -> None:
    first = _run_fresh(app, tmp_path / "first")
    second = _run_fresh(app, tmp_path / "second")
    assert as_list(first["findings"]), "each app has real faults of its own"
    diff = compare_runs(first, second)
    assert diff.same, diff.describe()
    for document in (first, second):
        for item in as_list(document["findings"]):
            finding = as_object(item)
            assert finding["proof"] in {"reproduced", "differential", "canary", "timing", "flaky"}
            assert isinstance(finding["identity"], str) and finding["identity"]
