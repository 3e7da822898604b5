"""wfc-report.json: the run as a Web Fuzzing Commons report (the schema ``webfuzzing-commons`` ships).

EvoMaster and Schemathesis write this format, and its web page reads it. Each finding is a found
fault on its operation (``GET:/items/{id}``) with a WFC fault category: the WFC code where WFC
defines the fault (500 answers, schema violations, SQL injection, SSRF, mass assignment...), else
one of assay's own codes in the range WFC leaves to tools (900-999). Tests come from the generated
suite; a finding no generated test proves is listed under its finding id as a test case with no file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay import __version__
from assay.domain import clock
from assay.domain.evolution import TestCase
from assay.domain.findings import Category, Finding
from assay.domain.json import Json, JsonObject
from assay.domain.redaction import redact_secrets, redact_strings
from assay.domain.run import RunResult
from assay.domain.verdict import incomplete_reasons
from assay.report.common import observed_status, requests_sent

WFC_SCHEMA_VERSION = "0.12.1"  # the webfuzzing-commons release whose report.yaml this follows
SUITE_DIR = "tests"  # where write_artifacts puts the generated suite, relative to this report

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# assay's own fault codes (WFC's custom range 900-999), one per category and fixed: a code must not
# change between releases, so new categories take the next free number, never a reused one.
CUSTOM_CODES: dict[Category, int] = {
    "server_error": 900, "missing_endpoint": 901, "spec_drift": 902, "response_schema": 903,
    "status_code": 904, "redirect": 905, "spec_quality": 906, "missing_authentication": 907,
    "broken_function_authorization": 908, "broken_object_authorization": 909,
    "broken_authentication": 910, "information_disclosure": 911, "ssrf": 912, "cors": 913,
    "open_redirect": 914, "security_headers": 915, "cookie_flags": 916, "session_management": 917,
    "weak_session_secret": 918, "weak_password_policy": 919, "resource_exhaustion": 920,
    "data_exposure": 921, "injection": 922, "mass_assignment": 923, "user_enumeration": 924,
    "rate_limiting": 925, "stale_resource": 926, "lost_update": 927, "race_condition": 928,
    "business_flow": 929, "slow_response": 930, "ui_broken_link": 931, "ui_console_error": 932,
    "ui_server_error": 933, "ui_accessibility": 934, "ui_silent_failure": 935, "ui_functional": 936,
}  # fmt: skip
# The WFC fault categories (fault_categories.json of webfuzzing-commons) assay's findings can be.
WFC_FAULTS: dict[int, str] = {
    100: "HTTP_STATUS_500",
    102: "HTTP_STATUS_NO_201_IF_DELETE",
    103: "HTTP_STATUS_NO_201_IF_GET",
    104: "HTTP_STATUS_NO_201_IF_PATCH",
    113: "HTTP_NONWORKING_DELETE",
    121: "HTTP_OTHER_STATUS_5XX",
    200: "SCHEMA_INVALID_RESPONSE",
    205: "SCHEMA_STATUS_NO_501_IF_IMPLEMENTED",
    207: "SCHEMA_VALID_INPUT_REJECTED",
    300: "SECURITY_SQL_INJECTION",
    302: "SECURITY_SSRF",
    303: "SECURITY_MASS_ASSIGNMENT",
    306: "SECURITY_INCONSISTENT_WRITE_AUTHORIZATION",
    307: "SECURITY_IGNORE_ANONYMOUS",
    308: "SECURITY_ANONYMOUS_MODIFICATIONS",
    309: "SECURITY_LEAKED_STACK_TRACES",
}
_SQL = re.compile(r"\bsql|sqlite|postgres|mysql|syntax error at or near", re.IGNORECASE)
_STACK = re.compile(r"traceback|stack trace|exception in|at [\w.$]+\(\w+\.java", re.IGNORECASE)
# The generated API tests call httpx through their ``client`` fixture (assay.agents.evolution.api_suite).
_HTTP_CALL = re.compile(r"\bclient\.(?:get|post|put|patch|delete|head|options|request)\(")


def operation_id(method: str, path: str) -> str:
    """WFC's operation id: ``VERB:/path/{template}``."""
    return f"{method.upper()}:{path}"


def _text(finding: Finding) -> str:
    return f"{finding.title}\n{finding.detail}"


def wfc_code(finding: Finding) -> int:
    """The WFC fault code of ``finding``: WFC's own where it defines the fault, else assay's 9xx."""
    category, method, status = finding.category, finding.method.upper(), observed_status(finding)
    if category in {"server_error", "ui_server_error"} and status is not None:
        return (
            100
            if status == 500
            else 205
            if status == 501
            else 121
            if status >= 500
            else CUSTOM_CODES[category]
        )
    if category == "missing_endpoint" and status == 501:
        return 205
    if category == "status_code" and status == 201 and method in {"DELETE", "GET", "PATCH"}:
        return {"DELETE": 102, "GET": 103, "PATCH": 104}[method]
    fixed: dict[str, int] = {
        "response_schema": 200, "spec_drift": 207, "stale_resource": 113, "ssrf": 302, "mass_assignment": 303,
    }  # fmt: skip
    if category in fixed:
        return fixed[category]
    if category == "injection" and _SQL.search(_text(finding)) and "nosql" not in _text(finding).lower():
        return 300
    if category in {"broken_object_authorization", "broken_function_authorization"} and method in _WRITES:
        return 306
    if category == "missing_authentication":
        return 308 if method in _WRITES else 307
    if category == "information_disclosure" and _STACK.search(_text(finding)):
        return 309
    return CUSTOM_CODES[finding.category]


def fault_category(finding: Finding) -> JsonObject:
    code = wfc_code(finding)
    name = WFC_FAULTS.get(code) or f"ASSAY_{finding.category.upper()}"
    return {"id": name, "code": code, "context": finding.category}


def _test_id(case: TestCase) -> str:
    return f"{SUITE_DIR}/{case.file}::{case.name}"


def _lines(case: TestCase, files: dict[str, str]) -> JsonObject:
    """Where the test's code sits in its file (1-based, inclusive), when it can be found there."""
    content = files.get(case.file, "")
    at = content.find(case.code) if case.code else -1
    if at < 0:
        return {}
    start = content.count("\n", 0, at) + 1
    return {"startLine": start, "endLine": start + case.code.rstrip("\n").count("\n")}


def _test_cases(run: RunResult) -> list[Json]:
    if run.evolution is None:
        return []
    files = run.evolution.files
    cases: list[Json] = []
    for case in run.evolution.test_cases:
        entry: JsonObject = {"id": _test_id(case), "filePath": f"{SUITE_DIR}/{case.file}", "name": case.name}
        entry.update(_lines(case, files))
        cases.append(entry)
    return cases


def _proving_test(finding: Finding, cases: Sequence[TestCase]) -> str | None:
    """The generated test tied to the finding, else one of its scenario."""
    tied = next((c for c in cases if finding.id and finding.id in c.finding_ids), None)
    same = tied or next(
        (c for c in cases if finding.scenario_id and c.scenario_id == finding.scenario_id), None
    )
    return _test_id(same) if same else None


def _faults(run: RunResult) -> tuple[JsonObject, list[Json]]:
    """The Faults block, and test cases for findings no generated test proves."""
    cases = run.evolution.test_cases if run.evolution else ()
    found: list[Json] = []
    orphans: list[Json] = []
    for finding in run.findings:
        test_id = _proving_test(finding, cases)
        if test_id is None:
            test_id = finding.id or f"{finding.category} {finding.method} {finding.path}"
            orphans.append({"id": test_id, "name": f"{test_id}: {finding.title} (no generated test)"})
        found.append(
            {
                "operationId": operation_id(finding.method, finding.path),
                "testCaseId": test_id,
                "faultCategories": [fault_category(finding)],
            }
        )
    return {"totalNumber": len(run.findings), "foundFaults": found}, orphans


def _endpoint_ids(run: RunResult) -> list[str]:
    api = run.observation.api if run.observation else None
    ids = [operation_id(op.method, op.path) for op in api.operations] if api else []
    # Every faulty operation must be one of the report's endpoints (pages of a web app included).
    ids.extend(operation_id(f.method, f.path) for f in run.findings)
    return list(dict.fromkeys(ids))


def _covered(run: RunResult) -> list[Json]:
    """Per (endpoint, generated test): the statuses its scenario's requests got during the run."""
    cases = run.evolution.test_cases if run.evolution else ()
    by_scenario: dict[str, str] = {}
    for case in cases:
        by_scenario.setdefault(case.scenario_id, _test_id(case))
    statuses: dict[tuple[str, str], list[int]] = {}
    for exchange in run.exchanges:
        test_id = by_scenario.get(exchange.scenario_id or "")
        if test_id is None or not exchange.path_template:
            continue
        key = (operation_id(exchange.request.method, exchange.path_template), test_id)
        seen = statuses.setdefault(key, [])
        if exchange.status is not None and exchange.status not in seen:
            seen.append(exchange.status)
    return [
        {"endpointId": endpoint, "testCaseId": test_id, "httpStatus": [*sorted(codes)]}
        for (endpoint, test_id), codes in statuses.items()
    ]


def _output_calls(run: RunResult) -> int:
    """HTTP calls written in the generated API tests (each client call in their code)."""
    cases = run.evolution.test_cases if run.evolution else ()
    return sum(len(_HTTP_CALL.findall(c.code)) for c in cases if c.framework == "pytest-httpx")


def _created(run: RunResult) -> str:
    """When the report was made: the run's end (its start for a run cut short), else now."""
    return next((s for s in (run.finished_at, run.started_at) if clock.is_stamp(s)), clock.now_iso())


def _seconds(run: RunResult) -> int:
    try:
        elapsed = (clock.parse(run.finished_at) - clock.parse(run.started_at)).total_seconds()
    except ValueError:
        return 0
    return max(0, round(elapsed))


def _coverage(run: RunResult) -> list[Json]:
    api = run.observation.api if run.observation else None
    criteria: list[Json] = []
    if api is not None:
        called = {e.operation for e in run.exchanges if e.operation and e.response is not None}
        answered = sum(1 for op in api.operations if op.key in called)
        criteria.append({"name": "operations answered", "covered": answered, "total": len(api.operations)})
    if run.observation is not None and run.observation.pages:
        criteria.append({"name": "pages crawled", "covered": len(run.observation.pages), "total": None})
    return [{"toolName": "assay", "criteria": criteria}] if criteria else []


def _warnings(run: RunResult) -> list[Json]:
    found: list[Json] = [
        {"message": reason, "category": "incomplete", "displayPriority": 1}
        for reason in incomplete_reasons(run)
    ]
    if run.error:
        found.insert(0, {"message": run.error, "category": "error", "displayPriority": 0})
    return found


def wfc_document(run: RunResult) -> JsonObject:
    """The WFC report of ``run``; run.secrets never appear in it."""
    faults, orphans = _faults(run)
    files = run.evolution.files if run.evolution else {}
    test_files = sorted(
        f"{SUITE_DIR}/{name}" for name in files if name.rsplit("/", 1)[-1].startswith("test_")
    )
    document: JsonObject = {
        "schemaVersion": WFC_SCHEMA_VERSION,
        "toolName": "assay",
        "toolVersion": __version__,
        "creationTime": _created(run),
        "faults": faults,
        "problemDetails": {
            "rest": {
                "outputHttpCalls": _output_calls(run),
                "evaluatedHttpCalls": requests_sent(run),
                "endpointIds": [*_endpoint_ids(run)],
                "coveredHttpStatus": _covered(run),
            }
        },
        "totalTests": len(run.evolution.test_cases) if run.evolution else 0,
        "testFilePaths": [*test_files],
        "testCases": [*_test_cases(run), *orphans],
        "executionTimeInSeconds": _seconds(run),
        "extra": _coverage(run),
        "warnings": _warnings(run),
    }
    redacted = redact_strings(document, run.secrets, redact_secrets)
    return redacted if isinstance(redacted, dict) else document
