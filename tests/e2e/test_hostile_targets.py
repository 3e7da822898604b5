"""`assay run` against hostile targets: bounded in time and memory, explained in one line, outputs kept.

Each target serves a valid spec, then misbehaves on its operations (so the run gets far enough to
meet the misbehaviour), or misbehaves everywhere. The wall limit is a safety net, not a timed
assertion; memory is the child's own peak RSS (os.wait4), so other tests' processes do not count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.apps.misbehaving import (
    Answer,
    billion_laughs_yaml,
    drip,
    endless_body,
    gzip_bomb,
    gzip_bomb_bytes,
    http_response,
    huge_body,
    raw_server,
    spec_with,
)

pytestmark = pytest.mark.e2e

WALL_LIMIT = 180.0  # seconds: only so that a hang fails the test instead of the suite
MAX_RSS_MB = 1024
OUTPUTS = ("findings.json", "report.md", "junit.xml")
ITEM = {"get": {"responses": {"200": {"description": "ok"}}}}
SPEC = spec_with({"/items": ITEM, "/stats": ITEM})


@dataclass(frozen=True)
class Ran:
    returncode: int
    output: str  # stdout and stderr
    peak_rss_mb: float


def run_assay(tmp_path: Path, url: str, *extra: str) -> Ran:
    """``assay run URL`` in a child process; its exit code, output and own peak memory."""
    log = tmp_path / "console.txt"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(tmp_path / "out"), "--budget", "10"]
    with log.open("w") as sink:
        child = subprocess.Popen([*cmd, *extra], stdout=sink, stderr=subprocess.STDOUT, env=env)
        net = threading.Timer(WALL_LIMIT, child.kill)
        net.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            net.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text()
    assert child.returncode >= 0, f"assay was still running after {WALL_LIMIT:g}s:\n{output[-3000:]}"
    return Ran(child.returncode, output, usage.ru_maxrss / 1024)


def serving(misbehave: Callable[[], Answer]) -> Callable[[str, str], Answer]:
    """A target whose spec (and home) answer normally, and whose operations ``misbehave``."""

    def respond(method: str, path: str) -> Answer:
        if path in {"/", "/openapi.json"}:
            return http_response(200, SPEC)
        return misbehave()

    return respond


def assert_bounded(ran: Ran, tmp_path: Path, *codes: int) -> None:
    assert "Traceback" not in ran.output, ran.output[-3000:]
    assert ran.returncode in codes, ran.output[-3000:]
    assert ran.peak_rss_mb < MAX_RSS_MB, f"peak RSS {ran.peak_rss_mb:.0f} MB"
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).is_file(), name


def one_line(output: str, *words: str) -> str:
    """The one output line that explains what happened (it holds every word)."""
    lines = [line for line in output.splitlines() if all(w.lower() in line.lower() for w in words)]
    assert lines, f"no line with {words}:\n{output[-3000:]}"
    return lines[0]


@pytest.mark.parametrize("body", [endless_body, huge_body, gzip_bomb], ids=["endless", "1GB", "gzip-bomb"])
def test_huge_bodies_are_cut_and_said_so(body: Callable[[], Answer], tmp_path: Path) -> None:
    gzip_bomb_bytes()  # made before the target starts, so that it answers at once
    with raw_server(serving(body)) as url:
        ran = run_assay(tmp_path, url)
    assert_bounded(ran, tmp_path, 0, 1, 3)
    one_line(ran.output, "limits:", "cut at assay's body limits (20 MB each")


def test_one_byte_every_half_second_ends_in_bounded_time(tmp_path: Path) -> None:
    with raw_server(serving(drip)) as url:
        ran = run_assay(tmp_path, url)
    assert_bounded(ran, tmp_path, 1, 3)  # never 0: the operations never answered
    one_line(ran.output, "timed out")
    assert "INCONCLUSIVE" in (tmp_path / "out" / "report.md").read_text()


def test_a_home_page_that_drips_is_a_one_line_error(tmp_path: Path) -> None:
    with raw_server(lambda m, p: drip()) as url:
        ran = run_assay(tmp_path, url)
    assert "Traceback" not in ran.output and ran.returncode == 2, ran.output[-3000:]
    assert ran.peak_rss_mb < MAX_RSS_MB
    assert "no answer within" in one_line(ran.output, "error:")


def test_a_target_that_drops_every_connection_is_inconclusive(tmp_path: Path) -> None:
    with raw_server(lambda m, p: None) as url:
        ran = run_assay(tmp_path, url)
    assert_bounded(ran, tmp_path, 3)
    one_line(ran.output, "INCONCLUSIVE")
    one_line(ran.output, "no answer", "connection dropped")
    report = (tmp_path / "out" / "report.md").read_text()
    assert "INCONCLUSIVE" in report and "No issue was found" not in report


def test_operations_that_drop_every_connection_are_never_critical(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(SPEC)
    with raw_server(lambda m, p: None) as url:
        ran = run_assay(tmp_path, url, "--spec", str(spec))
    assert_bounded(ran, tmp_path, 3)
    one_line(ran.output, "INCONCLUSIVE")
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    dropped = [f for f in findings if f["category"] == "server_error"]
    assert dropped and all(f["severity"] in {"medium", "low", "info"} for f in dropped), dropped
    assert all("()" not in f["title"] + f["detail"] for f in dropped)


def test_a_billion_laughs_spec_file_is_a_one_line_error(tmp_path: Path) -> None:
    spec = tmp_path / "lol.yaml"
    spec.write_text(billion_laughs_yaml())
    with raw_server(lambda m, p: http_response(200, "{}")) as url:
        ran = run_assay(tmp_path, url, "--spec", str(spec))
    assert "Traceback" not in ran.output and ran.returncode == 2, ran.output[-3000:]
    assert ran.peak_rss_mb < MAX_RSS_MB
    assert "expand" in one_line(ran.output, "error:")


def test_a_billion_laughs_spec_found_by_discovery_is_refused_and_named(tmp_path: Path) -> None:
    def respond(method: str, path: str) -> Answer:
        if path == "/openapi.yaml":
            return http_response(200, billion_laughs_yaml(), "application/yaml")
        return http_response(404, '{"detail": "Not Found"}')

    with raw_server(respond) as url:
        ran = run_assay(tmp_path, url)
    assert_bounded(ran, tmp_path, 3)
    assert "billion laughs" in one_line(ran.output, "openapi.yaml was not read")
