"""The pure parts of the login's second step: finding the code in a mail, recognising the field
that asks for it, TOTP, the mailbox's server, and how the secrets reach the login."""

from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest

from assay.adapters import mail
from assay.adapters.mail import Mailbox, imap_host_for, message_text
from assay.agents.evolution.ui_suite import build_ui_suite
from assay.api.mapping import credentials
from assay.api.schemas import GmailCredentials, LoginCredentials
from assay.cli.main import cli_settings, with_second_factor
from assay.domain.errors import UsageError
from assay.domain.scenarios import Scenario, UiStep
from assay.domain.target import Credentials, MailAccount, MailServer
from assay.pages import otp_support
from assay.pages.otp import totp_code
from assay.pages.otp_support import (
    extract_code,
    is_otp_field,
    otp_field_index,
    totp_now,
    wait_for_code,
)
from assay.settings import Settings


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Your verification code is 482913.", "482913"),
        ("Sign-in code\n\n  7731  \n\nIt expires in 10 minutes.", "7731"),
        ("Sent 2024-05-01 12:30. Your OTP: 55210987", "55210987"),
        ("Order total $1234.50 - use code 9921 to confirm", "9921"),
        ("Use 123456 as your one-time password", "123456"),
        ("Your order 123456 has shipped.", None),
        ("Your code is 12 or 123456789", None),
        ("Call us at 555-1234 for the code", None),
    ],
)
def test_extract_code_finds_the_code_near_its_word(text: str, code: str | None) -> None:
    assert extract_code(text) == code


def test_extract_code_prefers_the_code_nearest_the_word() -> None:
    text = "Ticket 20250 was opened. " + "x" * 60 + " Your security code: 660912"
    assert extract_code(text) == "660912"


def test_message_text_reads_subject_and_html_parts() -> None:
    message = EmailMessage()
    message["Subject"] = "Confirm it is you"
    message.set_content(
        "<html><style>p{color:#123456}</style><p>Your code is <b>304050</b></p></html>", "html"
    )
    text = message_text(message.as_bytes())
    assert "Confirm it is you" in text and "#123456" not in text
    assert extract_code(text) == "304050"


def _facts(**given: object) -> dict[str, object]:
    facts: dict[str, object] = {
        "index": 0,
        "visible": True,
        "type": "text",
        "name": "",
        "id": "",
        "label": "",
    }
    facts |= {"placeholder": "", "autocomplete": "", "inputmode": "", "pattern": "", "maxlength": 0}
    return facts | given


@pytest.mark.parametrize(
    ("facts", "asks"),
    [
        (_facts(label="Verification code", inputmode="numeric"), True),
        (_facts(name="code", maxlength=6), True),
        (_facts(name="otp"), True),
        (_facts(id="two-factor-token", type="tel"), True),
        (_facts(autocomplete="one-time-code", name="x"), True),
        (_facts(name="token", pattern="[0-9]{6}"), True),
        (_facts(name="code"), False),  # a bare "code" could be anything
        (_facts(label="Postal code", inputmode="numeric", maxlength=5), False),
        (_facts(label="Promo code", maxlength=8), False),
        (_facts(name="otp", type="hidden"), False),
        (_facts(name="otp", visible=False), False),
        (_facts(name="password", type="password"), False),
        (_facts(name="q", type="search", maxlength=6), False),
    ],
)
def test_is_otp_field(facts: dict[str, object], asks: bool) -> None:
    assert is_otp_field(facts) is asks


def test_otp_field_index_takes_the_first_asking_input() -> None:
    inputs = [
        _facts(index=0, name="csrf", type="hidden"),
        _facts(index=1, name="q"),
        _facts(index=2, name="otp"),
    ]
    assert otp_field_index(inputs) == 2
    assert otp_field_index(inputs[:2]) is None


def test_totp_code_takes_short_secrets_too() -> None:
    long_secret = pyotp.random_base32()
    assert totp_code(long_secret) in {pyotp.TOTP(long_secret).at(time.time() + d) for d in (-1, 0)}
    short = "JBSWY3DPEHPK3PXP"  # 80 bits: pyotp refuses it, authenticator apps do not
    assert totp_code(short) in {totp_now(short, time.time() + d) for d in (-1, 0)}
    with pytest.raises(ValueError):
        totp_code("not base32 !")


def test_totp_now_matches_pyotp() -> None:
    secret = pyotp.random_base32()
    for at in (0.0, 59.0, 1_700_000_000.0, 2_000_000_029.9):
        assert totp_now(secret, at) == pyotp.TOTP(secret).at(at)
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)).lower()
    assert totp_now(spaced, 1234.0) == pyotp.TOTP(secret).at(1234.0)


def test_the_mailbox_server_comes_from_the_domain_unless_configured() -> None:
    assert imap_host_for("someone@gmail.com") == "imap.gmail.com"
    assert imap_host_for("a@Example.org") == "imap.example.org"
    assert Mailbox("a@gmail.com", "pw").server == ("imap.gmail.com", 993)
    assert Mailbox("a@x.test", "pw", "127.0.0.1", ssl=False).server == ("127.0.0.1", 143)
    login = Credentials("u", "p", mail=MailAccount("a@gmail.com", "app"))
    served = MailServer("127.0.0.1", 1143, ssl=False).serve(login)
    assert served.mail == MailAccount("a@gmail.com", "app", "127.0.0.1", 1143, False)
    assert MailServer().serve(login) is login  # nothing configured: the domain's server


def test_secrets_of_a_login_are_all_listed_and_never_shown() -> None:
    login = Credentials("u", "pw-1", totp_secret="JBSWY3DPEHPK3PXP", mail=MailAccount("a@b.test", "mail-pw"))
    assert set(login.secrets) == {"pw-1", "JBSWY3DPEHPK3PXP", "mail-pw"}
    assert not any(s in repr(login) for s in login.secrets)
    assert "mail-pw" not in repr(Mailbox("a@b.test", "mail-pw"))


def test_cli_mail_login_and_totp_secret_complete_the_first_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ASSAY_MAIL_LOGIN",
        "ASSAY_TOTP_SECRET",
        "ASSAY_IMAP_HOST",
        "ASSAY_IMAP_PORT",
        "ASSAY_IMAP_SSL",
    ):
        monkeypatch.delenv(name, raising=False)
    logins = (Credentials("alice", "pw"), Credentials("bob", "pw2"))
    assert with_second_factor(logins, None, None, cli_settings()) == logins
    monkeypatch.setenv("ASSAY_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSAY_IMAP_PORT", "1143")
    monkeypatch.setenv("ASSAY_IMAP_SSL", "0")
    first, second = with_second_factor(logins, "me@shop.test:app:pass", "JBSWY3DPEHPK3PXP", cli_settings())
    assert first.mail == MailAccount("me@shop.test", "app:pass", "127.0.0.1", 1143, False)
    assert first.totp_secret == "JBSWY3DPEHPK3PXP" and second == logins[1]
    monkeypatch.setenv("ASSAY_MAIL_LOGIN", "env@shop.test:pw")
    assert with_second_factor(logins, None, None, cli_settings())[0].mail == MailAccount(
        "env@shop.test", "pw", "127.0.0.1", 1143, False
    )
    with pytest.raises(UsageError, match="give --login"):
        with_second_factor((), None, None, cli_settings())
    with pytest.raises(UsageError, match="EMAIL:APP_PASSWORD"):
        with_second_factor(logins, "not-an-address", None, cli_settings())
    with pytest.raises(UsageError, match="base32"):
        with_second_factor(logins, None, "not base32 !", cli_settings())
    monkeypatch.setenv("ASSAY_IMAP_PORT", "imap")
    with pytest.raises(UsageError, match="ASSAY_IMAP_PORT"):
        cli_settings()


def test_the_cli_and_the_server_read_the_imap_server_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_IMAP_HOST", "mail.test")
    monkeypatch.setenv("ASSAY_IMAP_PORT", "1143")
    monkeypatch.setenv("ASSAY_IMAP_SSL", "off")
    server = Settings(database_url="sqlite://", run_migrations=False).mail_server()
    assert cli_settings().mail_server() == server == MailServer("mail.test", 1143, ssl=False)


def test_api_gmail_credentials_become_the_logins_mailbox() -> None:
    login = LoginCredentials(email="a@shop.test", password="pw", totp_secret="JBSWY3DPEHPK3PXP")
    (found,) = credentials(login, GmailCredentials(email="a@gmail.com", password="app-pw"))
    assert found.username == "a@shop.test" and found.totp_secret == "JBSWY3DPEHPK3PXP"
    assert found.mail == MailAccount("a@gmail.com", "app-pw")
    assert credentials(None, GmailCredentials(email="a@gmail.com", password="x")) == ()


def _scenario() -> Scenario:
    steps = (UiStep("goto", value="/account"), UiStep("expect_text", value="Hello"))
    return Scenario("SC-UI-001", "Account", "Account", "ui_navigation", (), (), (), (), ui_steps=steps)


def test_generated_suite_carries_the_otp_helper_only_when_a_code_was_asked() -> None:
    plain = build_ui_suite([_scenario()], "http://127.0.0.1:8000", "/login")
    assert "otp_support.py" not in plain and "wait_for_code" not in plain["conftest.py"]
    files = build_ui_suite([_scenario()], "http://127.0.0.1:8000", "/login", "email")
    assert files["otp_support.py"] == Path(otp_support.__file__).read_text(encoding="utf-8")
    conftest = files["conftest.py"]
    assert 'SECOND_FACTOR = "email"' in conftest and "ASSAY_TOTP_SECRET" in conftest
    assert "ASSAY_MAIL_LOGIN" in conftest and "import assay" not in conftest
    compile(conftest, "conftest.py", "exec")
    assert files["mail_support.py"] == Path(mail.__file__).read_text(encoding="utf-8")
    for name in ("otp_support.py", "mail_support.py"):  # they run where assay is not installed
        compile(files[name], name, "exec")
        assert "import assay" not in files[name]
        assert all(line.startswith("    ") for line in files[name].splitlines() if "from assay" in line)


def test_the_code_is_the_newest_new_mail_that_has_one() -> None:
    reads = [[], ["Hello", "Your code is 246810", "Your code is 111111"]]
    assert wait_for_code(lambda: reads.pop(0), timeout=5, poll=0.01) == "246810"
    assert wait_for_code(lambda: ["no digits here"], timeout=0.05, poll=0.01) is None
