"""`assay run --auth-wfc FILE --destructive`: the WFC users and the flag reach the run's Target."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli import main as cli
from assay.domain.run import RunResult
from assay.domain.target import Credentials, Target

WFC = """
auth:
  - name: admin
    loginEndpointAuth:
      payloadUserPwd: {username: root, password: toor}
  - name: plain user
    loginEndpointAuth:
      payloadUserPwd: {username: foo, password: bar}
"""


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, list[Target], str]:
    seen: list[Target] = []

    def fake_execute(target: Target, out_dir: Path, execute: bool, baseline: object = None) -> RunResult:
        seen.append(target)
        return RunResult(target=target.base_url, started_at="now")

    monkeypatch.setattr(cli, "_execute", fake_execute)
    monkeypatch.delenv("ASSAY_LOGIN", raising=False)
    monkeypatch.delenv("ASSAY_USERNAME", raising=False)
    result = CliRunner().invoke(cli.app, ["run", "http://127.0.0.1:9", *args])
    return result.exit_code, seen, result.output


def test_auth_wfc_users_join_the_login_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text(WFC)
    code, [target], _ = _run(monkeypatch, "--login", "me:pw", "--auth-wfc", str(path), "--destructive")
    assert code == cli.EXIT_INCONCLUSIVE  # accepted; the faked run tested nothing, so it is no all-clear
    assert target.credentials == (
        Credentials("me", "pw"),
        Credentials("root", "toor", "admin"),
        Credentials("foo", "bar", "user"),
    )
    assert target.destructive


def test_without_flags_the_run_is_not_destructive(monkeypatch: pytest.MonkeyPatch) -> None:
    code, [target], _ = _run(monkeypatch)
    assert code == cli.EXIT_INCONCLUSIVE and not target.destructive and target.credentials == ()


@pytest.mark.parametrize("text", ["configs: {}\n", "auth: [\n", "auth: [{name: x}]\n"])
def test_a_bad_wfc_file_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text(text)
    code, seen, _ = _run(monkeypatch, "--auth-wfc", str(path))
    assert code == cli.EXIT_ERROR and seen == []
