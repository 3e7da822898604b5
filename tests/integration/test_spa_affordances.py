"""What a single-page app is for, used and checked (tests/apps/spa_shop.py): every affordance is
found and exercised, each planted bug is a finding, the bug-free twin gives none, no API is
invented from the app's catch-all answers, and the generated Playwright tests replay the faults:
they fail on the flawed app and pass on the twin.

Two flawed apps, because some bugs hide others: a note that is never shown (``create``) hides
whether a blank one is accepted (``required``) or lost on reload (``persist``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.apps.spa_shop import spa_shop

from assay.adapters.browser.launcher import browser_available
from assay.demo.server import serve_in_thread

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]

FIRST = ("search", "filter", "sort", "counter", "stepper", "create", "dialog", "history", "route")
SECOND = ("required", "persist")
# bug -> (page, scenario kind) of the behaviour that must be reported broken
SHOWN_BY = {
    "search": ("/", "ui_search"),
    "filter": ("/", "ui_filter"),
    "sort": ("/", "ui_sort"),
    "counter": ("/", "ui_counter"),
    "dialog": ("/", "ui_dialog"),
    "history": ("/", "ui_history"),
    "stepper": ("/counter", "ui_counter"),
    "create": ("/notes", "ui_create"),
    "required": ("/notes", "ui_validation"),
    "persist": ("/notes", "ui_persistence"),
}


@dataclass
class Run:
    out: Path
    base_url: str
    findings: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]

    def broken(self) -> set[tuple[str, str]]:
        """(page, scenario kind) of every behaviour reported as not holding."""
        found = set()
        for finding in (f for f in self.findings if f["category"] == "ui_functional"):
            evidence = finding["evidence"]
            for behaviour in evidence.get("behaviours") or [evidence]:
                found.add((finding["path"], behaviour["scenario_kind"]))
        return found

    def behaviour_ids(self) -> set[str]:
        ids = set()
        for finding in (f for f in self.findings if f["category"] == "ui_functional"):
            evidence = finding["evidence"]
            ids |= {b["scenario"] for b in evidence.get("behaviours") or [evidence]}
        return ids


def _run(bugs: tuple[str, ...], out: Path) -> Iterator[Run]:
    with serve_in_thread(spa_shop(bugs)) as server:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        cmd = [
            sys.executable,
            "-m",
            "assay",
            "run",
            server.base_url + "/",
            "--out",
            str(out),
            "--budget",
            "120",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        findings = json.loads((out / "findings.json").read_text())["findings"]
        analysis = json.loads((out / "analysis.json").read_text())
        yield Run(out, server.base_url, findings, analysis.get("scenarios", []))


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield from _run(FIRST, tmp_path_factory.mktemp("flawed"))


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield from _run((), tmp_path_factory.mktemp("twin"))


def test_every_planted_bug_is_a_finding(flawed: Run, tmp_path: Path) -> None:
    broken = flawed.broken()
    missing = [bug for bug in FIRST if bug != "route" and SHOWN_BY[bug] not in broken]
    assert missing == [], (broken, flawed.findings)
    links = [f for f in flawed.findings if f["category"] == "ui_broken_link"]
    assert [f["path"] for f in links] == ["/about-us"]  # the About link renders the not-found view
    second = next(_run(SECOND, tmp_path / "second"))
    assert {SHOWN_BY[bug] for bug in SECOND} <= second.broken(), second.findings


def test_a_finding_says_what_broke_with_its_steps_and_pictures(flawed: Run) -> None:
    home = next(f for f in flawed.findings if f["category"] == "ui_functional" and f["path"] == "/")
    search = next(b for b in home["evidence"]["behaviours"] if b["scenario_kind"] == "ui_search")
    assert "do not hold" in search["observed"] or "not hold it" in search["observed"]
    assert search["steps"][0] == 'I open "/"' and search["expectation"].startswith("every item shown holds")
    assert Path(search["screenshot_before"]).is_file() and Path(search["screenshot_after"]).is_file()
    assert home["proof"] == "reproduced" and search["runs"] == 2


def test_the_twin_gives_no_finding_and_every_affordance_was_exercised(twin: Run) -> None:
    functional = [f for f in twin.findings if f["category"].startswith("ui_")]
    assert functional == [], functional
    scenarios = (twin.out / "scenarios").glob("*.feature")
    text = "\n".join(path.read_text() for path in scenarios)
    for kind in ("search", "filter", "sort", "create_form", "dialog", "counter", "navigation"):
        assert f"@affordance:{kind}" in text, kind
    assert "@probe" not in text  # no API invented from the catch-all's answers
    report = (twin.out / "report.md").read_text()
    assert "time budget" not in report  # every scenario ran to the end


def _ui_suite(suite: Path, base_url: str, junit: Path) -> dict[str, bool]:
    env = {**os.environ, "BASE_URL": base_url}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "."]
    subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=600)
    cases = ET.parse(junit).getroot().iter("testcase")
    return {c.get("name", ""): not any(child.tag in ("failure", "error") for child in c) for c in cases}


def test_the_generated_tests_fail_on_the_bugs_and_pass_on_the_twin(
    flawed: Run, twin: Run, tmp_path: Path
) -> None:
    suite = flawed.out / "tests" / "ui"
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=suite, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    ids = {i.lower().replace("-", "_") for i in flawed.behaviour_ids()}
    on_flawed = _ui_suite(suite, flawed.base_url, tmp_path / "flawed.xml")
    on_twin = _ui_suite(suite, twin.base_url, tmp_path / "twin.xml")
    replays = {name for name in on_flawed if any(name.startswith(f"test_{i}_") for i in ids)}
    assert len(replays) >= len(FIRST) - 2, (ids, sorted(on_flawed))
    assert [n for n in replays if on_flawed[n]] == []  # each fails while its bug is there
    assert [n for n in replays if not on_twin.get(n, False)] == []  # and passes without it
