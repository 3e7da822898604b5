"""spec_quality: spec issues grouped per operation, plus one note on undocumented statuses."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.operations import SpecIssue
from assay.oracles import spec_quality
from assay.oracles.spec_quality import SPEC_WIDE

ISSUES = (
    SpecIssue("untyped_response", "GET /v1/events: 200 response has no schema", "GET /v1/events"),
    SpecIssue("missing_operation_id", "GET /v1/events has no operationId", "GET /v1/events"),
    SpecIssue("placeholder_schema", "POST /v1/projects returns TODOSchema", "POST /v1/projects"),
    SpecIssue("undocumented_auth", "No security scheme is declared", None),
)
API = api_model(
    operation("GET", "/v1/events"),
    operation("POST", "/v1/projects"),
    issues=ISSUES,
)


def test_one_finding_per_operation_with_all_its_issues() -> None:
    findings = spec_quality.judge([], API, CTX)
    by_key = {(f.method, f.path): f for f in findings}
    events = by_key[("GET", "/v1/events")]
    assert events.category == "spec_quality"
    assert events.severity == "low"  # the worst of low (untyped) and info (operationId)
    assert events.title == "`GET /v1/events`: untyped response, no operationId"
    assert "Dict[str, Any]" in events.recommendation
    assert events.occurrences == 2
    assert by_key[("POST", "/v1/projects")].title.endswith("placeholder schema")
    spec_wide = by_key[(SPEC_WIDE, SPEC_WIDE)]
    assert spec_wide.title == "The spec: undocumented authentication"


def test_observed_undocumented_statuses_are_one_info_note() -> None:
    api = api_model(operation("GET", "/v1/events"), operation("GET", "/v1/other", {"default": None}))
    exchanges = [
        exchange("GET", "/v1/events", 403, {"detail": "Forbidden"}),
        exchange("GET", "/v1/events", 200, []),
        exchange("GET", "/v1/events", 401, {}, intent="no_auth"),  # not a valid request: ignored
        exchange("GET", "/v1/events", 500, {}),  # server_error's business
        exchange("GET", "/v1/events", 404, {}),  # missing_endpoint's business
        exchange("GET", "/v1/other", 409, {}),  # covered by "default"
    ]
    [note] = spec_quality.judge(exchanges, api, CTX)
    assert note.severity == "info"
    assert note.evidence["undocumented_statuses"] == ["GET /v1/events: 403"]


def test_a_clean_spec_and_no_spec_are_quiet() -> None:
    api = api_model(operation("GET", "/v1/events"))
    assert spec_quality.judge([exchange("GET", "/v1/events", 200, [])], api, CTX) == []
    assert spec_quality.judge([], None, CTX) == []


def test_an_issue_running_through_the_spec_is_one_spec_wide_finding() -> None:
    paths = [f"/v1/thing{i}" for i in range(7)]
    issues = tuple(SpecIssue("missing_operation_id", f"GET {p}: no operationId", f"GET {p}") for p in paths)
    rare = SpecIssue("placeholder_schema", "GET /v1/thing0 returns TODOSchema", "GET /v1/thing0")
    api = api_model(*(operation("GET", p) for p in paths), issues=(*issues, rare))
    findings = spec_quality.judge([], api, CTX)
    by_key = {(f.method, f.path): f for f in findings}
    # Seven operations without operationId: one finding naming all seven, not seven findings.
    assert set(by_key) == {(SPEC_WIDE, SPEC_WIDE), ("GET", "/v1/thing0")}
    wide = by_key[(SPEC_WIDE, SPEC_WIDE)]
    assert wide.title == "The spec: no operationId (7 operations)"
    listed = wide.evidence["operations_by_kind"]
    assert isinstance(listed, dict) and len(listed["missing_operation_id"]) == 7  # type: ignore[arg-type]
    # The rare issue stays attached to its own operation.
    assert by_key[("GET", "/v1/thing0")].title.endswith("placeholder schema")
