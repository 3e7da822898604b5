"""Accounts assay registers get the run's own random password, and no output ever holds it.

One whole run against the demo target (no --login: assay registers its own users): the ledger
records the accounts with the run's password, a fresh random value; that value appears in no
artifact (findings, report, scenarios, the generated suites), the generated tests take it from
``${new_password}`` (ASSAY_NEW_PASSWORD or random at test time), and the generated
missing-authentication tests assert a refusal, as their docstrings say.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from rich.console import Console
from tests.apps.servers import running

from assay.cli.run import run_and_write
from assay.domain.target import Target

pytestmark = pytest.mark.integration

OLD_FIXED_PASSWORD = "Qa-Passw0rd!2024"  # what every registered account used to get


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, Path]:
    out = tmp_path_factory.mktemp("demo-run")
    with running("demo") as served, open(out / "console.log", "w") as log:
        target = Target(base_url=served.base_url, budget_seconds=120)
        asyncio.run(run_and_write(target, out, execute=True, console=Console(file=log)))
    return target, out


def _texts(out: Path) -> dict[Path, str]:
    return {p: p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and p.suffix != ".png"}


def test_registered_accounts_are_in_the_ledger_with_a_fresh_password(demo_run: tuple[Target, Path]) -> None:
    target, _ = demo_run
    assert target.ledger.keys("account"), "assay registered its own users on the demo"
    assert len(target.ledger.password) >= 12 and target.ledger.password != Target("x").ledger.password


def test_no_output_holds_the_run_password(demo_run: tuple[Target, Path]) -> None:
    target, out = demo_run
    texts = _texts(out)
    assert any(p.name == "findings.json" for p in texts) and any(p.suffix == ".py" for p in texts)
    leaks = [p for p, text in texts.items() if target.ledger.password in text or OLD_FIXED_PASSWORD in text]
    assert not leaks, leaks


def test_generated_tests_take_passwords_from_the_environment(demo_run: tuple[Target, Path]) -> None:
    _, out = demo_run
    suite = {p: t for p, t in _texts(out / "tests").items() if p.suffix == ".py"}
    assert any("${new_password}" in text for text in suite.values())
    assert "ASSAY_NEW_PASSWORD" in suite[out / "tests" / "assay_support.py"]
    literal = re.compile(r'"password": "((?!\$\{)[^"]*)"')
    # A literal may only be no credential at all: a wrong one in a refusal check, or the filler of a
    # length boundary ("xxxxxxxx" for minLength 8) in a policy check.
    for path, text in suite.items():
        for match in literal.finditer(text):
            window = text[max(0, match.start() - 600) : match.start()]
            refusal = re.search(r"wrong|invalid|refused|rejected|weak", window, re.I)
            filler = re.fullmatch(r"(.)\1*", match.group(1)) and re.search(r"length", window, re.I)
            assert refusal or filler, (path, match.group(0))


def test_missing_authentication_tests_assert_a_refusal(demo_run: tuple[Target, Path]) -> None:
    _, out = demo_run
    security = (out / "tests" / "test_security.py").read_text()
    tests = re.findall(r"def (test_f_\d+_missing_authentication\(.*?)(?=\n@pytest|\ndef |\Z)", security, re.S)
    assert tests, "the demo has a missing-authentication finding"
    for body in tests:
        assert "assert not response.is_success" in body
        assert not re.search(r"status_code == 2\d\d|assert response\.is_success", body), body
