"""The safety policy decides which hosts may hear from assay, and which may be written to."""

from __future__ import annotations

import pytest

from assay.domain.errors import SafetyError
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Target, is_loopback


def test_loopback_target_takes_every_method() -> None:
    policy = SafetyPolicy.for_target(Target(base_url="http://127.0.0.1:8000"))
    policy.check("DELETE", "http://127.0.0.1:8000/items/1")
    policy.check("GET", "http://127.0.0.1:8000/")


def test_other_hosts_are_refused() -> None:
    policy = SafetyPolicy.for_target(Target(base_url="http://127.0.0.1:8000"))
    with pytest.raises(SafetyError, match="only talks to the target"):
        policy.check("GET", "http://169.254.169.254/latest/meta-data")


def test_remote_target_is_read_only_until_marked_as_test_system() -> None:
    target = Target(base_url="https://staging.example.com")
    policy = SafetyPolicy.for_target(target)
    policy.check("GET", "https://staging.example.com/api/items")
    with pytest.raises(SafetyError, match=r"--allow-host staging\.example\.com"):
        policy.check("POST", "https://staging.example.com/api/items")
    marked = SafetyPolicy.for_target(Target(base_url=target.base_url, allowed_hosts=("staging.example.com",)))
    marked.check("POST", "https://staging.example.com/api/items")


def test_spec_host_is_readable_but_never_writable() -> None:
    policy = SafetyPolicy.for_target(Target(base_url="http://127.0.0.1:1"), ("specs.example.org",))
    policy.check("GET", "http://specs.example.org/openapi.json")
    with pytest.raises(SafetyError):
        policy.check("PUT", "http://specs.example.org/openapi.json")


@pytest.mark.parametrize(
    ("host", "loop"), [("localhost", True), ("127.0.0.5", True), ("[::1]", True), ("10.0.0.1", False)]
)
def test_is_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop
