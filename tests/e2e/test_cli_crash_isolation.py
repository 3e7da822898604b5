"""``assay run`` with a crash inside: one console line, the traceback in assay.log, outputs written.

The crash is planted in-process: a security family (assay's own code, monkeypatched) that sends
a request to the real target on 127.0.0.1, then raises with the login's password in its message,
as a parser bug fed a strange answer would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.apps.misbehaving import http_response, raw_server, spec_with
from typer.testing import CliRunner

from assay.agents.analysis import ui_security as analysis_ui_security
from assay.agents.analysis.security.attacks.disclosure import InformationDisclosureFamily
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext, SecurityFamily
from assay.cli.main import app
from assay.domain.exchanges import RecordedRequest

pytestmark = pytest.mark.e2e

PASSWORD = "pw-Sekr1t-4711"
OPS = {
    "/items": {"get": {"responses": {"200": {"description": "ok"}}}},
    "/boom": {"get": {"responses": {"200": {"description": "ok"}}}},
}


class _ParserBug:
    name = "parser_bug"

    async def run(self, ctx: SecurityContext) -> FamilyReport:
        client = ProbeClient(ctx, self.name)
        exchange = await client.send(RecordedRequest("GET", f"{ctx.target.base_url}/items"))
        assert exchange is not None and exchange.response is not None
        password = ctx.target.credentials[0].password
        raise ValueError(f"cannot parse {exchange.response.text[:10]!r} (logged in with {password})")


def _respond(method: str, path: str) -> bytes:
    if path == "/openapi.json":
        return http_response(200, spec_with(OPS))
    if path == "/boom":
        return http_response(500, '{"detail": "boom"}')
    return http_response(200, "[]")


def _families() -> list[SecurityFamily]:
    return [_ParserBug(), InformationDisclosureFamily()]


def test_a_crashed_family_is_one_console_line_and_a_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", "/nonexistent")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(analysis_ui_security, "default_families", _families)
    out = tmp_path / "out"
    with raw_server(_respond) as url:
        args = ["run", url, "--out", str(out), "--budget", "300", "--login", f"alice:{PASSWORD}"]
        proc = CliRunner().invoke(app, args)
    console = proc.stderr + proc.stdout
    assert proc.exit_code in (0, 1), console
    assert "Traceback" not in console and PASSWORD not in console
    crash_lines = [line for line in console.splitlines() if "parser_bug crashed" in line]
    assert len(crash_lines) == 1, console
    assert "ValueError: cannot parse" in crash_lines[0] and "remaining checks were skipped" in crash_lines[0]

    log = (out / "assay.log").read_text()
    assert "Traceback (most recent call last)" in log and "in run" in log and "_ParserBug" not in console
    assert "security family parser_bug crashed" in log and PASSWORD not in log

    doc = json.loads((out / "findings.json").read_text())
    assert [line for line in doc["incomplete"] if "parser_bug" in line], doc.get("incomplete")
    assert any(f["path"] == "/boom" and f["category"] == "server_error" for f in doc["findings"])
    assert (out / "report.md").is_file() and (out / "junit.xml").is_file()
    analysis = json.loads((out / "analysis.json").read_text())["analysis"]
    assert analysis["family_requests"]["parser_bug"] == 1  # what it sent before crashing is counted
    assert analysis["family_requests"]["information_disclosure"] > 0  # the next family still ran
    assert PASSWORD not in (out / "findings.json").read_text()


def test_an_unreachable_target_still_writes_findings_and_the_log(tmp_path: Path) -> None:
    with raw_server(lambda m, p: b"") as url:
        dead = url  # the port is closed once the context exits
    proc = CliRunner().invoke(app, ["run", dead, "--out", str(tmp_path)])
    assert proc.exit_code == 2
    errors = [line for line in (proc.stderr + proc.stdout).splitlines() if "error:" in line]
    assert len(errors) == 1 and "assay.log" in errors[0], errors
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert doc["findings"] == [] and "observation" in doc["error"]
    assert (tmp_path / "report.md").is_file() and (tmp_path / "junit.xml").is_file()
    assert "workflow failed" in (tmp_path / "assay.log").read_text()


def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    with raw_server(_respond) as url:
        proc = CliRunner().invoke(app, ["run", url, "--out", str(taken / "out")])
    console = proc.stderr + proc.stdout
    assert proc.exit_code == 2 and "Traceback" not in console
    errors = [line for line in console.splitlines() if "error:" in line]
    assert len(errors) == 1 and "output folder" in errors[0], console
