"""ui_silent_failure reads the whole visible text after the action: an error message there is feedback."""

from __future__ import annotations

from assay.domain.pages import ActionProbe
from assay.oracles.ui_silent_failure import feedback_after
from assay.oracles.ui_silent_failure import judge as silent_failure
from assay.pages.feedback import shows_something_new

FORM_TEXT = "Sign in\nEmail\nPassword\nSign in"


def probe(kind: str = "wrong_password", **kw: object) -> ActionProbe:
    base: dict[str, object] = {
        "page": "/login",
        "kind": kind,
        "element": "Sign in",
        "locator": "",
        "steps": ("open /login",),
        "url_before": "/login",
        "url_after": "/login",
        "text_before": FORM_TEXT,
    }
    base.update(kw)
    return ActionProbe(**base)  # type: ignore[arg-type]


def test_an_error_text_after_a_wrong_password_is_feedback() -> None:
    for text in ("Invalid credentials", "The password is incorrect.", "Login failed", "Passwörter: falsch"):
        shown = probe(text_after=f"{FORM_TEXT}\n{text}")
        assert feedback_after(shown) == text
        assert silent_failure(shown) == []


def test_an_alert_region_after_the_action_is_feedback() -> None:
    shown = probe(text_after=FORM_TEXT, messages_after=("Email and password do not match",))
    assert silent_failure(shown) == []


def test_an_error_line_already_there_counts_after_a_wrong_password() -> None:
    # The message was on the page before and after: the user still sees an error after submitting.
    before = f"{FORM_TEXT}\nInvalid credentials"
    assert silent_failure(probe(text_before=before, text_after=before)) == []


def test_no_message_at_all_is_still_silent() -> None:
    [finding] = silent_failure(probe(text_after=FORM_TEXT))
    assert finding.category == "ui_silent_failure"
    [legacy] = silent_failure(probe(text_before="", text_after=""))  # a probe that records no text
    assert legacy.title.startswith("A wrong password")


def test_an_unreadable_page_after_the_action_is_not_silent() -> None:
    assert silent_failure(probe(text_after="")) == []


def test_help_text_is_not_an_error_and_old_lines_do_not_count_for_clicks() -> None:
    quiet = probe(text_after=f"{FORM_TEXT}\nForgot your password?")
    assert len(silent_failure(quiet)) == 1
    click = probe("click", element="Refresh", text_before="Status: error", text_after="Status: error")
    assert len(silent_failure(click)) == 1


def test_something_new_is_a_new_line_or_a_new_message_region() -> None:
    assert shows_something_new(FORM_TEXT, [], f"{FORM_TEXT}\nInvalid credentials", [])
    assert shows_something_new(FORM_TEXT, [], FORM_TEXT, ["Invalid credentials"])
    assert not shows_something_new(FORM_TEXT, ["Welcome"], FORM_TEXT, ["Welcome"])
    assert not shows_something_new(FORM_TEXT, [], "Sign in\nPassword", [])
