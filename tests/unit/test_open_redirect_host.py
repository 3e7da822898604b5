"""Which host a browser goes to for a Location: the forms weak same-site checks let through."""

from __future__ import annotations

import pytest

from assay.oracles.open_redirect import browser_host

BASE = "http://127.0.0.1:8000/go?next=x"


@pytest.mark.parametrize(
    ("location", "host"),
    [
        ("https://evil.test/", "evil.test"),
        ("//evil.test/", "evil.test"),
        ("https:///evil.test/", "evil.test"),
        ("////evil.test", "evil.test"),
        ("/\\evil.test/", "evil.test"),
        ("\\\\evil.test", "evil.test"),
        ("/\t/evil.test", "evil.test"),
        ("https:evil.test/", "evil.test"),
        ("https://user@evil.test:443/", "evil.test"),
        ("http://127.0.0.1@evil.test/", "evil.test"),
        ("http://evil.test@127.0.0.1/", "127.0.0.1"),
        ("/home", "127.0.0.1"),
        ("page?next=//evil.test", "127.0.0.1"),
        ("http:/evil.test", "127.0.0.1"),
        ("/%5Cevil.test/", "127.0.0.1"),
        ("javascript:alert(1)", None),
    ],
)
def test_browser_host(location: str, host: str | None) -> None:
    assert browser_host(location, BASE) == host


def test_https_colon_is_a_path_on_an_https_page() -> None:
    assert browser_host("https:evil.test/", "https://app.test/login") == "app.test"
