"""Assertion suggestions: what a model's answer may add to a test, and the keep-if-twice rule."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from assay.adapters.suite_runner import PytestSubprocess
from assay.agents.evolution.api_suite.pysource import RUFF_TOML, refresh_support_import
from assay.agents.evolution.suggestions import (
    Suggestion,
    can_extend,
    failed_number,
    holds,
    parse_answer,
    sensitive,
    with_suggestions,
)
from assay.domain import evolution
from assay.domain.exchanges import RecordedResponse
from assay.domain.json import JsonObject
from assay.domain.suite_run import CaseOutcome, SuiteRunFailed
from assay.domain.workflow import StoredTestCase
from assay.services.strengthen import _survivors, base_code, has_suggestions

ANSWER = RecordedResponse(
    200,
    {"content-type": "application/json; charset=utf-8", "x-request-id": "r-1"},
    '{"id": 7, "title": "hello", "tags": ["a"], "done": false, "score": 1.5}',
    {"id": 7, "title": "hello", "tags": ["a"], "done": False, "score": 1.5},
    is_json=True,
)
CODE = '''def test_read(client: httpx.Client) -> None:
    """Read it."""
    response = client.request("GET", "/notes/7")
    assert response.status_code == 200, explain(response)
'''


def _one(kind: str, path: str = "", name: str = "", value: str = "") -> JsonObject:
    return {"kind": kind, "path": path, "name": name, "value": value, "why": "because"}


def test_only_well_formed_suggestions_for_asked_tests_are_parsed() -> None:
    answer: JsonObject = {
        "tests": [
            {
                "test": "test_read",
                "assertions": [
                    _one("json_type", "id", value="integer"),
                    _one("json_type", "id", value="integer"),  # a repeat counts once
                    _one("exec", value="import os"),
                    _one("json_type", "id; import os", value="integer"),
                    _one("json_type", "id", value="datetime"),
                    _one("header_present", name="X-Request-Id\nSet-Cookie"),
                    _one("content_type", value="text/html; <script>"),
                    _one("json_equals", "tags", value='["a"]'),
                    _one("body_excludes", value="ab"),
                ],
            },
            {"test": "test_other", "assertions": [_one("json_nonempty", "tags")]},
        ]
    }
    kept, refused = parse_answer(answer, {"test_read"})
    assert kept == {"test_read": [Suggestion("json_type", "id", "", "integer", "because")]}
    assert len(refused) == 8
    assert any("no such test" in r for r in refused) and any("unknown kind" in r for r in refused)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_one("json_type", "tags", value="array"), True),
        (_one("json_type", "done", value="integer"), False),  # a boolean is not an integer
        (_one("json_type", "score", value="number"), True),
        (_one("json_type", "", value="object"), True),  # the body itself
        (_one("json_nonempty", "tags"), True),
        (_one("json_nonempty", "missing"), False),
        (_one("content_type", value="application/json"), True),
        (_one("content_type", value="text/html"), False),
        (_one("header_present", name="X-Request-Id"), True),
        (_one("header_present", name="ETag"), False),
        (_one("body_excludes", value="Traceback"), True),
        (_one("body_excludes", value="hello"), False),
        (_one("json_equals", "title", value='"hello"'), True),
        (_one("json_equals", "title", value="hello"), True),  # bare text is the string
        (_one("json_equals", "id", value="7"), True),
        (_one("json_equals", "id", value='"7"'), False),  # the string "7" is not the number 7
        (_one("json_equals", "title", value="bye"), False),
    ],
)
def test_a_suggestion_is_kept_only_if_the_healthy_answer_satisfies_it(
    raw: JsonObject, expected: bool
) -> None:
    kept, refused = parse_answer({"tests": [{"test": "t", "assertions": [raw]}]}, {"t"})
    assert not refused
    assert (holds(kept["t"][0], ANSWER) is not None) is expected


def test_credentials_are_never_written_into_a_test() -> None:
    minted = Suggestion("json_equals", "data.access_token", value="eyJhbGciOi.x.y")
    echoed = Suggestion("body_excludes", value="pw-hunter2-extra")
    plain = Suggestion("json_equals", "status", value="active")
    assert sensitive(minted, ()) and sensitive(echoed, ("pw-hunter2-extra",))
    assert not sensitive(plain, ("pw-hunter2-extra",))
    assert not sensitive(Suggestion("json_type", "token", value="string"), ())  # a type is no secret


def test_rendered_asserts_are_literal_python_whatever_the_model_said() -> None:
    evil = '"); __import__("os").system("echo pwned") #'
    suggestions = [
        Suggestion("json_equals", "title", value=evil),
        Suggestion("body_excludes", value="'\"\\n"),
        Suggestion("json_type", "items.0.id", value="integer"),
        Suggestion("content_type", value="application/json"),
        Suggestion("header_present", name="x-request-id"),
        Suggestion("json_nonempty", "tags"),
    ]
    code = with_suggestions(CODE, suggestions)
    tree = ast.parse(code)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    added = function.body[3:]
    assert len(added) == len(suggestions) and all(isinstance(n, ast.Assert) for n in added)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert calls <= {"dig", "json_body", "type", "explain"}  # never __import__ or anything the model named
    assert [failed_number(f"AssertionError: suggestion {i}: x") for i in (1, 6)] == [1, 6]
    assert failed_number("AssertionError: GET /x answered 500") is None
    assert all(len(line) <= 100 for line in code.splitlines())


def test_improved_module_imports_the_helpers_and_is_ruff_clean(tmp_path: Path) -> None:
    module = (
        textwrap.dedent('''\
        """m."""

        from __future__ import annotations

        import httpx
        import pytest

        from assay_support import explain


        @pytest.mark.smoke
        ''')
        + CODE
    )
    improved = refresh_support_import(
        module.replace(CODE, with_suggestions(CODE, [Suggestion("json_type", "id", value="integer")]))
    )
    assert "from assay_support import dig, explain, json_body\n" in improved
    (tmp_path / "test_m.py").write_text(improved)
    (tmp_path / "ruff.toml").write_text(RUFF_TOML)
    ruff = [sys.executable, "-m", "ruff"]
    assert subprocess.run([*ruff, "check", "."], cwd=tmp_path, check=False).returncode == 0
    assert subprocess.run([*ruff, "format", "--check", "."], cwd=tmp_path, check=False).returncode == 0
    assert can_extend(CODE) and not can_extend("def test_x() -> None:\n    assert True\n")
    assert base_code(with_suggestions(CODE, [Suggestion("json_nonempty", "tags")])) == CODE
    assert has_suggestions(with_suggestions(CODE, [])) and not has_suggestions(CODE)


class ScriptedRunner:
    """Answers each run from a script: the node's outcomes, run after run (a fake of the port,
    for the keep-if-twice rule alone; the real runner is tested below and in integration)."""

    def __init__(self, script: list[dict[str, CaseOutcome]]) -> None:
        self.script = script
        self.runs: list[list[str]] = []

    def run(
        self, files: Mapping[str, str], tests: Sequence[str], base_url: str, env: Mapping[str, str]
    ) -> dict[str, CaseOutcome]:
        self.runs.append(list(tests))
        return self.script[len(self.runs) - 1]


def _stored(name: str) -> StoredTestCase:
    case = evolution.TestCase("SC-1", name, "test_m.py", "pytest-httpx", CODE.replace("test_read", name))
    return StoredTestCase(1, "w", case, "now")


def test_a_suggestion_is_kept_after_two_passes_and_dropped_when_it_fails_once() -> None:
    node = "test_m.py::test_a"
    two = [Suggestion("json_nonempty", "tags"), Suggestion("json_equals", "at", value="12:00")]
    runner = ScriptedRunner(
        [
            {node: CaseOutcome(True)},  # first pass with both
            {node: CaseOutcome(False, "failure: AssertionError: suggestion 2: at equals 12:00")},
            {node: CaseOutcome(True)},
            {node: CaseOutcome(True)},
        ]
    )
    notes: list[str] = []
    files = {"test_m.py": CODE.replace("test_read", "test_a")}
    kept = _survivors(runner, {"test_a": list(two)}, {"test_a": _stored("test_a")}, files, "http://x", notes)
    assert kept == {"test_a": [two[0]]} and len(runner.runs) == 4
    assert any("at equals" in n and "dropped" in n for n in notes)


def test_a_test_that_fails_on_its_own_loses_every_suggestion() -> None:
    runner = ScriptedRunner([{"test_m.py::test_a": CaseOutcome(False, "error: fixture 'x' not found")}])
    notes: list[str] = []
    trying = {"test_a": [Suggestion("json_nonempty", "tags")]}
    kept = _survivors(runner, trying, {"test_a": _stored("test_a")}, {"test_m.py": CODE}, "http://x", notes)
    assert kept == {} and "fixture 'x' not found" in notes[0]


def test_pytest_subprocess_reports_each_test_from_junit(tmp_path: Path) -> None:
    files = {
        "conftest.py": "",
        "test_m.py": textwrap.dedent("""\
            import os

            import pytest


            def test_ok():
                assert os.environ["BASE_URL"] == "http://127.0.0.1:9"
                assert "ASSAY_LLM_API_KEY" not in os.environ


            def test_bad():
                assert 1 == 2, "suggestion 3: one is two"


            def test_skipped():
                pytest.skip("needs a login")
            """),
    }
    nodes = ["test_m.py::test_ok", "test_m.py::test_bad", "test_m.py::test_skipped"]
    found = PytestSubprocess(timeout=120).run(files, nodes, "http://127.0.0.1:9", {})
    assert found["test_m.py::test_ok"] == CaseOutcome(True)
    assert failed_number(found["test_m.py::test_bad"].message) == 3
    assert not found["test_m.py::test_skipped"].passed
    with pytest.raises(SuiteRunFailed):
        PytestSubprocess().run({"../escape.py": ""}, nodes, "http://127.0.0.1:9", {})
