"""The RPN rubric: severity, occurrence, detection and priority bands."""

from __future__ import annotations

from assay.agents.analysis.risk import (
    detection,
    occurrence,
    priority_for,
    refine_with_outcome,
    score_risk,
    severity,
)
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel, Dependency, Operation, RequestBody, ResponseSpec, SpecIssue
from assay.domain.scenarios import Action, Expectation, RequestSpec, Scenario

SCHEMA: JsonObject = {"type": "object", "properties": {"id": {"type": "integer"}}}
DOCUMENTED = (
    ResponseSpec("200", schema=SCHEMA),
    ResponseSpec("404"),
    ResponseSpec("422"),
    ResponseSpec("500"),
)
BIG_BODY = RequestBody(
    "application/json",
    {
        "type": "object",
        "properties": {f"f{i}": {"type": "string"} for i in range(12)},
        "required": ["f0", "f1", "f2", "f3"],
    },
)

API = ApiModel(
    title="t",
    version="1",
    spec_version="3.0.3",
    base_path="",
    operations=(
        Operation("GET", "/items", responses=DOCUMENTED),
        Operation("DELETE", "/items/{id}", responses=DOCUMENTED),
        Operation("POST", "/payments", request_body=BIG_BODY),
        Operation("POST", "/auth/login", responses=(ResponseSpec("200"),)),
        Operation("GET", "/authors", responses=DOCUMENTED),
        Operation("POST", "/orders/{order_id}/items", responses=DOCUMENTED),
    ),
    dependencies=(
        Dependency("POST /orders/{order_id}/items", "POST /orders", "order_id", "path", "id", "order"),
    ),
    spec_issues=(SpecIssue("untyped_response", "no schema", "POST /auth/login"),),
)


def scenario(op: str, kind: str = "happy_path", sev: int = 5, fixtures: tuple[str, ...] = ()) -> Scenario:
    method, path = op.split(" ", 1)
    action = Action("call", RequestSpec(op, method, path), Expectation())
    return Scenario(
        id=f"SC {op} {kind}",
        feature="f",
        title=op,
        kind=kind,  # type: ignore[arg-type]
        tags=(),
        operations=(op,),
        steps=(),
        actions=(action,),
        fixtures=fixtures,
        severity=sev,
    )


def test_severity_adds_the_riskiest_operation_nature() -> None:
    assert severity(scenario("GET /items"), API) == 5
    assert severity(scenario("DELETE /items/{id}"), API) == 7
    assert severity(scenario("POST /payments"), API) == 8
    assert severity(scenario("POST /auth/login"), API) == 7
    assert severity(scenario("GET /items", kind="no_auth"), API) == 7
    assert severity(scenario("POST /payments", sev=9), API) == 10  # clamped


def test_short_words_do_not_match_longer_ones() -> None:
    # "authors" is not an auth operation
    assert severity(scenario("GET /authors"), API) == 5


def test_occurrence_grows_with_complexity() -> None:
    simple = occurrence(scenario("GET /items"), API)
    assert simple == 2
    # 12 properties (+2), 4 required (+1), nothing documented (+2)
    assert occurrence(scenario("POST /payments"), API) == 7
    assert occurrence(scenario("GET /items", fixtures=("a", "b")), API) == 4
    assert occurrence(scenario("GET /items", kind="wrong_type"), API) == 3
    assert occurrence(scenario("POST /orders/{order_id}/items"), API) == 3  # consumes an order id
    assert occurrence(scenario("POST /auth/login"), API) == 3  # one spec issue


def test_detection_is_ten_without_documented_responses_and_low_when_validated() -> None:
    assert detection(scenario("POST /payments"), API) == 10
    assert detection(scenario("GET /items"), API) == 2
    # 200 without schema (+4), no 4xx (+2), no 5xx/default (+1), untyped issue (+2)
    assert detection(scenario("POST /auth/login"), API) == 10
    assert detection(scenario("GET /unknown"), API) == 8
    assert detection(scenario("GET /unknown"), None) == 10


def test_priority_bands() -> None:
    assert priority_for(1000) == "critical"
    assert priority_for(200) == "critical"
    assert priority_for(199) == "high"
    assert priority_for(80) == "high"
    assert priority_for(79) == "medium"
    assert priority_for(30) == "medium"
    assert priority_for(29) == "low"


def test_score_is_the_product_and_deterministic() -> None:
    sc = scenario("POST /payments")
    score = score_risk(sc, API)
    assert score.rpn == score.severity * score.occurrence * score.detection == 8 * 7 * 10
    assert score.priority == "critical"
    assert score == score_risk(sc, API)
    assert "S=8" in score.rationale


def test_refine_with_outcome() -> None:
    score = score_risk(scenario("GET /items"), API)
    failed = refine_with_outcome(score, False)
    assert failed.occurrence == 10 and failed.rpn == score.severity * 10 * score.detection
    assert refine_with_outcome(score, None) == score
    assert refine_with_outcome(score, True).occurrence == max(1, score.occurrence - 1)
