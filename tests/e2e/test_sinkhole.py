"""A whole `assay run` (API and browser) with every proxy variable pointing at a logging sinkhole
on loopback: nothing may reach it, neither from assay, nor from its Chromium's own services, nor
from the generated UI suite run the same way. (Chromium never proxies loopback, so what would
reach the sinkhole is exactly the traffic meant for other hosts.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.apps.servers import running
from tests.apps.sinkhole import Sinkhole, sinkhole

from assay.adapters.browser.launcher import browser_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def _proxied_env(proxy: Sinkhole, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    for name in PROXY_VARS:
        env[name] = env[name.lower()] = proxy.url
    return {**env, "NO_COLOR": "1", "COLUMNS": "200", **extra}


def test_a_whole_run_and_its_ui_suite_never_reach_the_proxy(tmp_path: Path) -> None:
    with sinkhole() as proxy, running("demo") as target:
        cmd = [sys.executable, "-m", "assay", "run", target.base_url, "--out", str(tmp_path)]
        proc = subprocess.run(
            [*cmd, "--budget", "60", "--depth", "3"],
            capture_output=True, text=True, timeout=400, env=_proxied_env(proxy),
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr
        after_run = proxy.connections
        suite = tmp_path / "tests" / "ui"
        junit = tmp_path / "ui-junit.xml"
        pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        subprocess.run(
            [*pytest_cmd, str(suite)],
            cwd=tmp_path, capture_output=True, text=True, timeout=400,
            env=_proxied_env(proxy, BASE_URL=target.base_url),
        )  # fmt: skip
        after_suite = proxy.connections
    assert after_run == [], after_run
    # The browser was really used: pages were crawled and a UI suite was written and run.
    observation = json.loads((tmp_path / "observation.json").read_text())
    assert len(observation["pages"]) >= 2
    assert "_contained(browser" in (suite / "conftest.py").read_text()
    cases = list(ET.parse(junit).iter("testcase"))
    assert len(cases) >= 3
    assert after_suite == [], after_suite
