"""The generated UI suite's conftest.py: Chromium, a signed-in storage state, traces on failure.

With a second factor ("totp", "email"), its sign-in fixture types the one-time code through
otp_support.py and mail_support.py; without one, those helpers are no-ops.
"""

from __future__ import annotations

import json

from assay.pages.launch_flags import DISABLED_FEATURES, SWITCHES

CONFTEST = '''"""Fixtures for the generated UI tests: Chromium, a signed-in storage state, traces on failure.

The browser stays on the target's host, as assay's own did: Chromium's network services are off,
the environment's proxy is not used and no other host name resolves; each context aborts
requests to other hosts, blocks service workers, dismisses dialogs (a confirm() answers cancel)
and closes pop-ups.
"""

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Without Playwright these browser tests are skipped with the reason; the HTTP tests beside them
# still run (an ImportError here would stop the whole session before any test ran).
pytest.importorskip(
    "playwright", reason="the browser tests need Playwright: pip install -r requirements.txt"
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

_DEFAULT_URL = {base_url}
_ENV_URL = os.environ.get("ASSAY_BASE_URL") or os.environ.get("BASE_URL")
_URL = urlsplit(_ENV_URL or _DEFAULT_URL)
BASE_URL = f"{{_URL.scheme}}://{{_URL.netloc}}"  # page paths are absolute: the origin
HOST = (_URL.hostname or "").lower()
LOGIN_PATH = {login_path}
SECOND_FACTOR = {second_factor}  # "totp" or "email": the login asks for a one-time code
DISABLED_FEATURES = {features}
ARGS = [
{switches}
    "--disable-features=" + ",".join(DISABLED_FEATURES),
    f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {{HOST}}",
]


def _elsewhere(url):
    """True for a URL on another host than the target's (data: and blob: stay here)."""
    parts = urlsplit(url)
    other = (parts.hostname or "").lower() != HOST
    return parts.scheme in ("http", "https", "ws", "wss") and other


def _close(page):
    with contextlib.suppress(PlaywrightError):  # gone with its opener
        page.close()


def _contained(browser, state=None):
    """A context kept on the target's host (see the module docstring)."""
    context = browser.new_context(storage_state=state, service_workers="block")
    context.set_default_navigation_timeout(20000)
    context.route(_elsewhere, lambda route: route.abort("blockedbyclient"))
    context.route_web_socket(_elsewhere, lambda socket: socket.close())
    context.on("dialog", lambda dialog: dialog.dismiss())
    context.on("page", lambda page: page.on("popup", _close))
    return context


def _executable():
    configured = os.environ.get("ASSAY_CHROMIUM_PATH")
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        path = _executable()
        browser = pw.chromium.launch(executable_path=path, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def storage_state(browser, tmp_path_factory):
    """Sign in once with ASSAY_USERNAME / ASSAY_PASSWORD; None when there is no login."""
    if not LOGIN_PATH or "ASSAY_USERNAME" not in os.environ:
        return None
    context = _contained(browser)
    page = context.new_page()
    page.goto(BASE_URL + LOGIN_PATH)
    password = page.locator("input[type=password]").first
    form = page.locator("form", has=password).first
    user = form.locator("input[type=email], input[type=text], input:not([type])").first
    user.fill(os.environ["ASSAY_USERNAME"])
    password.fill(os.environ["ASSAY_PASSWORD"])
    mark = _mail_mark() if SECOND_FACTOR else None
    password.press("Enter")
    page.wait_for_load_state("load")
    if SECOND_FACTOR:
        _pass_second_factor(page, mark)
    path = tmp_path_factory.mktemp("state") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


def _mail_mark():
    return None


def _pass_second_factor(page, mark):
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    item.rep_failed = outcome.get_result().failed or getattr(item, "rep_failed", False)


def _page(browser, request, state):
    context = _contained(browser, state)
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_failed", False):
        Path("traces").mkdir(exist_ok=True)
        context.tracing.stop(path=f"traces/{{request.node.name}}.zip")
    else:
        context.tracing.stop()
    context.close()


@pytest.fixture
def page(browser, storage_state, request):
    yield from _page(browser, request, storage_state)


@pytest.fixture
def signed_out_page(browser, request):
    yield from _page(browser, request, None)
'''


_NO_OTP = """def _mail_mark():
    return None


def _pass_second_factor(page, mark):
    pass
"""
SECOND_FACTOR_HELPERS = '''def _mailbox():
    """The mailbox of ASSAY_MAIL_LOGIN (EMAIL:APP_PASSWORD); ASSAY_IMAP_HOST/PORT/SSL override."""
    from mail_support import Mailbox

    address, _, secret = os.environ["ASSAY_MAIL_LOGIN"].partition(":")
    ssl = os.environ.get("ASSAY_IMAP_SSL", "1").lower() not in ("0", "false", "no")
    port = int(os.environ.get("ASSAY_IMAP_PORT") or 0)
    return Mailbox(address, secret, os.environ.get("ASSAY_IMAP_HOST", ""), port, ssl)


def _mail_mark():
    """Before the password is sent: where the mailbox ends (mails after it are new)."""
    if os.environ.get("ASSAY_TOTP_SECRET") or not os.environ.get("ASSAY_MAIL_LOGIN"):
        return None
    from mail_support import mailbox_mark

    return mailbox_mark(_mailbox())


def _pass_second_factor(page, mark):
    """Type the one-time code the page asks for: TOTP from ASSAY_TOTP_SECRET, else from the mail."""
    import time

    from mail_support import new_texts
    from otp_support import FIELD_FACTS_SCRIPT, otp_field_index, totp_now, wait_for_code

    index = otp_field_index(page.evaluate(FIELD_FACTS_SCRIPT))
    if index is None:
        return
    secret = os.environ.get("ASSAY_TOTP_SECRET")
    if not secret and mark is None:
        pytest.skip("the login asks for a one-time code: set ASSAY_TOTP_SECRET or ASSAY_MAIL_LOGIN")
    for attempt in range(2 if secret else 1):
        if attempt:  # a code typed late in its window: retry in the next
            time.sleep(30.5 - time.time() % 30)
        code = totp_now(secret) if secret else wait_for_code(lambda: new_texts(_mailbox(), mark))
        if code is None:
            pytest.fail("no mail with a one-time code arrived in ASSAY_MAIL_LOGIN's mailbox")
        field = page.locator("input").nth(index)
        field.fill(code)
        field.press("Enter")
        page.wait_for_load_state("load")
        index = otp_field_index(page.evaluate(FIELD_FACTS_SCRIPT))
        if index is None:
            return
    pytest.fail("the one-time code was refused")
'''


def conftest_source(base_url: str, login_path: str, second_factor: str) -> str:
    """conftest.py for ``base_url``; with a ``second_factor`` its sign-in passes a one-time code."""
    conftest = CONFTEST.format(
        base_url=json.dumps(base_url.rstrip("/")),
        login_path=json.dumps(login_path),
        second_factor=json.dumps(second_factor),
        features="[\n" + "".join(f"    {json.dumps(f)},\n" for f in DISABLED_FEATURES) + "]",
        switches="\n".join(f"    {json.dumps(a)}," for a in SWITCHES),
    )
    return conftest.replace(_NO_OTP, SECOND_FACTOR_HELPERS) if second_factor else conftest
