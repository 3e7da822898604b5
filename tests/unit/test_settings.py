"""The environment is read in assay.settings only; each reader takes what it needs from there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.adapters.browser.launcher import find_chromium
from assay.cli.main import cli_settings, credentials_from, parse_header, with_fixed_headers
from assay.domain.errors import NoBrowserFound, UsageError
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


def test_fixed_headers_attach_to_the_first_login_or_stand_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    env = cli_settings()
    alone = with_fixed_headers((), ["Authorization: token abcd1234"], env)
    assert alone[0].headers_only and alone[0].headers == (("Authorization", "token abcd1234"),)
    assert set(alone[0].secrets) == {"token abcd1234", "abcd1234"} and "abcd" not in repr(alone)
    login = Credentials("bob", "pw-bob-1")
    first, second = with_fixed_headers((login, login), ["X-API-Key: k-123456"], env)
    assert first.headers == (("X-API-Key", "k-123456"),) and not first.headers_only and not second.headers
    monkeypatch.setenv("ASSAY_HEADERS", "X-API-Key: from-env-1\nX-Tenant: t1")
    assert with_fixed_headers((), [], cli_settings())[0].headers == (
        ("X-API-Key", "from-env-1"),
        ("X-Tenant", "t1"),
    )
    for bad in ("no colon", ": value", "Bad Name: v", "X-Key:"):
        with pytest.raises(UsageError):
            parse_header(bad)
