"""A static credential header (``--header "Authorization: token …"``), end to end through the CLI.

The target (tests/apps/token_api.py) answers 401 to any call without ``Authorization: token
<TOKEN>`` and its spec declares no security, as Jupyter Server does. With ``--header`` the
scenarios must pass as that identity (not 401), the anonymous ones must arrive without the header,
the token must be in no output file, and the one read that forgets the check must be a
missing_authentication finding; its healthy twin must give none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.apps.token_api import HEADER, TOKEN, create_app

from assay.demo.server import serve_in_thread
from assay.domain.json import JsonObject, as_list, as_object, as_str

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Run:
    out: Path
    findings: list[JsonObject]
    received: list[tuple[str, str, str | None]]
    console: str


def _run(tmp: Path, *, healthy: bool) -> Run:
    app, recorder = create_app(healthy=healthy)
    server = serve_in_thread(app, log_level="critical")
    out = tmp / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable, "-m", "assay", "run", server.base_url, "--spec", server.base_url + "/openapi.json",
        "--header", HEADER, "--budget", "40", "--out", str(out),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    finally:
        server.stop()
    doc = as_object(json.loads((out / "findings.json").read_text()))
    findings = [as_object(f) for f in as_list(doc.get("findings"))]
    return Run(out, findings, recorder.snapshot(), done.stdout + done.stderr)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("token-faulty"), healthy=False)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("token-healthy"), healthy=True)


def test_the_scenarios_run_as_the_header_identity(faulty: Run) -> None:
    with_token = [r for r in faulty.received if r[2] == f"token {TOKEN}" and r[1] == "/api/me"]
    assert with_token, f"the header never reached the server: {faulty.console[-2000:]}"
    # The scenarios' verdicts: none failed for want of credentials (on main every protected
    # operation answered 401 and most scenarios failed).
    junit = ET.parse(faulty.out / "junit.xml")
    cases = [c for c in junit.iter("testcase") if c.get("name", "").startswith("SC-")]
    failures = [ET.tostring(c, encoding="unicode") for c in cases if c.find("failure") is not None]
    assert len(cases) >= 10 and len(failures) <= 2, failures
    assert not [f for f in failures if "401" in f], failures


def test_anonymous_requests_never_carry_the_header(faulty: Run) -> None:
    anonymous = [r for r in faulty.received if r[2] is None]
    assert any(path == "/api/me" for _, path, _ in anonymous), "no anonymous call was compared"
    assert all(
        auth in (None, f"token {TOKEN}") or TOKEN not in (auth or "") for _, _, auth in faulty.received
    )


def test_the_token_is_in_no_output_file(faulty: Run) -> None:
    texts = {
        p: p.read_text(errors="replace") for p in faulty.out.rglob("*") if p.is_file() and p.suffix != ".png"
    }
    assert any(p.name == "findings.json" for p in texts) and any(p.suffix == ".py" for p in texts)
    leaks = [p for p, text in texts.items() if TOKEN in text]
    assert not leaks, leaks
    assert TOKEN not in faulty.console
    conftest = (faulty.out / "tests" / "conftest.py").read_text()
    assert "ASSAY_API_KEY" in conftest  # the generated suite reads the header's value from there


def test_the_unchecked_read_is_missing_authentication(faulty: Run) -> None:
    missing = [f for f in faulty.findings if f.get("category") == "missing_authentication"]
    assert any("GET /api/contents/{name}" in as_str(f.get("title")) for f in missing), missing
    assert not [f for f in missing if "/api/me" in as_str(f.get("title"))], missing


def test_the_healthy_twin_has_no_missing_authentication(healthy: Run) -> None:
    assert [r for r in healthy.received if r[2] == f"token {TOKEN}"], healthy.console[-2000:]
    missing = [f for f in healthy.findings if f.get("category") == "missing_authentication"]
    assert not missing, missing


def test_a_spec_behind_the_token_is_read_with_the_header(tmp_path: Path) -> None:
    app, recorder = create_app(protected_spec=True)
    server = serve_in_thread(app, log_level="critical")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable, "-m", "assay", "run", server.base_url, "--spec", server.base_url + "/api/spec.json",
        "--header", HEADER, "--budget", "20", "--out", str(out), "--no-execute",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    spec_reads = [auth for method, path, auth in recorder.snapshot() if path == "/api/spec.json"]
    assert spec_reads == [f"token {TOKEN}"]  # read once, with the token
    observation = as_object(json.loads((out / "observation.json").read_text()))
    assert as_object(observation.get("api")).get("title") == "token api"
    assert TOKEN not in (out / "observation.json").read_text()
