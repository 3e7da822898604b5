"""Signing in the way real sites ask for it, in real Chromium against a real server (issue 11):
a sign-in link under a disclaimer that swallows clicks, one inside a menu rendered on opening, one
at a usual path only; the login form told apart from the registration and reset forms beside it;
success proven by what changed, a wrong password reported as failed; and, with no login given,
an account of assay's own registered through the app's form, recorded, and signed in with.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from tests.apps.signin_apps import PASSWORD, USER, SigninState, signin_app

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.agents.observation.web.observe import observe_web
from assay.domain.target import Credentials, Target
from assay.pages.login import LoginOutcome, sign_in

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
HOST = "127.0.0.1"


@contextmanager
def serving(state: SigninState) -> Iterator[str]:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(signin_app(state), host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


def signed(url: str, credentials: Credentials) -> LoginOutcome:
    async def run() -> LoginOutcome:
        async with Chromium().open(url) as session:
            return await sign_in(session, url, credentials)

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("layout", "how"),
    [
        ("overlay", "clicked 'i agree' on an overlay"),  # the link is under the disclaimer
        ("menu", "/members/enter"),  # the link exists once the hamburger is opened
        ("path", "/accounts/login/"),  # no link anywhere: a usual path
    ],
)
def test_the_login_is_found_and_the_login_form_used_not_registration_or_reset(layout: str, how: str) -> None:
    state = SigninState(layout)
    with serving(state) as base:
        outcome = signed(base + "/", Credentials(USER, PASSWORD))
    assert outcome.signed_in, outcome.note
    assert how in outcome.note
    assert "a log-out control appeared" in outcome.note and "the user name is shown" in outcome.note
    assert state.logins == [(USER, True)]
    assert state.registered == [] and state.resets == 0  # the forms beside it were never sent
    assert PASSWORD not in outcome.note


def test_a_wrong_password_is_a_failed_sign_in_though_the_form_is_gone() -> None:
    state = SigninState("overlay")
    with serving(state) as base:
        outcome = signed(base + "/", Credentials(USER, "not-the-password"))
    assert not outcome.signed_in
    assert "Invalid username or password" in outcome.note, outcome.note
    assert state.logins == [(USER, False)] and state.registered == []
    assert outcome.failure == ""  # the app turned the login down: a note, not assay failing


def test_a_page_refused_signed_out_opens_after_signing_in() -> None:
    state = SigninState("path")
    with serving(state) as base:
        outcome = signed(base + "/account", Credentials(USER, PASSWORD))
    assert outcome.signed_in, outcome.note
    assert "a page refused before now opens" in outcome.note


def observed(base: str, target: Target) -> tuple[bool, tuple[str, ...]]:
    web = asyncio.run(observe_web(target, base + "/", Chromium()))
    return web.login.signed_in, web.notes


def test_with_no_login_assay_registers_its_own_account_records_it_and_signs_in() -> None:
    state = SigninState("menu")
    with serving(state) as base:
        target = Target(base_url=base + "/", depth=2, budget_seconds=90)
        signed_in, notes = observed(base, target)
    assert len(state.registered) == 1, notes
    account = state.registered[0]
    assert account.startswith("assay_")  # the API side's naming
    assert state.users[account] == target.ledger.password  # the run's own password, redacted everywhere
    assert target.ledger.keys("account") == (account,)
    assert "registration form on /members/enter" in target.ledger.entries[0].via
    assert target.web_login == Credentials(account, target.ledger.password)  # later stages sign in as it
    assert signed_in, notes
    assert state.logins == [(account, True)] and state.resets == 0
    assert not any(target.ledger.password in note for note in notes)
    assert any(f"registered account {account}" in note for note in notes)


def test_without_a_registration_form_nothing_is_registered_and_the_crawl_stays_signed_out() -> None:
    state = SigninState("menu", registration=False)
    with serving(state) as base:
        target = Target(base_url=base + "/", depth=1, budget_seconds=60)
        signed_in, notes = observed(base, target)
    assert state.registered == [] and state.logins == [] and state.resets == 0
    assert target.ledger.entries == []
    assert not signed_in
    assert any("no registration form found" in note for note in notes)


def test_a_registration_the_app_turns_down_records_nothing_and_signs_in_with_nothing() -> None:
    state = SigninState("path", refuse=True)
    with serving(state) as base:
        target = Target(base_url=base + "/", depth=1, budget_seconds=60)
        signed_in, notes = observed(base, target)
    assert state.registered == [] and state.logins == [] and target.ledger.entries == []
    assert not signed_in and target.web_login is None
    assert any("was refused" in note and "That username is taken" in note for note in notes), notes
