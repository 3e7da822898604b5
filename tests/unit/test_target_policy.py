"""Which URLs a server accepts as targets: real URLs only, never itself, its own networks only alone."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.api.result_models_base import URL_PATTERN
from assay.domain.errors import InvalidUrl, SafetyError
from assay.domain.host_policy import ServerAddress, TargetPolicy, parse_target_url

ALONE = TargetPolicy(server=ServerAddress("127.0.0.1", 8080))  # one person's machine
SHARED = TargetPolicy(server=ServerAddress("0.0.0.0", 8080))  # reachable by others


@pytest.mark.parametrize(
    "url",
    [
        "http://exa\x00mple.com/",
        "http://example.com/a b",
        "http://-/",
        "http://./",
        "http://0/",
        "http://127.1/",
        "http://a..b/",
        "http://example.com:0/",
        "http://example.com:99999/",
        "ftp://example.com/",
        "http://",
    ],
)
def test_urls_that_name_no_real_host_and_port_are_invalid(url: str) -> None:
    with pytest.raises(InvalidUrl) as caught:
        parse_target_url(url)
    assert "\x00" not in str(caught.value)  # the message itself is printable


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://Example.COM/", "example.com"),
        ("https://api.example.com:8443/v1", "api.example.com"),
        ("http://my_service:8000", "my_service"),  # a compose service name
        ("http://[::1]:9000/", "::1"),
        ("http://10.0.0.1/", "10.0.0.1"),
    ],
)
def test_real_urls_give_their_host(url: str, host: str) -> None:
    assert parse_target_url(url) == host


@pytest.mark.parametrize("policy", [ALONE, SHARED])
@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/", "http://localhost:8080/api/v2"])
def test_a_server_never_tests_itself(policy: TargetPolicy, url: str) -> None:
    with pytest.raises(SafetyError, match="this assay server itself"):
        policy.check(url)


def test_a_server_alone_on_loopback_tests_loopback_and_private_targets() -> None:
    ALONE.check("http://127.0.0.1:8000/")
    ALONE.check("http://localhost:9000/")
    ALONE.check("http://10.1.2.3/")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://localhost:6379/", "http://10.1.2.3/", "http://192.168.1.5/"]
)
def test_a_shared_server_refuses_its_own_networks_without_an_allow_list(url: str) -> None:
    with pytest.raises(SafetyError, match="ASSAY_ALLOWED_TARGETS"):
        SHARED.check(url)


def test_a_shared_server_tests_what_its_allow_list_names() -> None:
    policy = TargetPolicy(("127.0.0.1", "10.0.0.0/8"), server=ServerAddress("0.0.0.0", 8080))
    policy.check("http://127.0.0.1:8000/")
    policy.check("http://10.1.2.3/")
    with pytest.raises(SafetyError):
        policy.check("http://192.168.1.5/")
    with pytest.raises(SafetyError, match="itself"):  # the allow-list does not admit the server
        policy.check("http://127.0.0.1:8080/")


def test_link_local_and_metadata_addresses_are_refused_everywhere() -> None:
    for policy in (ALONE, SHARED, TargetPolicy()):
        with pytest.raises(SafetyError):
            policy.check("http://169.254.169.254/latest/meta-data/")


def test_an_unresolvable_host_is_refused_when_resolving() -> None:
    with pytest.raises(InvalidUrl, match="does not resolve"):
        TargetPolicy().check("http://no-such-host.invalid/")
    TargetPolicy(resolve=False).check("http://no-such-host.invalid/")  # tests without DNS


@settings(max_examples=500, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.from_regex(f"^{URL_PATTERN}$", fullmatch=True))
def test_every_url_the_api_schema_admits_the_server_accepts(url: str) -> None:
    """The OpenAPI pattern of `url` says what parse_target_url says (schemathesis holds us to it)."""
    parse_target_url(url)
