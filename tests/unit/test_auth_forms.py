"""Telling sign-in, registration and reset forms apart; judging a sign-in by what changed."""

from __future__ import annotations

import pytest

from assay.agents.observation.web.observe import registers
from assay.domain.auth_forms import AuthFormFacts, FormPurpose, form_purpose, names_registration
from assay.domain.observation import api_base_url
from assay.domain.target import Credentials, Target
from assay.pages.signed_in import Signs, judge

LOGIN = AuthFormFacts(passwords=1, current=1, texts=1, fields=("username", "password"), button="Continue")
REGISTER = AuthFormFacts(
    passwords=2, fresh=2, emails=1, texts=2,
    fields=("first name", "username", "e-mail", "password", "confirm password"), button="Continue",
    heading="New here? Create an account",
)  # fmt: skip
RESET = AuthFormFacts(emails=1, fields=("e-mail",), button="Continue", heading="Forgot your password?")


@pytest.mark.parametrize(
    ("facts", "purpose"),
    [
        (LOGIN, "login"),
        (REGISTER, "register"),
        (RESET, "reset"),
        # No hints but the words: a one-password form under "Sign up" registers.
        (AuthFormFacts(passwords=1, emails=1, button="Sign up"), "register"),
        (AuthFormFacts(passwords=1, texts=1, button="Submit", heading="Sign in"), "login"),
        # A one-password form asking for a new password, with a name: registering.
        (
            AuthFormFacts(passwords=1, fresh=1, emails=1, texts=1, fields=("full name", "email", "pw")),
            "register",
        ),
        # current, new, confirm: changing a password is neither.
        (AuthFormFacts(passwords=3, current=1, fresh=2, fields=("confirm",), button="Save"), "other"),
        (AuthFormFacts(texts=1, button="Search"), "other"),
        (AuthFormFacts(passwords=1, texts=1, attrs="loginForm /auth/login"), "login"),
    ],
)
def test_form_purposes(facts: AuthFormFacts, purpose: FormPurpose) -> None:
    assert form_purpose(facts) == purpose


def test_a_registration_must_say_so_to_count_as_creating() -> None:
    assert names_registration(REGISTER)
    silent = AuthFormFacts(passwords=2, fresh=2, fields=("password", "confirm"), button="Continue")
    assert form_purpose(silent) == "register" and not names_registration(silent)


def signs(
    *, logout: bool = False, user: bool = False, form: bool = False, cookies: int = 0, text: str = ""
) -> Signs:
    jar = frozenset((f"c{i}", "v") for i in range(cookies))
    return Signs(logout, user, form, jar, text, ())


def test_a_sign_in_is_proven_by_a_log_out_control_or_the_user_name() -> None:
    before = signs(form=True, text="Members")
    verdict = judge(before, signs(logout=True, user=True, text="Signed in as alice"))
    assert verdict.signed_in and verdict.why == "a log-out control appeared, the user name is shown"
    assert judge(before, signs(form=True), reopened=True).signed_in  # a header login box stays


def test_an_error_or_a_form_still_shown_is_a_failed_sign_in() -> None:
    before = signs(form=True, text="Members")
    failed = judge(before, signs(text="Gazette\nInvalid username or password."))
    assert not failed.signed_in and "Invalid username or password" in failed.why
    assert not judge(before, signs(form=True, text="Members")).signed_in
    assert not judge(before, signs(text="Welcome"), reopened=False).signed_in


def test_a_vanished_form_alone_is_a_sign_in_and_a_new_cookie_is_said() -> None:
    before = signs(form=True)
    assert judge(before, signs(text="Dashboard")).why == "the login form is gone"
    assert "new session cookie" in judge(before, signs(cookies=1, text="Dashboard")).why


def test_the_browser_registers_only_without_a_login_and_on_a_test_system() -> None:
    assert registers(Target("http://127.0.0.1:8000/"))
    assert not registers(Target("https://shop.example.com/"))
    assert registers(Target("https://shop.example.com/", allowed_hosts=("shop.example.com",)))
    assert not registers(Target("http://127.0.0.1:8000/", credentials=(Credentials("a", "b"),)))


@pytest.mark.parametrize(
    ("base", "spec", "root"),
    [
        ("http://h/blog/", "http://h/openapi.json", "http://h/"),  # a page's path is no prefix
        ("http://h/app/login", "http://h/api/openapi.json", "http://h/"),
        ("http://h/api", "http://h/api/openapi.json", "http://h/api"),  # found under it: the prefix
        ("http://h/api/", "http://h/api/v1/openapi.json", "http://h/api/"),
        ("http://h/", "http://h/openapi.json", "http://h/"),
        ("http://h/blog/", "./openapi.yaml", "http://h/blog/"),  # a file: the base URL as given
        ("http://h/blog/", "http://docs.example/openapi.json", "http://h/blog/"),
        ("http://h/blog/", None, "http://h/blog/"),
    ],
)
def test_the_api_is_rooted_where_its_spec_lives_not_under_a_page(
    base: str, spec: str | None, root: str
) -> None:
    assert api_base_url(base, spec) == root
