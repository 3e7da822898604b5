"""wfc-report.json: valid against the report schema the webfuzzing-commons package ships."""

from __future__ import annotations

import json
import typing
from dataclasses import replace
from importlib import resources

import jsonschema
import pytest
import yaml
from tests.unit.sample_run import SECRET, TOKEN, run_result

from assay import __version__
from assay.agents.evolution.agent import evolve
from assay.domain.findings import Category, Finding
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.run import RunResult
from assay.report.wfc import CUSTOM_CODES, WFC_FAULTS, wfc_code, wfc_document


def _package_data(name: str) -> str:
    return resources.files("webfuzzing_commons").joinpath("data", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = yaml.safe_load(_package_data("report.yaml"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def full_run() -> RunResult:
    run = run_result()
    assert run.observation and run.requirements
    run.evolution = evolve(run.observation, run.requirements, run.analysis, run.findings)
    return run


def _rest(document: JsonObject) -> JsonObject:
    return as_object(as_object(document["problemDetails"])["rest"])


def test_the_sample_run_is_a_valid_wfc_report(validator: jsonschema.protocols.Validator) -> None:
    document = wfc_document(full_run())
    validator.validate(document)
    assert (document["toolName"], document["toolVersion"]) == ("assay", __version__)
    assert document["executionTimeInSeconds"] == 41
    assert _rest(document)["evaluatedHttpCalls"] == 25  # every request the run sent
    run = full_run()
    written = sum(c.code.count("client.request(") for c in run.evolution.test_cases) if run.evolution else 0
    assert written > 0 and _rest(document)["outputHttpCalls"] == written  # the calls the tests make


def test_an_empty_and_a_failed_run_are_valid(validator: jsonschema.protocols.Validator) -> None:
    validator.validate(
        wfc_document(RunResult(target="http://127.0.0.1:1", started_at="2026-11-23T10:00:00Z"))
    )
    failed = wfc_document(RunResult(target="http://127.0.0.1:1", started_at="t", error="refused"))
    validator.validate(failed)
    assert as_object(as_list(failed["warnings"])[0])["message"] == "refused"


def test_faults_point_at_operations_and_tests_of_the_report() -> None:
    document = wfc_document(full_run())
    endpoints = set(as_list(_rest(document)["endpointIds"]))
    tests = {as_object(t)["id"] for t in as_list(document["testCases"])}
    faults = [as_object(f) for f in as_list(as_object(document["faults"])["foundFaults"])]
    assert as_object(document["faults"])["totalNumber"] == len(faults) == 5
    assert "POST:/items/{item_id}/reviews" in endpoints
    for fault in faults:  # the schema's MUSTs: known operation ids and test case ids
        assert fault["operationId"] in endpoints and fault["testCaseId"] in tests
    first = faults[0]
    assert as_object(as_list(first["faultCategories"])[0]) == {
        "id": "HTTP_STATUS_500", "code": 100, "context": "server_error",
    }  # fmt: skip


def test_generated_tests_are_listed_with_their_lines() -> None:
    run = full_run()
    assert run.evolution is not None
    document = wfc_document(run)
    paths = as_list(document["testFilePaths"])
    assert "tests/test_items.py" in paths and all(as_str(p).startswith("tests/") for p in paths)
    assert document["totalTests"] == len(run.evolution.test_cases)
    case = run.evolution.test_cases[0]
    entry = next(as_object(t) for t in as_list(document["testCases"]) if as_object(t)["name"] == case.name)
    lines = run.evolution.files[case.file].splitlines()
    start = int(as_str(entry["startLine"], str(entry["startLine"])))
    assert case.name in lines[start - 1] or case.name in "\n".join(lines[start - 1 : start + 3])


def test_codes_are_those_the_package_defines() -> None:
    shipped = {int(c["code"]): c["id"] for c in json.loads(_package_data("fault_categories.json"))}
    assert all(shipped[code] == name for code, name in WFC_FAULTS.items())
    assert set(CUSTOM_CODES) == set(typing.get_args(Category))
    assert len(set(CUSTOM_CODES.values())) == len(CUSTOM_CODES)
    assert all(900 <= code <= 999 for code in CUSTOM_CODES.values())


# fmt: off
CODES = [
    # WFC's own codes where it defines the fault, by status, method or what the evidence says
    ("server_error", "GET", 500, "", 100), ("server_error", "GET", 503, "", 121),
    ("response_schema", "GET", 200, "", 200), ("spec_drift", "POST", 422, "", 207),
    ("stale_resource", "DELETE", 200, "", 113), ("ssrf", "POST", 200, "", 302),
    ("mass_assignment", "POST", 201, "", 303), ("broken_object_authorization", "PUT", 200, "", 306),
    ("missing_authentication", "GET", 200, "", 307), ("missing_authentication", "DELETE", 204, "", 308),
    ("injection", "GET", 500, "sqlite3.OperationalError: near", 300),
    ("information_disclosure", "GET", 500, "Traceback (most recent call last)", 309),
    # assay's codes for what WFC does not define
    ("server_error", "GET", None, "connection dropped", 900), ("ui_accessibility", "GET", None, "", 934),
    ("injection", "GET", 200, "template expression evaluated", 922),
    ("broken_object_authorization", "GET", 200, "", 909),
]
# fmt: on


@pytest.mark.parametrize(("category", "method", "status", "detail", "code"), CODES)
def test_categories_map_to_wfc_codes(
    category: str, method: str, status: int | None, detail: str, code: int
) -> None:
    evidence: JsonObject = {"response": {"status": status}} if status is not None else {}
    finding = Finding(category, "high", method, "/x", "t", detail, evidence)  # type: ignore[arg-type]
    assert wfc_code(finding) == code


def test_a_finding_no_test_proves_is_its_own_test_case(validator: jsonschema.protocols.Validator) -> None:
    lone = Finding("cors", "medium", "GET", "/me", "Credentialed CORS for any origin", "", id="F-0042")
    document = wfc_document(replace(run_result(), findings=[lone]))
    validator.validate(document)
    fault = as_object(as_list(as_object(document["faults"])["foundFaults"])[0])
    assert fault["testCaseId"] == "F-0042"
    case = next(as_object(t) for t in as_list(document["testCases"]) if as_object(t)["id"] == "F-0042")
    assert "filePath" not in case and "no generated test" in as_str(case["name"])


def test_secrets_never_appear() -> None:
    text = json.dumps(wfc_document(full_run()))
    assert SECRET not in text and TOKEN not in text
