"""Our own OpenAPI, checked by outside tools: schemathesis finds nothing, a generated client is typed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import FakePipeline, settings_for

from assay.bootstrap import build_app
from assay.demo.server import RunningServer, serve_in_thread
from assay.domain.host_policy import TargetPolicy

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
# use_after_free (ST301) is the one check left out, because it contradicts the contract rather than
# finding a fault: DELETE /workflows/{id} is the spec's "Cancel workflow" (§1.3, §4.4), the only
# DELETE of the API. It answers 200 with the final status `cancelled`, and the workflow, its partial
# results, report and findings stay readable (issue 6: "partial results stay readable"). ST301 reads
# a 2xx DELETE as "the resource is gone" and fails any later 2xx/3xx GET under /workflows/{id}.
# Satisfying it would need a 404 after cancel (losing the partial results) or a non-2xx DELETE (a
# redirect in place of the spec's status body); neither is the spec. See docs/api.md.
EXCLUDED_CHECKS = "use_after_free"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    # The fake pipeline keeps schemathesis' random target URLs off the network; the API
    # surface under test (validation, status codes, schemas, SSE) is the real one.
    settings = settings_for(tmp_path_factory.mktemp("contract"))
    app = build_app(settings, pipeline=FakePipeline(), policy=TargetPolicy(resolve=False))
    with serve_in_thread(app, log_level="critical") as running:
        yield running


@pytest.mark.skipif(shutil.which("st", path=str(BIN)) is None, reason="schemathesis is not installed")
def test_schemathesis_finds_nothing(server: RunningServer, tmp_path: Path) -> None:
    command = [
        str(BIN / "st"),
        "run",
        f"{server.base_url}/api/v2/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--max-examples",
        "25",
        "--no-color",
        # One worker: with two, hypothesis parses lambda sources on two threads at once and CPython
        # 3.11's ast module fails ("AST constructor recursion depth mismatch"), a tool error, not ours.
        "--workers",
        "1",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:]


@pytest.mark.skipif(
    shutil.which("openapi-python-client", path=str(BIN)) is None, reason="openapi-python-client missing"
)
def test_generated_client_has_a_typed_model_for_every_response(server: RunningServer, tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(httpx.get(f"{server.base_url}/api/v2/openapi.json").text)
    command = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "client"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    api_modules = list((tmp_path / "client" / "api").rglob("*.py"))
    assert len([m for m in api_modules if m.name != "__init__.py"]) == 15  # /model-prompts too
    for module in api_modules:
        source = module.read_text()
        for returned in re.findall(r"def _parse_response\(.*?\) -> (.*?):\n", source, re.S):
            assert "Any" not in returned.replace("None", ""), (module.name, returned)
        assert "body: Any" not in source, module.name
    names = {p.stem for p in (tmp_path / "client" / "models").glob("*.py")}
    assert {
        "workflow_status_response",
        "workflow_results_response",
        "workflow_error_response",
        "analysis_result_model",
        "agent_progress",
    } <= names
    json.loads(spec.read_text())
