"""The generated suite fails on the faults it was generated for, and passes once they are fixed."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse, Response

from assay.agents.evolution.api_suite.pytest_suite import render_suite
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel, AuthFlow, Operation, ResponseSpec
from assay.domain.scenarios import (
    Action,
    CoverageMetrics,
    Expectation,
    RequestSpec,
    RequirementsResult,
    ResourceRecipe,
    Scenario,
    Step,
)

pytestmark = pytest.mark.integration

ITEM: JsonObject = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}}}


def make_app(faulty: bool) -> FastAPI:
    """A tiny items API; ``faulty`` makes create answer 200 and reviews answer 500."""
    app = FastAPI()
    users: dict[str, str] = {}
    tokens: dict[str, str] = {}
    items: dict[int, dict[str, object]] = {}

    def user(authorization: str | None) -> str:
        token = (authorization or "").removeprefix("Bearer ")
        if token not in tokens:
            raise HTTPException(401, "not authenticated")
        return tokens[token]

    @app.post("/auth/register", status_code=201)
    def register(body: dict[str, str]) -> dict[str, str]:
        users[body["username"]] = body["password"]
        return {"username": body["username"]}

    @app.post("/auth/login")
    def login(body: dict[str, str]) -> dict[str, str]:
        if users.get(body.get("username", "")) != body.get("password"):
            raise HTTPException(401, "bad credentials")
        token = secrets.token_hex(8)
        tokens[token] = body["username"]
        return {"access_token": token, "token_type": "bearer"}

    @app.get("/items")
    def list_items(authorization: str | None = Header(None)) -> list[dict[str, object]]:
        user(authorization)
        return list(items.values())

    @app.post("/items")
    def create_item(body: dict[str, object], authorization: str | None = Header(None)) -> JSONResponse:
        user(authorization)
        item = {"id": len(items) + 1, "name": body.get("name")}
        items[int(str(item["id"]))] = item
        return JSONResponse(item, status_code=200 if faulty else 201)

    @app.get("/items/{item_id}")
    def read_item(item_id: int, authorization: str | None = Header(None)) -> dict[str, object]:
        user(authorization)
        if item_id not in items:
            raise HTTPException(404, "no such item")
        return items[item_id]

    @app.delete("/items/{item_id}", status_code=204)
    def delete_item(item_id: int, authorization: str | None = Header(None)) -> Response:
        user(authorization)
        items.pop(item_id, None)
        return Response(status_code=204)

    @app.post("/items/{item_id}/reviews", status_code=201)
    def review(
        item_id: int, body: dict[str, object], authorization: str | None = Header(None)
    ) -> JSONResponse:
        user(authorization)
        if faulty:
            return JSONResponse({"detail": "boom"}, status_code=500)
        return JSONResponse({"item_id": item_id, "stars": body.get("stars")}, status_code=201)

    return app


def api_model() -> ApiModel:
    secured = ("bearer",)
    ops = (
        Operation("POST", "/auth/register"),
        Operation("POST", "/auth/login"),
        Operation(
            "GET", "/items", security=secured, responses=(ResponseSpec("200", schema={"type": "array"}),)
        ),
        Operation("POST", "/items", security=secured, responses=(ResponseSpec("201", schema=ITEM),)),
        Operation("GET", "/items/{item_id}", security=secured, responses=(ResponseSpec("200", schema=ITEM),)),
        Operation("DELETE", "/items/{item_id}", security=secured),
        Operation("POST", "/items/{item_id}/reviews", security=secured),
    )
    auth = AuthFlow(
        kind="bearer",
        login_operation="POST /auth/login",
        register_operation="POST /auth/register",
        register_fields=("username", "password"),
    )
    return ApiModel("Items", "1", "3.1.0", "", ops, auth=auth)


def act(name: str, method: str, path: str, expect: Expectation, **kw: object) -> Action:
    save = kw.pop("save", {})
    request = RequestSpec(operation=f"{method} {path}", method=method, path=path, **kw)  # type: ignore[arg-type]
    return Action(name, request, expect, save=save)  # type: ignore[arg-type]


def requirements() -> RequirementsResult:
    ok = Expectation()
    body = {"name": "thing ${unique}"}
    on_item = {"item_id": "${item.id}"}
    scenario = {
        "SC-API-001": ("List items", act("list", "GET", "/items", ok), ()),
        # Default status classes accept any 2xx: only the finding's exclusion catches the 200.
        "SC-API-002": (
            "Create answers 201",
            act(
                "create",
                "POST",
                "/items",
                Expectation(statuses=(201,)),
                body=body,
                has_body=True,
                save={"new_id": "id"},
            ),
            (),
        ),
        "SC-API-003": (
            "Read an item",
            act("read", "GET", "/items/{item_id}", ok, path_params=on_item),
            ("item",),
        ),
        "SC-API-004": (
            "Review an item",
            act(
                "review",
                "POST",
                "/items/{item_id}/reviews",
                ok,
                path_params=on_item,
                body={"stars": 4},
                has_body=True,
            ),
            ("item",),
        ),
        "SC-API-005": (
            "Listing needs credentials",
            act(
                "anon",
                "GET",
                "/items",
                Expectation(statuses=(401, 403), status_classes=()),
                auth="none",
                intent="no_auth",
            ),
            (),
        ),
    }
    scenarios = tuple(
        Scenario(
            sid,
            "Items",
            title,
            "happy_path",
            ("@items",),
            (a.request.operation,),
            (Step("When", title),),
            (a,),
            fixtures=fixtures,
        )
        for sid, (title, a, fixtures) in scenario.items()
    )
    recipe = ResourceRecipe(
        "item", act("make item", "POST", "/items", ok, body=body, has_body=True, save={"id": "id"})
    )
    coverage = CoverageMetrics(7, 5, {}, (), ())
    return RequirementsResult(scenarios, (recipe,), {}, coverage)


FINDINGS = [
    Finding(
        "status_code",
        "low",
        "POST",
        "/items",
        "Create answers 200 instead of 201",
        "200 on create",
        {"response": {"status": 200}},
        scenario_id="SC-API-002",
        id="F-0001",
    ),
    Finding(
        "server_error",
        "critical",
        "POST",
        "/items/{item_id}/reviews",
        "Review answers 500",
        "500",
        {"response": {"status": 500}},
        scenario_id="SC-API-004",
        id="F-0002",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def run_suite(suite: Path, base_url: str) -> dict[str, str]:
    """Run the generated suite in a subprocess; test name -> passed / failed / error / skipped."""
    report = suite / "junit.xml"
    env = {**os.environ, "BASE_URL": base_url}
    env.pop("ASSAY_USERNAME", None)
    env.pop("ASSAY_PASSWORD", None)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}"]
    done = subprocess.run(cmd, cwd=suite, env=env, capture_output=True, text=True, timeout=120)
    assert report.exists(), done.stdout + done.stderr
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[case.get("name", "")] = kinds[0] if kinds else "passed"
    return outcomes


def write_suite(tmp_path: Path) -> Path:
    suite = tmp_path / "suite"
    suite.mkdir()
    files = render_suite(requirements(), api_model(), FINDINGS, "http://127.0.0.1:8000")
    for name, text in files.items():
        (suite / name).write_text(text)
    return suite


def test_finding_tests_fail_while_the_faults_are_there(tmp_path: Path) -> None:
    suite = write_suite(tmp_path)
    with serving(make_app(faulty=True)) as url:
        outcomes = run_suite(suite, url)
    assert outcomes == {
        "test_sc_api_001_list_items": "passed",
        "test_sc_api_002_create_answers_201": "failure",
        "test_sc_api_003_read_an_item": "passed",
        "test_sc_api_004_review_an_item": "failure",
        "test_sc_api_005_listing_needs_credentials": "passed",
    }


def test_every_test_passes_once_the_faults_are_fixed(tmp_path: Path) -> None:
    suite = write_suite(tmp_path)
    with serving(make_app(faulty=False)) as url:
        outcomes = run_suite(suite, url)
    assert set(outcomes.values()) == {"passed"}, outcomes
    assert len(outcomes) == 5


@pytest.fixture(scope="module")
def demo_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite ``assay demo`` writes (one demo run for the tests below)."""
    out = tmp_path_factory.mktemp("demo")
    command = [sys.executable, "-m", "assay", "demo", "--out", str(out)]
    demo = subprocess.run(command, capture_output=True, text=True, timeout=600)
    # The demo follows README's exit-code table: its planted critical faults make it exit 1.
    assert demo.returncode == 1, demo.stdout[-2000:] + demo.stderr[-2000:]
    return out / "tests"


def test_the_demo_suite_is_ruff_clean_under_its_own_config(demo_suite: Path) -> None:
    """The suite assay writes for its demo passes ``ruff check`` and ``ruff format --check``.

    The suite's own ruff.toml applies (ruff looks no further up than tests/): the generator
    lays the code out as ruff would, without running ruff itself.
    """
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    suite = demo_suite
    assert (suite / "ruff.toml").is_file() and (suite / "ui" / "ruff.toml").is_file()
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run([ruff, *command], cwd=suite, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-4000:]


def test_the_http_tests_run_without_playwright(demo_suite: Path, tmp_path: Path) -> None:
    """With only the HTTP half installed, the API tests run and the browser tests say why they skip.

    Playwright is made unimportable by a package of that name that raises ModuleNotFoundError,
    first on the path; the suite's requirements.txt names what both halves need.
    """
    from assay.demo.app import create_app
    from assay.demo.server import serve_in_thread

    blocker = tmp_path / "blocked" / "playwright"
    blocker.mkdir(parents=True)
    # What Python raises when the package is absent (importorskip skips on that, not on a broken
    # install's ImportError).
    absent = "raise ModuleNotFoundError(\"No module named 'playwright'\", name='playwright')\n"
    (blocker / "__init__.py").write_text(absent)
    required = (demo_suite / "requirements.txt").read_text()
    assert "httpx" in required and "jsonschema" in required and "playwright" in required
    report = tmp_path / "junit.xml"
    server = serve_in_thread(create_app())
    try:
        env = {**os.environ, "BASE_URL": server.base_url, "PYTHONPATH": str(blocker.parent)}
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", f"--junitxml={report}"]
        done = subprocess.run(cmd, cwd=demo_suite, env=env, capture_output=True, text=True, timeout=600)
    finally:
        server.stop()
    assert "the browser tests need Playwright" in done.stdout, done.stdout[-3000:]
    ran = [c for c in ET.parse(report).getroot().iter("testcase") if c.find("skipped") is None]
    assert len(ran) > 100, done.stdout[-3000:]  # the demo's HTTP tests ran: 234 of them
