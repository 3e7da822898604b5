"""The environment is read in assay.settings only; each reader takes what it needs from there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.adapters.browser.launcher import find_chromium
from assay.cli.main import cli_settings, credentials_from
from assay.domain.errors import NoBrowserFound
from assay.domain.target import Credentials
from assay.settings import BrowserSettings


def test_chromium_comes_from_assay_chromium_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", sys.executable)  # any existing file will do
    assert find_chromium() == sys.executable
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", str(tmp_path / "missing"))
    with pytest.raises(NoBrowserFound, match="does not exist"):
        find_chromium()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert BrowserSettings().playwright_browsers_path == tmp_path


def test_cli_logins_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ASSAY_LOGIN", "ASSAY_USERNAME", "ASSAY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert credentials_from([], cli_settings()) == ()
    monkeypatch.setenv("ASSAY_USERNAME", "env-user")
    monkeypatch.setenv("ASSAY_PASSWORD", "env-pw")
    assert credentials_from([], cli_settings()) == (Credentials("env-user", "env-pw"),)
    monkeypatch.setenv("ASSAY_LOGIN", "admin=root:toor")
    assert credentials_from([], cli_settings()) == (Credentials("root", "toor", "admin"),)
    assert credentials_from(["me:pw"], cli_settings()) == (Credentials("me", "pw"),)
    monkeypatch.setenv("ASSAY_LOGIN", "")  # empty: unset, as before
    assert credentials_from([], cli_settings())[0].username == "env-user"
