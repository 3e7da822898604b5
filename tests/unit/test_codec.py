"""codec: domain dataclasses to plain JSON and back."""

from __future__ import annotations

import json

import pytest
from tests.unit.sample_run import analysis, findings, observation, requirements, run_result

from assay.domain import evolution as evo
from assay.domain.analysis import AnalysisResult
from assay.domain.codec import from_json, to_json
from assay.domain.errors import UsageError
from assay.domain.findings import Finding
from assay.domain.json import dig
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.scenarios import Expectation, RequirementsResult


def roundtrip(value: object) -> object:
    data = json.loads(json.dumps(to_json(value)))  # really plain JSON
    return from_json(type(value), data)


@pytest.mark.parametrize(
    "value",
    [
        observation(),
        requirements(),
        analysis(),
        findings()[0],
        evo.EvolutionResult(
            (
                evo.TestCase(
                    "SC-API-001", "test_x", "test_a.py", "pytest-httpx", "def test_x(): ...", ("F-1",)
                ),
            ),
            {"conftest.py": "x = 1\n"},
            ("note",),
        ),
    ],
    ids=["observation", "requirements", "analysis", "finding", "evolution"],
)
def test_round_trip(value: object) -> None:
    assert roundtrip(value) == value


def test_tuples_become_lists_and_json_payloads_pass_through() -> None:
    data = to_json(requirements())
    assert isinstance(dig(data, "scenarios.0.tags"), list)
    assert dig(data, "scenarios.1.actions.0.request.body") == {"name": "item ${unique}"}
    rebuilt = from_json(RequirementsResult, data)
    assert isinstance(rebuilt.scenarios, tuple) and isinstance(rebuilt.scenarios[0].tags, tuple)
    assert rebuilt.scenarios[1].actions[0].request.body == {"name": "item ${unique}"}


def test_run_result_round_trip_keeps_optional_stages() -> None:
    run = run_result()
    run.analysis = None
    assert from_json(RunResult, to_json(run)) == run


def test_defaults_fill_missing_optional_fields() -> None:
    assert from_json(Expectation, {}) == Expectation()
    assert from_json(Expectation, {"statuses": [201]}).statuses == (201,)


@pytest.mark.parametrize(
    ("cls", "data", "where"),
    [
        (Finding, {"category": "server_error"}, "Finding.severity: required field is missing"),
        (Expectation, {"statuses": "201"}, "Expectation.statuses: expected a list"),
        (Expectation, {"statuses": [True]}, "Expectation.statuses[0]: expected int"),
        (Finding, {**to_json(findings()[0]), "severity": "urgent"}, "Finding.severity: expected one of"),  # type: ignore[dict-item]
        (Observation, {"target": "x", "kind": "api", "api": 3}, "Observation.api"),
        (AnalysisResult, [], "AnalysisResult: expected an object"),
    ],
)
def test_wrong_shapes_name_the_field(cls: type, data: object, where: str) -> None:
    with pytest.raises(UsageError, match=__import__("re").escape(where)):
        from_json(cls, data)  # type: ignore[arg-type]


def test_to_json_rejects_non_json_values() -> None:
    with pytest.raises(UsageError):
        to_json({1, 2})
