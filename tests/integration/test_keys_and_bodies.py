"""`assay run` on an API with versioned paths, natural keys and a spec that marks nothing required.

Real APIs (issue 10, §2) name objects by ``{username}`` or ``{ref}`` under ``/…/v2/``, answer a
create with 201 and no body, and need fields their spec calls optional. Before the fix every
lifecycle waited for a fixture of the resource "v2" and every transfer answered 500, reported as
a critical server error. Now the resources are "user" and "order", the fixture yields the key it
sent, and the body learns ``amount`` and ``recipient`` from the answers (and says so in report.md).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.apps.keys_api import KeysState, build_keys_app
from tests.apps.servers import WSGIServerThread

pytestmark = pytest.mark.integration
Run = tuple[KeysState, dict[str, object], dict[str, object], str]


def _run(tmp_path: Path, *, healthy: bool) -> Run:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    state = KeysState()
    server = WSGIServerThread(build_keys_app(state, healthy=healthy))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "assay", "run", server.base_url, "--out", str(tmp_path), "--budget", "60"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    finally:
        server.stop()
    assert (tmp_path / "findings.json").is_file(), proc.stdout + proc.stderr
    findings = json.loads((tmp_path / "findings.json").read_text())
    analysis = json.loads((tmp_path / "analysis.json").read_text())["analysis"]
    return state, findings, analysis, (tmp_path / "report.md").read_text()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield _run(tmp_path_factory.mktemp("keys"), healthy=False)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield _run(tmp_path_factory.mktemp("keys-healthy"), healthy=True)


def _runs(analysis: dict[str, object]) -> list[dict[str, object]]:
    runs = analysis["runs"]
    assert isinstance(runs, list)
    return runs


def test_no_scenario_waits_for_a_fixture(faulty: Run) -> None:
    blocked = [r for r in _runs(faulty[2]) if "fixture" in str(r.get("blocked_by") or "")]
    assert blocked == []


def test_lifecycles_run_on_natural_keys(faulty: Run) -> None:
    state, _, _, report = faulty
    assert "A user can be created, read, updated and deleted" in report
    assert "An order can be created, read, updated and deleted" in report
    assert "v2 can be" not in report
    writes = {(m, p.split("/")[1], s) for m, p, s in state.served if m in {"PUT", "DELETE"}}
    # The items assay wrote to were its own (a 200/204, not a 404 on a made-up key).
    assert ("PUT", "users", 200) in writes and ("DELETE", "users", 204) in writes
    assert ("PUT", "orders", 200) in writes and ("DELETE", "orders", 204) in writes


def test_a_body_the_server_needed_more_of_is_not_a_server_error(faulty: Run) -> None:
    state, findings, _, report = faulty
    found = findings["findings"]
    assert isinstance(found, list)
    assert not [f for f in found if f["category"] == "server_error" and f["path"] == "/transfers"], found
    assert state.transfers, "a transfer went through once the body had what the server needs"
    learned = [line for line in report.splitlines() if "POST /transfers" in line and "learned" in line]
    assert learned and "amount" in learned[0] and "recipient" in learned[0], report


def test_the_healthy_twin_learns_from_validation_errors_too(healthy: Run) -> None:
    state, findings, _, report = healthy
    found = findings["findings"]
    assert isinstance(found, list)
    assert not [f for f in found if f["category"] == "server_error"], found
    assert state.transfers
    assert any("POST /transfers" in line and "learned" in line for line in report.splitlines())


def test_an_update_never_moves_the_object_it_then_reads(faulty: Run) -> None:
    # The lost-update probe leaves the field the path addresses the object by ({username}, {ref})
    # alone: changing it moves the object, and a read at the old address is no lost update.
    _, findings, _, _ = faulty
    found = findings["findings"]
    assert isinstance(found, list)
    lost = [f for f in found if isinstance(f, dict) and f.get("category") == "lost_update"]
    assert lost == [], lost
