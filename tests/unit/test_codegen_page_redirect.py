"""The generated test for an open redirect on a web page outside the API (the sign-in page's next)."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.sample_run import api_model, requirements

from assay.agents.evolution.api_suite.pytest_suite import build_suite
from assay.domain.findings import Finding
from assay.domain.json import JsonObject

HOST = "http://127.0.0.1:8000"
PAYLOAD = "https:///assay-redirect.invalid/"


def _finding(identity: str) -> Finding:
    request: JsonObject = {
        "method": "GET",
        "url": f"{HOST}/login?lang=en&next=https%3A%2F%2F%2Fassay-redirect.invalid%2F",
    }
    evidence: JsonObject = {"request": request, "fields": "query next", "location": PAYLOAD}
    return Finding("open_redirect", "medium", "GET", "/login", "GET /login redirects off site", "d", evidence,
                   id="F-0201", identity=identity)  # fmt: skip


def _security(finding: Finding, *, auth: bool = True) -> tuple[str, str]:
    """The security module's source and the suite's notes."""
    api = api_model() if auth else replace(api_model(), auth=replace(api_model().auth, kind="none"))
    suite = build_suite(requirements(), api, [finding], HOST)
    return suite.files.get("test_security.py", ""), " ".join(suite.notes)


def test_a_signed_in_page_redirect_is_asked_on_the_site_root_with_the_credentials() -> None:
    code, _ = _security(_finding("user"))
    compile(code, "test_security.py", "exec")
    assert 'page = client.base_url.join("/login")' in code
    assert f'params = {{"lang": "en", "next": "{PAYLOAD}"}}' in code
    assert "response = client.get(page, params=params, headers=auth_headers)" in code
    assert "host = off_site(response)" in code and "def off_site(" in code


def test_an_anonymous_one_sends_no_credentials() -> None:
    code, _ = _security(_finding("anonymous"))
    assert "response = client.get(page, params=params)" in code


def test_one_signed_in_through_a_form_the_suite_cannot_do_gets_a_note() -> None:
    code, notes = _security(_finding("user"), auth=False)
    assert "base_url.join" not in code
    assert "signed in through its sign-in form" in notes, notes
