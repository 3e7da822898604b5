"""Bad input never gives a traceback: a one-line error with exit 2, or a finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.apps.misbehaving import http_response, raw_server, spec_with

pytestmark = pytest.mark.e2e


def assay(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def assert_clean_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    error_lines = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1, proc.stderr
    for word in words:
        assert word.lower() in error_lines[0].lower(), error_lines[0]


def test_unreachable_url(tmp_path: Path) -> None:
    with raw_server(lambda m, p: b"") as url:
        dead = url  # the port is closed once the context exits
    assert_clean_error(assay("run", dead, "--out", str(tmp_path)), "connect")


def test_not_a_url(tmp_path: Path) -> None:
    assert_clean_error(assay("run", "ftp://example", "--out", str(tmp_path)), "http")


def test_invalid_spec_file(tmp_path: Path) -> None:
    bad = tmp_path / "spec.yaml"
    bad.write_text("openapi: 3.0.0\npaths: [unclosed\n")
    with raw_server(lambda m, p: http_response(200, "{}")) as url:
        assert_clean_error(assay("run", url, "--spec", str(bad), "--out", str(tmp_path / "o")), "spec")


def test_dangling_ref(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    op = {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nowhere"}}},
                }
            }
        }
    }
    spec.write_text(spec_with({"/things": op}))
    with raw_server(lambda m, p: http_response(200, "[]")) as url:
        assert_clean_error(assay("run", url, "--spec", str(spec), "--out", str(tmp_path / "o")), "Nowhere")


def test_html_without_spec_is_reported_not_crashed(tmp_path: Path) -> None:
    page = "<html><body><h1>Welcome</h1></body></html>"
    with raw_server(lambda m, p: http_response(200, page, "text/html")) as url:
        proc = assay("run", url, "--out", str(tmp_path), "--budget", "10")
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (0, 1, 3), proc.stderr  # 3: inconclusive, not an error
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert doc["target"] == url
    assert "no" in (tmp_path / "report.md").read_text().lower()


def test_hanging_target(tmp_path: Path) -> None:
    with raw_server(None) as url:
        proc = assay("run", url, "--out", str(tmp_path), "--budget", "5", timeout=120)
    assert_clean_error(proc, "answer")


def test_target_resetting_after_500(tmp_path: Path) -> None:
    """Like uvicorn after an unhandled error: the spec loads, one operation resets the connection."""
    ops = {
        "/ok": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/boom": {"get": {"responses": {"200": {"description": "ok"}}}},
    }
    spec = spec_with(ops)

    def respond(method: str, path: str) -> bytes | None:
        if path == "/openapi.json":
            return http_response(200, spec)
        if path == "/boom":
            return None
        return http_response(200, "{}")

    with raw_server(respond) as url:
        proc = assay("run", url, "--out", str(tmp_path), "--budget", "300")  # a cap, not a pace
    assert "Traceback" not in proc.stderr + proc.stdout
    findings = json.loads((tmp_path / "findings.json").read_text())["findings"]
    boom = [f for f in findings if f["path"] == "/boom"]
    assert boom and boom[0]["category"] == "server_error", findings
    assert not [f for f in findings if f["path"] == "/ok" and f["category"] == "server_error"]
