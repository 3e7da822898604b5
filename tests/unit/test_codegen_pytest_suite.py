"""The generated pytest suite: valid, ruff-clean, deterministic, and asserting correct behaviour."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from tests.unit.sample_run import SECRET, analysis, api_model, findings, observation, requirements

from assay.agents.evolution.agent import evolve
from assay.agents.evolution.api_suite.pysource import py_literal
from assay.agents.evolution.api_suite.pytest_suite import build_suite, render_suite
from assay.agents.evolution.api_suite.schemas import to_json_schema
from assay.agents.evolution.api_suite.suite_tests import status_condition
from assay.domain.operations import AuthFlow
from assay.domain.scenarios import Expectation

SNAPSHOTS = Path(__file__).parent.parent / "snapshots" / "pytest_suite"
UPDATE = os.environ.get("ASSAY_UPDATE_SNAPSHOTS") == "1"


def suite() -> dict[str, str]:
    return render_suite(
        requirements(), api_model(), findings(), "http://127.0.0.1:8000", smoke_ids={"SC-API-001"}
    )


def test_matches_snapshot() -> None:
    files = suite()
    if UPDATE:
        shutil.rmtree(SNAPSHOTS, ignore_errors=True)
        SNAPSHOTS.mkdir(parents=True)
        for name, text in files.items():
            # ".snap" keeps pytest from collecting the snapshot's conftest.py and test modules.
            (SNAPSHOTS / f"{name}.snap").write_text(text)
    expected = {p.name.removesuffix(".snap"): p.read_text() for p in SNAPSHOTS.iterdir()}
    assert files == expected, "run with ASSAY_UPDATE_SNAPSHOTS=1 to accept the new output"


def test_deterministic() -> None:
    assert suite() == suite()


def test_every_python_file_compiles() -> None:
    for name, text in suite().items():
        if name.endswith(".py"):
            compile(text, name, "exec")


def test_ruff_clean(tmp_path: Path) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    for name, text in suite().items():
        (tmp_path / name).write_text(text)
    check = subprocess.run([ruff, "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_one_test_per_scenario_named_after_its_id() -> None:
    built = build_suite(requirements(), api_model(), findings(), "")
    assert [t.name for t in built.tests][:2] == [
        "test_sc_api_001_list_items",
        "test_sc_api_002_create_item_answers_201",
    ]
    assert len(built.tests) == len(requirements().scenarios)
    assert all(f"def {t.name}(" in built.files[t.file] for t in built.tests)


def test_finding_tests_assert_the_correct_status_never_the_buggy_one() -> None:
    files = suite()
    reviews = files["test_reviews.py"]
    assert '@pytest.mark.finding("F-0001")' in reviews
    assert "200 <= response.status_code < 300" in reviews
    assert "== 500" not in "".join(files.values())
    assert "response.status_code == 201" in files["test_items.py"]


def test_an_accepted_buggy_status_is_excluded_for_its_finding() -> None:
    lenient = Expectation(statuses=(201,))  # default classes accept any 2xx, 200 included
    reqs = requirements()
    scenarios = tuple(
        replace(s, actions=(replace(s.actions[0], expect=lenient),)) if s.id == "SC-API-002" else s
        for s in reqs.scenarios
    )
    files = render_suite(replace(reqs, scenarios=scenarios), api_model(), findings(), "")
    # The assertion is split the way ruff format splits it.
    assert (
        'assert response.status_code != 200, (\n        "F-0002: Create item answers 200 instead of 201; "'
        in files["test_items.py"]
    )


def test_no_secrets_ids_or_hosts_hard_coded() -> None:
    text = "".join(suite().values())
    assert SECRET not in text and "Bearer ey" not in text
    assert "/items/3" not in text  # ids come from fixtures
    assert 'os.environ.get("ASSAY_PASSWORD"' in text
    assert 'os.environ.get("BASE_URL"' in text


def test_fixture_creates_and_deletes_the_resource() -> None:
    conftest = suite()["conftest.py"]
    assert "def item(" in conftest and '"/items/"' in conftest
    assert '"DELETE",' in conftest and '{"item_id": "${item.id}"}' in conftest
    assert "follow_redirects=False" in conftest


def test_schema_is_embedded_as_a_literal_with_nullable_translated() -> None:
    items = suite()["test_items.py"]
    assert "SCHEMAS_POST_ITEMS = {" in items and "check_schema(response, SCHEMAS_POST_ITEMS)" in items
    assert '"note": {"type": ["string", "null"]}' in items


def test_markers_are_registered() -> None:
    ini = suite()["pytest.ini"]
    assert "--strict-markers" in ini and "finding(id)" in ini and "items:" in ini and "security:" in ini


@pytest.mark.parametrize(
    ("flow", "expected"),
    [
        (AuthFlow(), "requests go without credentials"),
        (AuthFlow(kind="api_key", header_name="X-API-Key"), 'os.environ.get("ASSAY_API_KEY"'),
        (AuthFlow(kind="basic"), "Basic {token}"),
        (AuthFlow(kind="bearer"), 'os.environ.get("ASSAY_TOKEN"'),
        (AuthFlow(kind="cookie", login_operation="POST /login", login_format="form"), '{"Cookie": cookies}'),
    ],
)
def test_auth_variants(flow: AuthFlow, expected: str) -> None:
    files = render_suite(requirements(), replace(api_model(), auth=flow), findings(), "")
    assert expected in files["conftest.py"]
    compile(files["conftest.py"], "conftest.py", "exec")


def test_without_api_model_the_suite_still_builds() -> None:
    files = render_suite(requirements(), None, findings(), "")
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")
    assert "check_schema" not in files["test_items.py"]


@pytest.mark.parametrize(
    ("expect", "condition"),
    [
        (Expectation(), "200 <= response.status_code < 300"),
        (Expectation(statuses=(201,), status_classes=()), "response.status_code == 201"),
        (Expectation(statuses=(401, 403), status_classes=()), "response.status_code in (401, 403)"),
        (Expectation(statuses=(404,)), "response.status_code == 404 or 200 <= response.status_code < 300"),
        (Expectation(statuses=(), status_classes=(4, 5)), "response.status_code // 100 in (4, 5)"),
    ],
)
def test_status_condition_mirrors_accepts(expect: Expectation, condition: str) -> None:
    assert status_condition(expect) == condition
    for status in (200, 201, 307, 401, 403, 404, 500):
        assert eval(condition, {}, {"response": type("R", (), {"status_code": status})}) == expect.accepts(
            status
        )


def test_literals_and_schemas() -> None:
    assert py_literal({"a": [1, True, None]}) == '{"a": [1, True, None]}'
    assert to_json_schema({"type": "integer", "minimum": 1, "exclusiveMinimum": True}) == {
        "type": "integer",
        "exclusiveMinimum": 1,
    }


def test_evolve_records_one_test_case_per_scenario() -> None:
    result = evolve(observation(), requirements(), analysis(), findings())
    assert len(result.test_cases) == len(requirements().scenarios)
    case = next(c for c in result.test_cases if c.scenario_id == "SC-API-004")
    assert case.framework == "pytest-httpx" and case.finding_ids == ("F-0001",)
    assert (
        case.code.startswith('@pytest.mark.scenario("SC-API-004")') and case.code in result.files[case.file]
    )
    assert "@pytest.mark.smoke" in result.test_cases[0].code  # from the analysis' smoke tests
    assert "conftest.py" in result.files and "README.md" in result.files
    assert any("F-0005" in note for note in result.notes)
