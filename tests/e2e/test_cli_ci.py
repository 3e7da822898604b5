"""`assay` in CI, end to end: the real command against a real local API whose bugs are switched
on and off between runs (`tests/apps/switchable_api.py`).

Exit codes per `--fail-on` threshold, `--version`, `--baseline` marks across runs where a bug was
fixed (then came back), the summary on stdout and the progress on stderr, every finding listed.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from tests.apps.servers import WSGIServerThread
from tests.apps.switchable_api import build_switchable_api

pytestmark = pytest.mark.e2e
BOTH = frozenset({"crash", "leak"})
LEAK_ONLY = frozenset({"leak"})
CRASH = ("server_error", "GET", "/stats")
LEAK = ("data_exposure", "GET", "/notes/{note_id}")
BANNER = ("information_disclosure", "GET", "/")  # Werkzeug's own Server banner, in every mode


@dataclass(frozen=True)
class Run:
    proc: subprocess.CompletedProcess[str]
    out: Path

    @property
    def findings(self) -> list[dict[str, object]]:
        doc = json.loads((self.out / "findings.json").read_text())
        found: list[dict[str, object]] = doc["findings"]
        return found

    @property
    def document(self) -> dict[str, object]:
        doc: dict[str, object] = json.loads((self.out / "findings.json").read_text())
        return doc

    def marks(self) -> dict[tuple[object, object, object], object]:
        return {(f["category"], f["method"], f["path"]): f.get("baseline") for f in self.findings}


def assay(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, timeout=600, env=env
    )


@contextmanager
def serving(bugs: frozenset[str]) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = WSGIServerThread(build_switchable_api(bugs))
    try:
        yield server.base_url
    finally:
        server.stop()


def run_against(bugs: frozenset[str], out: Path, *extra: str) -> Run:
    with serving(bugs) as url:
        proc = assay("run", url, "--out", str(out), "--budget", "60", *extra)
    assert (out / "findings.json").is_file(), proc.stderr
    return Run(proc, out)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Both bugs on, default threshold: the baseline of the runs that follow."""
    return run_against(BOTH, tmp_path_factory.mktemp("first"))


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_package_version(flag: str) -> None:
    proc = assay(flag)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"assay {version('assay')}\n"
    assert proc.stderr == ""


def test_a_high_finding_exits_1_by_default(first: Run) -> None:
    assert first.proc.returncode == 1, first.proc.stdout + first.proc.stderr
    assert {CRASH, LEAK, BANNER} <= set(first.marks())
    assert set(first.marks().values()) == {None}  # no baseline: no mark
    assert "baseline" not in first.document


def test_summary_goes_to_stdout_progress_to_stderr(first: Run) -> None:
    out, err = first.proc.stdout, first.proc.stderr
    assert out.startswith("observation: 4 operations")
    assert f"findings: {len(first.findings)} (" in out and "wrote " in out
    assert "findings:" not in err and "wrote " not in err
    assert "observation   done" in err and "agent" in err  # the live table
    assert "observation   done" not in out


def test_every_finding_is_listed_once_most_severe_first(first: Run) -> None:
    listed = [line for line in first.proc.stdout.splitlines() if line.startswith("  [")]
    assert len(listed) == len(first.findings)
    for f in first.findings:
        line = f"  [{f['severity']}] {f['category']}: {f['method']} {f['path']} — {f['title']}"
        assert listed.count(line) == 1, line
    order = ["critical", "high", "medium", "low", "info"]
    ranks = [order.index(line.split("]")[0].lstrip(" [")) for line in listed]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("bugs", "threshold", "code"),
    [
        (BOTH, "critical", 0),  # its worst findings are high
        (BOTH, "none", 0),
        (frozenset(), "medium", 0),  # the healthy twin: the low banner only
        (frozenset(), "low", 1),
        (frozenset(), "info", 1),
    ],
)
def test_exit_code_follows_the_threshold(
    bugs: frozenset[str], threshold: str, code: int, tmp_path: Path
) -> None:
    run = run_against(bugs, tmp_path, "--fail-on", threshold)
    assert run.proc.returncode == code, run.proc.stdout + run.proc.stderr


def test_baseline_marks_a_fixed_bug_and_fails_only_when_it_comes_back(first: Run, tmp_path: Path) -> None:
    # The earlier findings plus one on an operation this API does not have: absent now, untested.
    earlier = first.document
    ghost = {"id": "F-0099", "category": "server_error", "severity": "critical", "method": "GET",
             "path": "/archive", "title": "Archive answers 500"}  # fmt: skip
    earlier["findings"] = [*first.findings, ghost]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(earlier))

    fixed = run_against(LEAK_ONLY, tmp_path / "fixed", "--baseline", str(baseline), "--fail-on", "low")
    # Nothing new, so even --fail-on low passes although a high and a low finding remain.
    assert fixed.proc.returncode == 0, fixed.proc.stdout + fixed.proc.stderr
    assert fixed.marks() == {LEAK: "unchanged", BANNER: "unchanged"}
    block = fixed.document["baseline"]
    assert isinstance(block, dict)
    assert [(e["category"], e["method"], e["path"]) for e in block["fixed"]] == [CRASH]
    assert [e["path"] for e in block["not_retested"]] == ["/archive"]
    assert (block["new"], block["unchanged"]) == (0, 2)
    report = (fixed.out / "report.md").read_text()
    assert "| fixed | F-" in report and "| GET /stats | server_error |" in report
    assert "| not retested | F-0099 (baseline) | critical | GET /archive |" in report
    assert "[still there]" in fixed.proc.stdout
    assert "  fixed [high] server_error: GET /stats" in fixed.proc.stdout

    back = run_against(BOTH, tmp_path / "back", "--baseline", str(fixed.out / "findings.json"))
    assert back.proc.returncode == 1, back.proc.stdout + back.proc.stderr  # the crash is new again
    assert back.marks() == {CRASH: "new", LEAK: "unchanged", BANNER: "unchanged"}
    assert "— Count the notes answers 500 [new]" in back.proc.stdout
    # The same run judged on new critical findings only: the new crash is high, so it passes.
    again = run_against(
        BOTH, tmp_path / "again", "--baseline", str(fixed.out / "findings.json"), "--fail-on", "critical"
    )
    assert again.proc.returncode == 0, again.proc.stdout + again.proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--baseline {path}: cannot read it"),
        ("{not json", "--baseline {path}: not JSON"),
        ('{"findings": [{"category": "cors"}]}', "--baseline {path}: findings[0]: 'severity'"),
        ("[1, 2]", "--baseline {path}: not a findings.json"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(content: str | None, message: str, tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    if content is not None:
        path.write_text(content)
    proc = assay("run", "http://127.0.0.1:9", "--out", str(tmp_path / "out"), "--baseline", str(path))
    assert proc.returncode == 2
    assert message.format(path=path) in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_an_unknown_threshold_is_a_usage_error(tmp_path: Path) -> None:
    proc = assay("run", "http://127.0.0.1:9", "--out", str(tmp_path), "--fail-on", "severe")
    assert proc.returncode == 2 and "'severe' is not one of 'critical', 'high'" in proc.stderr
