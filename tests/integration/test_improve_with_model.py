"""improve-tests with a language model: suggestions kept only when the improved test passes.

A real notes API on 127.0.0.1 (``tests/apps/switchable_api.py``, healthy), the real agents over
the API (no browser), and a fake OpenAI-compatible model on 127.0.0.1 that, for every test it is
shown, suggests: one assertion that is true of a correct server, one that the healthy answer
already contradicts, one whose value changes between runs (the id of a note the test creates),
and an injection attempt in a value. Only the first kind may end up in a stored test.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api_helpers import Api, settings_for
from tests.apps.fake_models import FakeModel, start_openai, user_text
from tests.apps.servers import WSGIServerThread
from tests.apps.switchable_api import build_switchable_api

from assay.adapters.llm import ModelConfig, language_model
from assay.agents.model_session import AiTier
from assay.bootstrap import build_app
from assay.demo.server import serve_in_thread
from assay.domain.host_policy import TargetPolicy
from assay.domain.json import Json, JsonObject
from assay.services.drive import default_pipeline

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("loopback_only")]
INJECTION = '"); import os; os.system("touch /tmp/assay-pwned") #'


def suggestions(prompt: str) -> JsonObject:
    """The fake model's answer: four suggestions per test named in the prompt."""
    tests: list[Json] = []
    for section in prompt.split("## test ")[1:]:
        name = section.split("\n", 1)[0].strip()
        body = section.split("this body:\n", 1)[-1]
        changing = re.search(r"\"id\": ?(\d+)", body)
        assertions: list[Json] = [
            {"kind": "content_type", "path": "", "name": "", "value": "application/json", "why": "JSON API"},
            {"kind": "json_equals", "path": "title", "name": "", "value": INJECTION, "why": "echo"},
            {"kind": "body_excludes", "path": "", "name": "", "value": "Traceback", "why": "no trace"},
        ]
        if changing:  # the id the server gave this time: another run gets another
            assertions.append(
                {"kind": "json_equals", "path": "id", "name": "", "value": changing.group(1), "why": "id"}
            )
        tests.append({"test": name, "assertions": assertions})
    tests.append({"test": "test_not_asked_about", "assertions": []})
    return {"tests": tests}


@contextmanager
def assay_api(tmp: Path, ai: AiTier | None) -> Iterator[Api]:
    app = build_app(
        settings_for(tmp), pipeline=default_pipeline(None, ai), policy=TargetPolicy(resolve=False), ai=ai
    )
    server = serve_in_thread(app)
    try:
        with httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=30) as client:
            yield Api(server.base_url, client)
    finally:
        server.stop()


@pytest.fixture
def target() -> Iterator[str]:
    server = WSGIServerThread(build_switchable_api())
    yield server.base_url + "/"
    server.stop()


@pytest.fixture
def model() -> Iterator[tuple[AiTier, FakeModel]]:
    server, fake = start_openai(suggestions)
    config = ModelConfig("openai", "fake-model", server.base_url + "/v1", "sk-test-improve", 10.0, 0)
    yield AiTier(language_model(config)), fake
    server.stop()


def _generate_then_improve(api: Api, target: str) -> tuple[list[int], dict[int, Any], dict[str, Any]]:
    wid = api.client.post("/generate-tests", json={"url": target}).json()["workflow_id"]
    assert api.wait(wid, 300)["status"] == "completed"
    ids = api.client.get(f"/workflows/{wid}/results").json()["test_case_ids"]
    before = {i: api.client.get(f"/test-cases/{i}").json() for i in ids}
    improve = api.client.post("/improve-tests", json={"test_case_ids": ids, "max_iterations": 1})
    assert improve.status_code == 202, improve.text
    iid = improve.json()["workflow_id"]
    assert api.wait(iid, 300)["status"] == "completed"
    results = api.client.get(f"/workflows/{iid}/results").json()
    return ids, before, results | {"workflow_id": iid}


def test_only_suggestions_that_pass_against_the_target_are_kept(
    tmp_path: Path, target: str, model: tuple[AiTier, FakeModel]
) -> None:
    ai, fake = model
    with assay_api(tmp_path, ai) as api:
        ids, before, results = _generate_then_improve(api, target)
        after = {i: api.client.get(f"/test-cases/{i}").json() for i in ids}
        suite = api.client.get(f"/workflows/{results['workflow_id']}/suite")
    assert fake.received, "the model was asked for suggestions"
    prompts = [user_text(r.body) for r in fake.received]
    assert any("## test " in p and "answered 20" in p for p in prompts)
    improved = [i for i in ids if after[i]["code"] != before[i]["code"]]
    assert improved, "at least one test gained asserts"
    for i in improved:
        code = after[i]["code"]
        assert code.startswith(before[i]["code"].rstrip("\n"))  # asserts added, nothing changed
        assert "touch /tmp/assay-pwned" not in code and "equals" not in code  # refused or dropped
        added = ast.parse(code).body[0]
        assert isinstance(added, ast.FunctionDef)
        tail = [n for n in added.body if isinstance(n, ast.Assert)]
        assert len(tail) >= 2
    assert any("the content type is application/json" in after[i]["code"] for i in improved)
    notes = "\n".join(results["evolution_result"]["notes"])
    assert "does not satisfy it" in notes  # the injection's value is not what the server answered
    assert "failed against the target" in notes  # the id: true once, not on the next run
    assert "ignored: no such test was asked about" in notes
    assert not Path("/tmp/assay-pwned").exists()
    # The improvement's suite is runnable as downloaded: conftest and modules with the new asserts.
    names = zipfile.ZipFile(io.BytesIO(suite.content)).namelist()
    assert any(n.endswith("/conftest.py") for n in names)
    modules = "".join(
        zipfile.ZipFile(io.BytesIO(suite.content)).read(n).decode() for n in names if n.endswith(".py")
    )
    assert "suggestion 1: the content type is application/json" in modules
    # ... and its improved tests pass when run as a user would, lint- and format-clean.
    zipfile.ZipFile(io.BytesIO(suite.content)).extractall(tmp_path / "suite")
    (root,) = (tmp_path / "suite").iterdir()
    nodes = [f"{after[i]['file']}::{after[i]['name']}" for i in improved]
    env = {"PATH": os.environ["PATH"], "BASE_URL": target, "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *nodes],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert f"{len(nodes)} passed" in run.stdout
    lint = subprocess.run(["ruff", "check", "."], cwd=root, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
    layout = subprocess.run(
        ["ruff", "format", "--check", "."], cwd=root, capture_output=True, text=True, check=False
    )
    assert layout.returncode == 0, layout.stdout


def test_without_a_model_nothing_is_sent_and_tests_are_as_before(
    tmp_path: Path, target: str, model: tuple[AiTier, FakeModel]
) -> None:
    _, fake = model
    with assay_api(tmp_path, None) as api:
        ids, before, results = _generate_then_improve(api, target)
        after = {i: api.client.get(f"/test-cases/{i}").json() for i in ids}
    assert fake.received == []
    assert all(after[i]["code"] == before[i]["code"] for i in ids)
    assert "suggest" not in json.dumps(results["evolution_result"]["notes"])
