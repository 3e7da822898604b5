"""A small but complete run of a "shop" API, shared by the codec, codegen and report tests."""

from __future__ import annotations

from assay.domain.analysis import (
    AnalysisResult,
    ExecutionStrategy,
    ExecutionSuccess,
    FinalPriority,
    RiskScore,
    ScenarioRun,
    StepResult,
)
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.observation import Observation, ProbedEndpoint
from assay.domain.operations import (
    ApiModel,
    AuthFlow,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    SpecIssue,
)
from assay.domain.run import RunResult
from assay.domain.scenarios import (
    Action,
    CoverageItem,
    CoverageMetrics,
    Expectation,
    RequestSpec,
    RequirementsResult,
    ResourceRecipe,
    Scenario,
    Step,
)

SECRET = "s3cr3t-Passw0rd"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.sample-token"
ITEM_SCHEMA: JsonObject = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "note": {"type": "string", "nullable": True},
    },
}


def api_model() -> ApiModel:
    item_id = Parameter("item_id", "path", required=True, schema={"type": "integer"})
    body = RequestBody("application/json", {"type": "object", "required": ["name"]}, required=True)
    ops = (
        Operation("POST", "/auth/register", request_body=body, responses=(ResponseSpec("201"),)),
        Operation("POST", "/auth/login", request_body=body, responses=(ResponseSpec("200"),)),
        Operation(
            "GET", "/items/", responses=(ResponseSpec("200", schema={"type": "array"}),), security=("b",)
        ),
        Operation(
            "POST",
            "/items/",
            request_body=body,
            responses=(ResponseSpec("201", content_type="application/json", schema=ITEM_SCHEMA),),
            security=("b",),
        ),
        Operation(
            "GET",
            "/items/{item_id}",
            parameters=(item_id,),
            responses=(ResponseSpec("200", content_type="application/json", schema=ITEM_SCHEMA),),
            security=("b",),
        ),
        Operation("DELETE", "/items/{item_id}", parameters=(item_id,), security=("b",)),
        Operation(
            "POST", "/items/{item_id}/reviews", parameters=(item_id,), request_body=body, security=("b",)
        ),
        Operation("GET", "/stats/public"),
        Operation("PUT", "/items/{item_id}", parameters=(item_id,), request_body=body, security=("b",)),
    )
    auth = AuthFlow(
        kind="bearer",
        login_operation="POST /auth/login",
        register_operation="POST /auth/register",
        register_fields=("username", "email", "password"),
    )
    issue = SpecIssue("untyped_response", "POST /items/{item_id}/reviews has no response schema", None)
    return ApiModel("Shop", "1.0", "3.0.3", "", ops, auth=auth, spec_issues=(issue,))


def _action(name: str, method: str, path: str, expect: Expectation, **kw: object) -> Action:
    save = kw.pop("save", {})
    request = RequestSpec(operation=f"{method} {path}", method=method, path=path, **kw)  # type: ignore[arg-type]
    return Action(name, request, expect, save=save)  # type: ignore[arg-type]


def requirements() -> RequirementsResult:
    ok = Expectation()
    created = Expectation(statuses=(201,), status_classes=())
    body = {"name": "item ${unique}"}
    recipe = ResourceRecipe(
        "item", _action("create item", "POST", "/items/", ok, body=body, has_body=True, save={"id": "id"})
    )
    given = Step("Given", "an authenticated user")
    scenarios = (
        Scenario(
            "SC-API-001",
            "Items",
            "List items",
            "list_read",
            ("@smoke", "@items"),
            ("GET /items/",),
            (given, Step("When", "they list items"), Step("Then", "the server answers 200")),
            (_action("list items", "GET", "/items/", ok),),
            severity=6,
        ),
        Scenario(
            "SC-API-002",
            "Items",
            "Create item answers 201",
            "create_status",
            ("@items",),
            ("POST /items/",),
            (given, Step("Then", "the server answers 201 Created")),
            (
                _action(
                    "create item",
                    "POST",
                    "/items/",
                    created,
                    body=body,
                    has_body=True,
                    save={"item_id": "id"},
                ),
            ),
        ),
        Scenario(
            "SC-API-003",
            "Items",
            "Read an item",
            "crud_lifecycle",
            ("@items",),
            ("GET /items/{item_id}",),
            (given, Step("When", "they read an item")),
            (_action("read item", "GET", "/items/{item_id}", ok, path_params={"item_id": "${item.id}"}),),
            fixtures=("item",),
        ),
        Scenario(
            "SC-API-004",
            "Reviews",
            "Review an item",
            "happy_path",
            (),
            ("POST /items/{item_id}/reviews",),
            (given,),
            (
                _action(
                    "review",
                    "POST",
                    "/items/{item_id}/reviews",
                    ok,
                    path_params={"item_id": "${item.id}"},
                    body={"stars": 5},
                    has_body=True,
                ),
            ),
            fixtures=("item",),
            severity=8,
        ),
        Scenario(
            "SC-API-005",
            "Items",
            "Listing needs credentials",
            "no_auth",
            ("@security",),
            ("GET /items/",),
            (Step("Given", "no credentials"),),
            (
                _action(
                    "list anonymously",
                    "GET",
                    "/items/",
                    Expectation(statuses=(401, 403), status_classes=()),
                    auth="none",
                    intent="no_auth",
                ),
            ),
        ),
        Scenario(
            "SC-API-006",
            "Conventions",
            "Collection without slash",
            "trailing_slash",
            (),
            ("GET /items/",),
            (given,),
            (
                _action(
                    "list without slash", "GET", "/items/", ok, path_variant="strip_slash", intent="variant"
                ),
            ),
        ),
        Scenario(
            "SC-API-007",
            "Stats",
            "Public stats",
            "happy_path",
            (),
            ("GET /stats/public",),
            (Step("When", "anyone reads public stats"),),
            (_action("read stats", "GET", "/stats/public", ok, auth="none"),),
        ),
    )
    coverage = CoverageMetrics(
        operations_total=9,
        operations_covered=6,
        scenarios_by_kind={"list_read": 1, "create_status": 1},
        covered=(CoverageItem("Item listing and creation"), CoverageItem("Authentication")),
        not_covered=(
            CoverageItem("PUT /items/{item_id}", "no update scenario"),
            CoverageItem("Rate limiting"),
        ),
    )
    return RequirementsResult(scenarios, (recipe,), {"item_name": "item"}, coverage)


def findings() -> list[Finding]:
    def evidence(method: str, path: str, status: int, body: str) -> dict[str, object]:
        return {
            "request": {"method": method, "url": f"http://127.0.0.1:8000{path}", "headers": {}},
            "response": {"status": status, "headers": {}, "body": body},
        }

    return [
        Finding(
            "server_error",
            "critical",
            "POST",
            "/items/{item_id}/reviews",
            "Review an item answers 500",
            "Every valid review answers 500 Internal Server Error.",
            evidence("POST", "/items/3/reviews", 500, "Internal Server Error"),  # type: ignore[arg-type]
            "curl -X POST 'http://127.0.0.1:8000/items/3/reviews' -H 'Authorization: Bearer {token}' "
            "-H 'Content-Type: application/json' -d '{\"stars\": 5}'",
            "SC-API-004",
            "Check the server logs for the review handler.",
            "Reviews are broken",
            "F-0001",
        ),
        Finding(
            "status_code",
            "low",
            "POST",
            "/items/",
            "Create item answers 200 instead of 201",
            "A successful create answers 200.",
            evidence("POST", "/items/", 200, "{}"),  # type: ignore[arg-type]
            "curl -X POST 'http://127.0.0.1:8000/items/'",
            "SC-API-002",
            "Return 201 Created from the create handler.",
            id="F-0002",
        ),
        Finding(
            "missing_endpoint",
            "medium",
            "GET",
            "/stats/public",
            "Public stats are documented but missing",
            "The spec documents GET /stats/public; the server answers 404.",
            evidence("GET", "/stats/public", 404, "Not Found"),  # type: ignore[arg-type]
            scenario_id="SC-API-007",
            recommendation="Implement it or remove it from the spec.",
            id="F-0003",
        ),
        Finding(
            "redirect",
            "info",
            "GET",
            "/items/",
            "Collection without trailing slash redirects",
            "GET /items answers 307 to /items/.",
            evidence("GET", "/items", 307, ""),  # type: ignore[arg-type]
            scenario_id="SC-API-006",
            id="F-0004",
        ),
        Finding(
            "spec_drift",
            "medium",
            "POST",
            "/items/",
            "Create item requires an undocumented field",
            f"The server requires 'price' although the spec marks it optional (password {SECRET}).",
            {"required_fields": ["price"], "working_body": {"name": "x", "price": 1}},
            id="F-0005",
        ),
    ]


def observation() -> Observation:
    return Observation(
        target="http://127.0.0.1:8000",
        kind="api",
        api=api_model(),
        spec_location="http://127.0.0.1:8000/openapi.json",
        discovery_log=("GET /openapi.json -> 200",),
        probes=(ProbedEndpoint("GET", "/health", 200, "application/json"),),
        confidence=0.9,
        requests_sent=4,
    )


def analysis() -> AnalysisResult:
    def run(sid: str, status: str, ok: bool, code: int, blocked: str | None = None) -> ScenarioRun:
        steps = () if blocked else (StepResult(sid.lower(), ok, "" if ok else f"answered {code}", code),)
        return ScenarioRun(sid, status, steps, 0.05, blocked)  # type: ignore[arg-type]

    runs = (
        run("SC-API-001", "passed", True, 200),
        run("SC-API-002", "failed", False, 200),
        run("SC-API-003", "passed", True, 200),
        run("SC-API-004", "failed", False, 500),
        run("SC-API-005", "passed", True, 401),
        run("SC-API-006", "failed", False, 307),
        run("SC-API-007", "blocked", False, 0, blocked="fixture stats: GET /stats/public answered 404"),
    )
    return AnalysisResult(
        risk_scores=(RiskScore("SC-API-004", 8, 5, 3, 120, "critical", "reviews"),),
        business_values=(),
        roi_scores=(),
        execution_times=(),
        dependencies=(),
        final_prioritization=(FinalPriority("SC-API-004", 0.9, 1, "critical", 1),),
        execution_strategy=ExecutionStrategy(("SC-API-001",), (("SC-API-001", "SC-API-005"),), 1.0, 0.5),
        execution_success=(ExecutionSuccess("SC-API-001", 1.0, 1, 1, "tier1", "high"),),
        runs=runs,
        requests_sent=21,
    )


def run_result() -> RunResult:
    return RunResult(
        target="http://127.0.0.1:8000",
        started_at="2026-11-23T10:00:00Z",
        finished_at="2026-11-23T10:00:41Z",
        observation=observation(),
        requirements=requirements(),
        analysis=analysis(),
        findings=findings(),
        secrets=(SECRET, TOKEN),
    )
