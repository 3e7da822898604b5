"""assay on real web apps from PyPI, in real Chromium: Django's admin (signed in) and datasette.

Each run crawls, writes UI scenarios (whose .feature files parse), executes them and emits a
pytest-playwright suite, which then runs standalone against the same healthy app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from gherkin.parser import Parser
from tests.apps.servers import Target, running
from tests.apps.webapps import ADMIN

from assay.adapters.browser.launcher import browser_available
from assay.domain.json import JsonObject, as_list, as_object, as_str

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]


@pytest.fixture(scope="module")
def django_admin() -> Iterator[Target]:
    with running("django-admin") as target:
        yield target


@pytest.fixture(scope="module")
def datasette() -> Iterator[Target]:
    with running("datasette") as target:
        yield target


# The run is bounded by its work (pages, scenarios, requests), not by the clock: a generous time
# budget keeps a busy machine (CI) from cutting the crawl or the UI scenarios short.
BUDGET = "600"


def assay(url: str, out: Path, *extra: str) -> None:
    cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(out), "--depth", "2", "--budget", BUDGET]
    proc = subprocess.run([*cmd, *extra], capture_output=True, text=True, timeout=1800)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr


def load(out: Path, name: str) -> JsonObject:
    doc: JsonObject = json.loads((out / name).read_text())
    return doc


def ui_suite(out: Path, base_url: str, env: dict[str, str]) -> dict[str, str]:
    """Run tests/ui of the generated suite; each test's outcome by name."""
    junit = out / "ui-junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "tests/ui"],
        cwd=out, capture_output=True, text=True, timeout=300, env={**os.environ, **env, "BASE_URL": base_url},
    )  # fmt: skip
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        bad = case.find("failure") is not None or case.find("error") is not None
        outcomes[case.get("name", "")] = "failed" if bad else "skipped" if case.find("skipped") else "passed"
    return outcomes


def check_run(out: Path) -> tuple[list[JsonObject], list[JsonObject]]:
    """The UI runs and the findings, after checking the scenarios and the suite were written."""
    for feature in (out / "scenarios").glob("web-ui*.feature"):
        Parser().parse(feature.read_text())
    assert list((out / "scenarios").glob("web-ui*.feature"))
    assert (out / "tests" / "ui" / "test_ui.py").is_file()
    runs = [as_object(r) for r in as_list(as_object(load(out, "analysis.json")["analysis"])["runs"])]
    findings = [as_object(f) for f in as_list(load(out, "findings.json")["findings"])]
    ui_runs = [r for r in runs if as_str(r["scenario_id"]).startswith("SC-UI-")]
    assert sum(1 for r in ui_runs if r["status"] == "passed") >= 5
    return ui_runs, findings


def test_django_admin_signed_in_crawl_scenarios_and_a_passing_suite(
    django_admin: Target, tmp_path: Path
) -> None:
    assay(django_admin.base_url + "/admin/", tmp_path, "--login", f"{ADMIN[0]}:{ADMIN[1]}")
    observation = load(tmp_path, "observation.json")
    login = observation["login"]
    # Signed in through the password form alone: no second factor on a plain Django admin.
    assert login == {"signed_in": True, "path": "/admin/login/?next=/admin/", "second_factor": ""}
    paths = {as_str(as_object(p)["path"]) for p in as_list(observation["pages"])}
    assert {"/admin/", "/admin/catalog/product/", "/admin/catalog/product/add/"} <= paths
    _, findings = check_run(tmp_path)
    # A healthy admin: nothing to report but what every answer of the test server says of itself
    # (`Server: WSGIServer/0.2 CPython/3.11.7`, Django's development server): one low banner.
    # And advice: Django sends X-Frame-Options and nosniff but no Content-Security-Policy (info).
    rest = [f for f in findings if (f["category"], f["severity"]) != ("information_disclosure", "low")]
    rest = [f for f in rest if (f["category"], f["severity"]) != ("security_headers", "info")]
    assert rest == [], rest
    banners = [f for f in findings if f["category"] == "information_disclosure"]
    assert all("server software" in str(f["title"]) for f in banners), findings
    env = {"ASSAY_USERNAME": ADMIN[0], "ASSAY_PASSWORD": ADMIN[1]}
    outcomes = ui_suite(tmp_path, django_admin.base_url, env)
    assert outcomes and "failed" not in outcomes.values(), outcomes
    assert sum(1 for s in outcomes.values() if s == "passed") >= 5


def test_datasette_crawl_scenarios_and_a_suite_failing_only_on_real_findings(
    datasette: Target, tmp_path: Path
) -> None:
    assay(datasette.base_url + "/", tmp_path)
    _, findings = check_run(tmp_path)
    # Real: datasette 0.65's SQL editor <textarea> and its filter <select>s/<input> carry no label,
    # aria-label or title, so a screen reader announces them without a name. Also real: its pages
    # carry no X-Frame-Options, nosniff or Content-Security-Policy (one low finding for the site).
    assert {(f["category"], f["path"]) for f in findings} <= {
        ("ui_accessibility", "/plans"),
        ("ui_accessibility", "/plans/plans"),
        ("security_headers", "/"),
    }
    outcomes = ui_suite(tmp_path, datasette.base_url, {})
    failed = {name for name, state in outcomes.items() if state == "failed"}
    assert all("has_an_accessible_name" in name for name in failed), failed
    assert len(failed) == len([f for f in findings if str(f["category"]).startswith("ui_")])
    assert sum(1 for s in outcomes.values() if s == "passed") >= 5
