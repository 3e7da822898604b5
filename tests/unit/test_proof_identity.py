"""Every finding carries its proof and identity; merging is order-free; flaky is at most low."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import replace

from tests.unit.sample_run import run_result
from tests.unit.test_oracle_base import exchange

from assay.agents.analysis.execution.auth import AuthSession, account_created, with_cookies
from assay.agents.evolution.api_suite.suite_requests import SuiteContext
from assay.api.result_models import FindingModel
from assay.domain.credentials import carried_credentials, identity_of, is_anonymous
from assay.domain.exchanges import RecordedResponse
from assay.domain.findings import ANONYMOUS, Finding, default_proof
from assay.domain.operations import ApiModel, AuthFlow
from assay.oracles.base import Draft, OracleContext, build
from assay.oracles.merge import merge_findings, settle
from assay.report.findings_doc import finding_json
from assay.report.junit import render_junit


def _finding(**changes: object) -> Finding:
    base = Finding(
        category="server_error",
        severity="high",
        method="GET",
        path="/items",
        title="List items answers 500",
        detail="detail",
        evidence={"response": {"status": 500}},
        scenario_id="SC-API-001",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_anonymous_means_no_credential_of_any_kind() -> None:
    assert is_anonymous(exchange("GET", "/items").request)
    for headers in ({"Cookie": "session=abc"}, {"Authorization": "Bearer t"}, {"X-API-Key": "k"}):
        assert not is_anonymous(exchange("GET", "/items", request_headers=headers).request), headers
    assert carried_credentials(exchange("GET", "/items", query="api_key=k&page=2").request) == ["?api_key"]
    assert carried_credentials(exchange("GET", "/items", query="page=2").request) == []


def test_identity_comes_from_what_the_request_carried() -> None:
    plain = exchange("GET", "/items")
    assert identity_of(replace(plain, identity="admin")) == ANONYMOUS  # nothing sent: anonymous
    cookie = exchange("GET", "/items", request_headers={"Cookie": "session=abc"})
    # A request labelled anonymous that carried a cookie is not anonymous: its sender is filled in.
    assert identity_of(replace(cookie, identity=ANONYMOUS)) == ""
    assert identity_of(replace(cookie, identity="admin")) == "admin"
    built = build(Draft("server_error", "high", "t", "d"), replace(cookie, identity="staff"), OracleContext())
    assert built.identity == "staff"


def test_settle_fills_proof_by_category_and_the_primary_identity() -> None:
    assert default_proof("injection") == default_proof("cors") == default_proof("user_enumeration")
    assert default_proof("injection") == "differential" and default_proof("ssrf") == "canary"
    assert {default_proof(c) for c in ("slow_response", "resource_exhaustion", "race_condition")} == {
        "timing"
    }
    assert default_proof("server_error") == "reproduced"
    settled = settle(_finding(), "member")
    assert (settled.proof, settled.identity) == ("reproduced", "member")
    own = settle(_finding(proof="timing", identity=ANONYMOUS), "member")
    assert (own.proof, own.identity) == ("timing", ANONYMOUS)
    flaky = settle(_finding(severity="critical", flaky=True))
    assert (flaky.proof, flaky.severity, flaky.blocking) == ("flaky", "low", False)


def test_merging_shows_the_same_instance_whatever_the_order() -> None:
    group = [
        _finding(title="List items answers 500", scenario_id="SC-API-003", evidence={"cause": "a"}),
        _finding(title="List items answers 502", scenario_id="SC-API-001", evidence={"cause": "b"}),
        _finding(title="List items drops the connection", scenario_id="SC-API-002", evidence={"cause": "c"}),
        _finding(title="List items answers 500 to invalid input", severity="medium", evidence={"cause": "d"}),
    ]
    results = {repr(merge_findings(list(order), [])) for order in itertools.permutations(group)}
    assert len(results) == 1
    [merged] = merge_findings(group, [])
    assert merged.scenario_id == "SC-API-001" and merged.evidence["cause"] == "b"
    assert merged.evidence["related"] == sorted(
        [
            "List items answers 500",
            "List items drops the connection",
            "List items answers 500 to invalid input",
        ]
    )


def test_a_proven_instance_outranks_a_flaky_one() -> None:
    [merged] = merge_findings(
        [_finding(flaky=True, proof="flaky", severity="low"), _finding(severity="low")], []
    )
    assert merged.proof == "reproduced" and not merged.flaky


def test_outputs_carry_proof_and_identity_and_flaky_does_not_fail_junit() -> None:
    run = run_result()
    run.findings = merge_findings([_finding(), _finding(path="/other", flaky=True)], [], identity="member")
    shown = finding_json(run.findings[0])
    assert (shown["proof"], shown["identity"]) == ("reproduced", "member")
    FindingModel.model_validate(shown)
    suite = next(s for s in ET.fromstring(render_junit(run)).iter("testsuite") if s.get("name") == "findings")
    cases = {c.get("name", ""): c for c in suite.iter("testcase")}
    proven = next(c for n, c in cases.items() if "[high]" in n)
    flaky = next(c for n, c in cases.items() if "[low]" in n)
    assert proven.find("failure") is not None and flaky.find("failure") is None
    assert flaky.find("skipped") is not None
    props = {p.get("name"): p.get("value") for p in proven.iter("property")}
    assert props == {"proof": "reproduced", "identity": "member"}


def test_an_account_is_what_a_2xx_answer_to_the_run_password_created() -> None:
    sent = exchange("POST", "/register", request_body={"email": "qa@example.com", "password": "Run-pw-123"})
    created = RecordedResponse(201)
    assert account_created(sent.request, created, "Run-pw-123") == "qa@example.com"
    assert account_created(sent.request, RecordedResponse(409), "Run-pw-123") is None
    assert account_created(sent.request, created, "another-password") is None


def test_generated_malformed_credentials_take_the_api_s_own_form() -> None:
    def ctx(flow: AuthFlow) -> SuiteContext:
        return SuiteContext(ApiModel("t", "1", "3.1.0", "", (), auth=flow))

    cookie = ctx(AuthFlow(kind="cookie", header_name="session")).malformed_credential()
    assert cookie == ("Cookie", "session=assay-malformed-credential")
    bearer = ctx(AuthFlow(kind="bearer", header_name="Authorization")).malformed_credential()
    assert bearer == ("Authorization", "Bearer assay-malformed-credential")
    assert ctx(AuthFlow(kind="api_key", header_name="X-Key")).malformed_credential()[0] == "X-Key"


def test_a_malformed_cookie_session_keeps_the_cookie_names() -> None:
    session = AuthSession(headers={"Cookie": "session=abc; csrftoken=def"}, secrets=("abc", "def"))
    assert session.malformed.headers == {
        "Cookie": "session=assay.malformed.token; csrftoken=assay.malformed.token"
    }
    assert AuthSession().malformed.headers == {}  # anonymous stays anonymous


def test_each_cookie_session_keeps_its_own_jar() -> None:
    session = AuthSession(headers={"Cookie": "session=old"}, secrets=("old",))
    rotated = with_cookies(session, "session=new; Path=/; HttpOnly, csrftoken=abc12345; SameSite=Lax")
    assert rotated.headers == {"Cookie": "session=new; csrftoken=abc12345"}
    assert {"old", "new", "abc12345"} <= set(rotated.secrets)  # rotated values are redacted too
    assert with_cookies(session, "session=; Max-Age=0") is session  # a cleared cookie is kept
    assert with_cookies(AuthSession(), "session=new").headers == {}  # anonymous never gains one
    bearer = AuthSession(headers={"Authorization": "Bearer t"})
    assert with_cookies(bearer, "session=new") is bearer
