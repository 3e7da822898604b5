"""A UI step's ``${env:...}`` credentials come from the run's own login, never the process environment."""

from __future__ import annotations

import pytest

from assay.agents.analysis.ui.executor import MissingValue, _value, step_values
from assay.domain.target import Credentials


@pytest.fixture
def server_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a server started with its own login (and other ASSAY_ settings)."""
    monkeypatch.setenv("ASSAY_USERNAME", "server-admin")
    monkeypatch.setenv("ASSAY_PASSWORD", "server-secret")
    monkeypatch.setenv("ASSAY_TOKEN", "server-token")


@pytest.mark.usefixtures("server_login")
def test_a_run_without_a_login_gets_no_value_from_the_environment() -> None:
    assert step_values(None) == {}
    with pytest.raises(MissingValue, match="ASSAY_PASSWORD"):
        _value("${env:ASSAY_PASSWORD}", step_values(None))
    with pytest.raises(MissingValue, match="ASSAY_TOKEN"):
        _value("${env:ASSAY_TOKEN}", step_values(Credentials("alice", "alice-pass")))


@pytest.mark.usefixtures("server_login")
def test_a_run_with_a_login_types_its_own() -> None:
    values = step_values(Credentials("alice", "alice-pass"))
    assert values == {"ASSAY_USERNAME": "alice", "ASSAY_PASSWORD": "alice-pass"}
    assert _value("${env:ASSAY_USERNAME}", values) == "alice"
    assert _value("plain text", values) == "plain text"
