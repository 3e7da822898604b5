"""A forged-token finding gets a generated test that fails on the faulty server and passes on
its healthy twin (issue 10: every security finding gets a test that proves the fix)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.apps.login_apps import jwt_app
from tests.integration.test_logins_tokens import serving

pytestmark = pytest.mark.integration


def _suite_outcome(suite: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BASE_URL": base_url}
    for name in ("ASSAY_USERNAME", "ASSAY_PASSWORD", "ASSAY_LOGIN"):
        env.pop(name, None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_security.py"]
    return subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=120)


def test_the_forgery_test_fails_while_alg_none_is_accepted_and_passes_once_fixed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with serving(jwt_app("none")) as faulty:
        command = [sys.executable, "-m", "assay", "run", faulty, "--out", str(out), "--budget", "60"]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
        security = (out / "tests" / "test_security.py").read_text()
        assert "broken_authentication" in security and "forged_headers(" in security, run.stdout
        assert "eyJ" not in security  # nothing forged (or issued) is written into the file
        while_open = _suite_outcome(out / "tests", faulty)
    assert while_open.returncode == 1 and "1 failed" in while_open.stdout, while_open.stdout
    with serving(jwt_app("healthy")) as fixed:
        after_fix = _suite_outcome(out / "tests", fixed)
    assert after_fix.returncode == 0 and "1 passed" in after_fix.stdout, after_fix.stdout
