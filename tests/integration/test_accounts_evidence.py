"""Issue 10 §2 on a real server: evidence in every response, BOLA through a path username, mass
assignment on registration; the healthy twin (every fault fixed) must give none of them.

One whole ``assay run`` per twin, signed in as a staff user and a customer (assay registers the
users it changes: only its own accounts are written to).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.apps.accounts_api import SEED, build_accounts_app
from tests.apps.trust_apps import serving

pytestmark = pytest.mark.integration

Findings = list[dict[str, object]]
# The customer first (the run's primary identity), then admin=root:...: staff-only doors must
# still be probed, as the staff login.
LOGINS = [f"alice:{SEED['alice'][0]}", f"admin=root:{SEED['root'][0]}"]


def _run(faulty: bool, out: Path) -> Findings:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    with serving(build_accounts_app(faulty)) as url:
        logins = [arg for login in LOGINS for arg in ("--login", login)]
        cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(out), "--budget", "60", *logins]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert (out / "findings.json").is_file(), proc.stderr[-3000:]
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert isinstance(findings, list)
    return findings


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Findings]:
    yield _run(True, tmp_path_factory.mktemp("faulty"))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Findings]:
    yield _run(False, tmp_path_factory.mktemp("healthy"))


def _keys(findings: Findings, category: str) -> set[tuple[object, object]]:
    return {(f["method"], f["path"]) for f in findings if f["category"] == category}


def test_a_trace_in_a_scenario_answer_and_a_banner_on_api_answers(faulty: Findings) -> None:
    disclosure = [f for f in faulty if f["category"] == "information_disclosure"]
    assert ("GET", "/api/stats") in _keys(faulty, "information_disclosure"), disclosure
    banners = [f for f in disclosure if "banners" in json.dumps(f.get("evidence"))]
    assert len(banners) == 1, banners  # one target-wide finding, not one per route
    assert "PHP/7.4.3" in json.dumps(banners[0]["evidence"])


def test_another_users_email_and_password_through_the_path_username(faulty: Findings) -> None:
    bola = _keys(faulty, "broken_object_authorization")
    assert ("PUT", "/api/users/{username}/email") in bola, bola
    assert ("PUT", "/api/users/{username}/password") in bola, bola


def test_another_users_note_by_its_title(faulty: Findings) -> None:
    assert ("GET", "/api/notes/{title}") in _keys(faulty, "broken_object_authorization")


def test_registration_and_an_update_take_privileged_fields(faulty: Findings) -> None:
    mass = _keys(faulty, "mass_assignment")
    assert ("POST", "/api/register") in mass, mass
    assert ("PATCH", "/api/wallets/{wallet_id}") in mass, mass


def test_ssrf_behind_a_staff_only_door_is_probed_as_staff(faulty: Findings) -> None:
    assert ("POST", "/api/admin/fetch") in _keys(faulty, "ssrf"), _keys(faulty, "ssrf")


def test_a_user_promotes_themselves_through_the_role_path(faulty: Findings) -> None:
    bfla = _keys(faulty, "broken_function_authorization")
    assert ("PUT", "/api/users/{username}/role") in bfla, bfla


def test_the_healthy_twin_gives_none_of_them(healthy: Findings) -> None:
    quiet = {"information_disclosure", "broken_object_authorization", "mass_assignment", "ssrf"}
    quiet |= {"broken_function_authorization"}
    noisy = [(f["category"], f["method"], f["path"], f["title"]) for f in healthy if f["category"] in quiet]
    assert noisy == []


def test_correct_403s_for_the_customer_are_not_reported(faulty: Findings, healthy: Findings) -> None:
    for findings in (faulty, healthy):
        assert not [f for f in findings if f["path"] == "/api/admin/users" and f["severity"] != "info"]
