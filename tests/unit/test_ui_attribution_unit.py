"""Attribution of browser errors and the proof of a silent failure, on recorded facts (no browser)."""

from __future__ import annotations

from assay.agents.observation.web.page_log import PageLog
from assay.domain.pages import ActionProbe
from assay.oracles import ui_silent_failure
from assay.pages.containment import Containment

TARGET = "http://127.0.0.1:8000/"


def _log() -> PageLog:
    return PageLog(Containment(TARGET))


def test_an_own_error_stays_the_pages() -> None:
    log = _log()
    log.console.append("TypeError: x is undefined")
    log.uncaught.append("uncaught ReferenceError: renderChart is not defined")
    assert log.console_errors() == (
        "TypeError: x is undefined",
        "uncaught ReferenceError: renderChart is not defined",
    )
    assert log.containment.blocked_hosts() == ()


def test_a_refused_probe_is_no_console_error_but_a_failed_load_is() -> None:
    log = _log()
    message = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    log.probed.add(TARGET + "store")  # OPTIONS /store -> 404: the app asked, the server said no
    log.resource_errors.append((message, TARGET + "store"))
    assert log.console_errors() == ()
    log.loaded_failed.add(TARGET + "store")  # ... and a GET of it failed too: that one counts
    assert log.console_errors() == (message,)
    log.resource_errors.append((message, TARGET + "app.js"))
    assert log.console_errors() == (message,)  # the same text once


def test_errors_a_blocked_host_caused_go_to_that_host() -> None:
    log = _log()
    log.containment.block("https://cdn.example/jq.js")
    log.containment.block("https://metrics.example/hit")
    log.blocked_scripts.append("cdn.example")
    log.blocked_calls.append("metrics.example")
    log.uncaught.append("uncaught ReferenceError: $ is not defined")
    log.suspect.append("metrics: Failed to fetch")
    log.note_foreign("Access to script at 'https://cdn.example/jq.js' blocked", "")
    assert log.console_errors() == ()
    errors = {b.host: b.errors for b in log.containment.blocked_hosts()}
    assert errors["cdn.example"] == (
        "Access to script at 'https://cdn.example/jq.js' blocked",
        "uncaught ReferenceError: $ is not defined",
    )
    assert errors["metrics.example"] == ("metrics: Failed to fetch",)


def test_a_failed_call_is_the_apps_when_nothing_was_blocked_or_its_own_call_failed() -> None:
    log = _log()
    log.suspect.append("Failed to fetch")
    assert log.console_errors() == ("Failed to fetch",)
    both = _log()
    both.blocked_calls.append("metrics.example")
    both.own_calls_failed = True  # its own /api call got no answer too: the app's fault stands
    both.suspect.append("Failed to fetch")
    assert both.console_errors() == ("Failed to fetch",)


def _probe(**kw: object) -> ActionProbe:
    base: dict[str, object] = {
        "page": "/form",
        "kind": "submit",
        "element": "Send",
        "locator": "",
        "steps": ("open /form",),
        "url_before": "/form",
        "url_after": "/form",
        "text_before": "Form\nSend",
        "text_after": "Form\nSend",
    }
    base.update(kw)
    return ActionProbe(**base)  # type: ignore[arg-type]


def test_silence_needs_every_channel_unchanged() -> None:
    assert [f.category for f in ui_silent_failure.judge(_probe())] == ["ui_silent_failure"]
    assert ui_silent_failure.judge(_probe(field_errors=("code: Please match the requested format.",))) == []
    assert ui_silent_failure.judge(_probe(dialogs=("alert: Saved",))) == []
    assert (
        ui_silent_failure.judge(_probe(kind="wrong_password", field_errors=("password (aria-invalid)",)))
        == []
    )
    assert ui_silent_failure.judge(_probe(messages_after=("Use your work address",))) == []
