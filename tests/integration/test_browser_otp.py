"""Signing in through a second step in real Chromium: a code mailed to the user, read over IMAP
from a real IMAP server (pymap, started here on 127.0.0.1), and a TOTP code; wrong codes are
refused by the app. Then the generated Playwright suite signs in the same way, standalone.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.async_api import async_playwright
from tests.apps.imap_server import HOST, ImapServer, pymap_available, start_imap
from tests.apps.otp_webapp import PASSWORD, USER, OtpAppState, create_otp_app

from assay.adapters.browser.chromium import Chromium, ContainedBrowser
from assay.adapters.browser.launcher import browser_available, launch
from assay.adapters.mail import ImapMailbox
from assay.agents.evolution.ui_suite import build_ui_suite
from assay.agents.observation.web.crawler import CrawlConfig, crawl
from assay.domain.scenarios import Scenario, UiStep
from assay.domain.target import Credentials, MailAccount
from assay.pages.login import LoginOutcome, sign_in

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
    pytest.mark.skipif(not pymap_available(), reason="pymap (the test IMAP server) is not installed"),
]
GENEROUS = 600.0  # a crawl's time cap, not its pace: it is bounded by its pages


@dataclass
class App:
    base_url: str
    state: OtpAppState


@contextmanager
def serving(state: OtpAppState) -> Iterator[App]:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_otp_app(state), host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield App(f"http://{HOST}:{port}", state)
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture(scope="module")
def imap() -> Iterator[ImapServer]:
    server = start_imap()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def email_app(imap: ImapServer) -> Iterator[App]:
    with serving(OtpAppState("email", send_mail=lambda subject, body: imap.deliver(subject, body))) as app:
        yield app


@pytest.fixture(scope="module")
def totp_app() -> Iterator[App]:
    with serving(OtpAppState("totp")) as app:
        yield app


def mailbox(imap: ImapServer) -> MailAccount:
    return MailAccount(imap.address, imap.password, HOST, imap.port, ssl=False)


def test_email_code_read_over_imap_reaches_the_protected_page(email_app: App, imap: ImapServer) -> None:
    imap.deliver("Your sign-in code", "Your verification code is 111111.")  # older: must be ignored
    credentials = Credentials(USER, PASSWORD, mail=mailbox(imap))
    result = asyncio.run(
        crawl(
            email_app.base_url + "/",
            CrawlConfig(depth=2, contexts=1, credentials=credentials, budget_seconds=GENEROUS),
            Chromium(mailbox=ImapMailbox()),
        )
    )
    assert result.login is not None and result.login.signed_in, result.login
    assert result.login.second_factor == "email" and "mailbox" in result.login.note
    account = next(p for p in result.pages if p.path == "/account")
    assert account.title == "Your account" and account.status == 200
    assert email_app.state.refused == 0  # the stale code in the INBOX was never typed
    assert imap.password not in repr(credentials) and imap.password not in " ".join(result.notes)


def test_totp_code_reaches_the_protected_page(totp_app: App) -> None:
    credentials = Credentials(USER, PASSWORD, totp_secret=totp_app.state.totp_secret)
    result = asyncio.run(
        crawl(
            totp_app.base_url + "/",
            CrawlConfig(depth=2, contexts=1, credentials=credentials, budget_seconds=GENEROUS),
            Chromium(),
        )
    )
    assert result.login is not None and result.login.signed_in, result.login
    assert result.login.second_factor == "totp"
    assert any(p.path == "/account" and p.title == "Your account" for p in result.pages)
    assert totp_app.state.totp_secret not in repr(credentials)


async def _sign_in_all(base_urls: list[str], logins: list[Credentials]) -> list[LoginOutcome]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)  # no target: each sign-in goes to a different app
        try:
            session = ContainedBrowser(browser, ImapMailbox())
            return [await sign_in(session, url, c) for url, c in zip(base_urls, logins, strict=True)]
        finally:
            await browser.close()


def test_wrong_codes_are_refused_and_a_missing_source_is_said(
    email_app: App, totp_app: App, imap: ImapServer
) -> None:
    email_app.state.mail_wrong_code = True
    try:
        wrong_secret = Credentials(USER, PASSWORD, totp_secret=pyotp.random_base32())
        urls = [totp_app.base_url + "/login", email_app.base_url + "/login", totp_app.base_url + "/login"]
        logins = [wrong_secret, Credentials(USER, PASSWORD, mail=mailbox(imap)), Credentials(USER, PASSWORD)]
        totp, mail, none = asyncio.run(_sign_in_all(urls, logins))
    finally:
        email_app.state.mail_wrong_code = False
    assert not totp.signed_in and "TOTP code was refused" in totp.note
    assert not mail.signed_in and "code from the mail was refused" in mail.note
    assert not none.signed_in and "no TOTP secret" in none.note
    assert totp_app.state.refused >= 1 and email_app.state.refused >= 1


def _account_scenario() -> Scenario:
    steps = (UiStep("goto", value="/account"), UiStep("expect_text", value=f"Signed in as {USER}"))
    return Scenario(
        "SC-UI-001",
        "Account",
        "The account page greets the user",
        "ui_navigation",
        (),
        (),
        (),
        (),
        ui_steps=steps,
    )


def _run_suite(folder: Path, base_url: str, second_factor: str, env: dict[str, str]) -> str:
    for name, text in build_ui_suite([_account_scenario()], base_url, "/login", second_factor).items():
        (folder / name).write_text(text)
    junit = folder / "junit.xml"
    env = {**os.environ, "ASSAY_USERNAME": USER, "ASSAY_PASSWORD": PASSWORD, **env}
    env = {k: v for k, v in env.items() if not k.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "."]
    proc = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600, env=env)
    case = next(ET.parse(junit).iter("testcase"))
    bad = case.find("failure") is not None or case.find("error") is not None
    return ("failed" if bad else "skipped" if case.find("skipped") is not None else "passed") + proc.stdout[
        -800:
    ]


def test_generated_suite_signs_in_with_both_second_factors(
    email_app: App, totp_app: App, imap: ImapServer, tmp_path: Path
) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "totp").mkdir()
    mail_env = {"ASSAY_MAIL_LOGIN": f"{imap.address}:{imap.password}", "ASSAY_IMAP_HOST": HOST}
    mail_env |= {"ASSAY_IMAP_PORT": str(imap.port), "ASSAY_IMAP_SSL": "0", "ASSAY_TOTP_SECRET": ""}
    outcome = _run_suite(tmp_path / "mail", email_app.base_url, "email", mail_env)
    assert outcome.startswith("passed"), outcome
    assert (tmp_path / "mail" / "otp_support.py").is_file() and (
        tmp_path / "mail" / "mail_support.py"
    ).is_file()
    totp_env = {"ASSAY_TOTP_SECRET": totp_app.state.totp_secret, "ASSAY_MAIL_LOGIN": ""}
    outcome = _run_suite(tmp_path / "totp", totp_app.base_url, "totp", totp_env)
    assert outcome.startswith("passed"), outcome
