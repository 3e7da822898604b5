"""`assay run` on an API with documented state resets and rows assay did not create.

Without --destructive: the pre-existing rows are unchanged, no reset is ever called, every PUT and
DELETE the server saw went to an item assay created (and listed in created.json), the resets are
listed as not run with the reason, and two runs give the same findings. With --destructive: the
resets run alone and after everything else, and still no finding comes from them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.apps.reset_api import RESET_PATHS, SEED, Inventory, build_app

from assay.demo.server import RunningServer, serve_in_thread

Findings = set[tuple[str, str, str, str]]


@pytest.fixture
def inventory(tmp_path: Path) -> Iterator[tuple[Inventory, RunningServer]]:
    state = Inventory(tmp_path / "inventory.db")
    state.create_table()
    server = serve_in_thread(build_app(state), log_level="critical")
    try:
        yield state, server
    finally:
        server.stop()


def run_assay(url: str, out: Path, *extra: str, exits: tuple[int, ...] = (0, 1)) -> dict[str, object]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(out), "--budget", "120", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode in exits, proc.stdout + proc.stderr
    doc: dict[str, object] = json.loads((out / "findings.json").read_text())
    return doc


def findings_of(doc: dict[str, object]) -> list[dict[str, str]]:
    found = doc["findings"]
    assert isinstance(found, list)
    return found


def keys(doc: dict[str, object]) -> Findings:
    return {(f["category"], f["method"], f["path"], f["severity"]) for f in findings_of(doc)}


def assert_no_finding_from_a_reset(doc: dict[str, object]) -> None:
    for finding in findings_of(doc):
        assert finding["path"] not in RESET_PATHS, finding
        assert finding["category"] != "server_error", finding  # the app has no fault but the race


def test_without_destructive_nothing_pre_existing_changes_and_no_reset_runs(
    inventory: tuple[Inventory, RunningServer], tmp_path: Path
) -> None:
    state, server = inventory
    before = state.rows()
    first = run_assay(server.base_url, tmp_path / "one")
    assert [r for r in state.rows() if r[0] <= len(SEED)] == before
    assert state.resets() == []
    assert_no_finding_from_a_reset(first)

    created = json.loads((tmp_path / "one" / "created.json").read_text())["created"]
    ours = {c["key"] for c in created if c["kind"] == "object"}
    assert ours and not ours & {str(r[0]) for r in before}
    writes = [s for s in state.served if s.method in {"PUT", "DELETE"} and s.path.startswith("/items/")]
    assert writes, "assay exercised the item writes on its own items"
    assert {w.path.rsplit("/", 1)[1] for w in writes} <= ours

    report = (tmp_path / "one" / "report.md").read_text()
    assert "resets the application's state" in report and "--destructive" in report

    second = run_assay(server.base_url, tmp_path / "two")
    assert keys(second) == keys(first)
    assert state.resets() == [] and [r for r in state.rows() if r[0] <= len(SEED)] == before

    # The generated suite carries the reset tests, skipped unless the user opts in.
    suite = tmp_path / "one" / "tests"
    assert "state_reset" in "".join(p.read_text() for p in suite.glob("test_*.py"))
    env = {**os.environ, "BASE_URL": server.base_url}
    env.pop("ASSAY_ALLOW_RESET", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."]
    proc = subprocess.run(cmd, cwd=suite, capture_output=True, text=True, timeout=300, env=env)
    assert " passed" in proc.stdout and " skipped" in proc.stdout, proc.stdout[-2000:]
    assert state.resets() == []


def test_with_destructive_resets_run_alone_and_last(
    inventory: tuple[Inventory, RunningServer], tmp_path: Path
) -> None:
    state, server = inventory
    doc = run_assay(server.base_url, tmp_path / "out", "--destructive")
    resets = state.resets()
    assert resets, "with --destructive the documented resets are exercised"
    first = state.served.index(resets[0])
    after = state.served[first:]
    assert all(s.path in RESET_PATHS for s in after), "nothing but resets follows the first reset"
    assert all(s.concurrent == 0 for s in after), "each reset runs alone"
    assert_no_finding_from_a_reset(doc)


def test_an_unnamed_reset_is_run_alone_caught_by_its_effect_and_never_called_again(tmp_path: Path) -> None:
    state = Inventory(tmp_path / "inventory.db")
    state.create_table()
    server = serve_in_thread(build_app(state, hidden_reset=True), log_level="critical")
    try:
        # 3: inconclusive. The scenarios that ran beside the unnamed reset could not be judged.
        doc = run_assay(server.base_url, tmp_path / "out", exits=(3,))
    finally:
        server.stop()
    assert doc["inconclusive"] is True
    calls = [s for s in state.served if s.path == "/maintenance"]
    assert len(calls) == 1 and calls[0].concurrent == 0, "run once, alone, then known as a reset"
    assert_no_finding_from_a_reset(doc)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "POST /maintenance reset the application" in report
