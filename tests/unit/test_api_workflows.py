"""The /api/v2 triggers, status, results and errors, served by uvicorn with a fake pipeline."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tests.api_helpers import FakePipeline, served, settings_for, stored_bytes
from tests.distributed_helpers import MODES, served_in

from assay.domain.json import dig

TARGET = "http://127.0.0.1:9/"


@pytest.mark.parametrize("mode", MODES)
def test_generate_tests_answers_202_and_completes_with_typed_results(tmp_path: Path, mode: str) -> None:
    with served_in(mode, tmp_path) as api:
        response = api.client.post("/generate-tests", json={"url": TARGET, "depth": 2})
        assert response.status_code == 202
        handle = response.json()
        assert handle["status"] == "pending" and set(handle["progress"]) == {
            "observation",
            "requirements",
            "analysis",
            "evolution",
        }
        status = api.wait(handle["workflow_id"])
        assert status["status"] == "completed" and status["total_progress"] == 1.0
        results = api.client.get(f"/workflows/{handle['workflow_id']}/results").json()
    assert results["status"] == "completed"
    assert results["test_count"] == 2 and len(results["test_case_ids"]) == 2
    assert results["observation_result"]["ui_elements"][0]["locator"] == "#login"
    assert results["requirements_result"]["coverage_metrics"]["operations_total"] == 1
    analysis = results["analysis_result"]
    assert analysis["execution_success"][0]["source"] == "real_time_execution"
    assert set(analysis["execution_strategy"]) >= {"smoke_tests", "parallel_groups", "estimated_total_time"}
    assert results["evolution_result"]["test_cases"][0]["id"] == results["test_case_ids"][0]
    assert results["total_duration_seconds"] >= 0


def test_per_stage_chaining_loads_each_previous_stage(tmp_path: Path) -> None:
    pipeline = FakePipeline()
    with served(settings_for(tmp_path), pipeline) as api:
        first = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        api.wait(first)
        previous = first
        for stage in ("requirements", "analysis", "evolution"):
            response = api.client.post(f"/{stage}", json={"workflow_id": previous})
            assert response.status_code == 202, response.text
            previous = response.json()["workflow_id"]
            assert api.wait(previous)["status"] == "completed"
            assert list(api.client.get(f"/workflows/{previous}").json()["progress"]) == [stage]
        results = api.client.get(f"/workflows/{previous}/results").json()
    assert [stages for _, stages, _ in pipeline.calls] == [
        ("observation",),
        ("requirements",),
        ("analysis",),
        ("evolution",),
    ]
    assert all(url == TARGET for url, _, _ in pipeline.calls)
    assert results["observation_result"] and results["requirements_result"] and results["analysis_result"]
    assert results["test_count"] == 2


def test_inline_payloads_and_the_exactly_one_of_rules(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        obs = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        api.wait(obs)
        inline_obs = api.client.get(f"/workflows/{obs}/results").json()["observation_result"]
        ok = api.client.post("/requirements", json={"observation_result": inline_obs})
        assert ok.status_code == 202
        assert api.wait(ok.json()["workflow_id"])["status"] == "completed"
        req = api.client.get(f"/workflows/{ok.json()['workflow_id']}/results").json()["requirements_result"]
        both = api.client.post("/requirements", json={"workflow_id": obs, "observation_result": inline_obs})
        neither = api.client.post("/requirements", json={"user_instruction": "x"})
        half = api.client.post("/analysis", json={"requirements_result": req})
        full = api.client.post(
            "/analysis", json={"requirements_result": req, "observation_result": inline_obs}
        )
        no_analysis = api.client.post("/evolution", json={"workflow_id": obs})
    for bad in (both, neither, half):
        assert bad.status_code == 400, bad.text
        assert bad.json()["code"] == "MISSING_INPUT"
    assert no_analysis.status_code == 409 and no_analysis.json()["code"] == "MISSING_STAGE"
    assert full.status_code == 202


@pytest.mark.parametrize("url", ["ftp://example.com/", "not a url", "http://", "http://host:99999/"])
def test_bad_url_is_400_invalid_url(tmp_path: Path, url: str) -> None:
    with served(settings_for(tmp_path)) as api:
        response = api.client.post("/generate-tests", json={"url": url})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "INVALID_URL" and body["workflow_id"] is None and body["timestamp"]
    # The message names the problem in words, never the validation pattern.
    assert "http(s) URL" in body["error"] and "^" not in body["error"] and "[" not in body["error"]


def test_unknown_ids_and_unfinished_results(tmp_path: Path) -> None:
    gate = threading.Event()
    with served(settings_for(tmp_path), FakePipeline(gate=gate)) as api:
        unknown = api.client.get("/workflows/nope")
        unknown_results = api.client.get("/workflows/nope/results")
        unknown_chain = api.client.post("/requirements", json={"workflow_id": "nope"})
        running = api.client.post("/observation", json={"url": TARGET}).json()["workflow_id"]
        not_ready = api.client.get(f"/workflows/{running}/results")
        chain_early = api.client.post("/requirements", json={"workflow_id": running})
        gate.set()
        api.wait(running)
        missing_route = api.client.get("/nowhere")
    assert unknown.status_code == 404 and unknown.json()["code"] == "NOT_FOUND"
    assert unknown.json()["workflow_id"] == "nope"
    assert unknown_results.status_code == 404 and unknown_chain.status_code == 404
    assert not_ready.status_code == 404 and not_ready.json()["code"] == "NOT_READY"
    assert chain_early.json()["code"] == "NOT_READY"
    assert missing_route.status_code == 404 and missing_route.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_stage_fails_the_workflow_and_keeps_partial_results(tmp_path: Path, mode: str) -> None:
    with served_in(mode, tmp_path, FakePipeline(fail_at="analysis")) as api:
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        status = api.wait(wid)
        results = api.client.get(f"/workflows/{wid}/results").json()
    assert status["status"] == "failed" and status["error"] == "analysis broke"
    assert dig(status, "progress.analysis.status") == "failed"
    assert results["status"] == "failed"
    assert results["requirements_result"] is not None and results["analysis_result"] is None


def test_a_crashed_stage_completes_the_workflow_and_its_note_is_stored(tmp_path: Path) -> None:
    from tests.api_helpers import build_service

    settings = settings_for(tmp_path)
    body = {"url": TARGET, "login_credentials": {"username": "alice", "password": "pa55-W0rd-xyz"}}
    with served(settings, FakePipeline(crash_at="evolution")) as api:
        wid = api.client.post("/generate-tests", json=body).json()["workflow_id"]
        status = api.wait(wid)
        results = api.client.get(f"/workflows/{wid}/results").json()
    assert status["status"] == "completed" and status["error"] is None
    assert results["analysis_result"] is not None and results["evolution_result"] is None
    # Kept across a restart: a new service on the same store still has the note, secret masked.
    notes = build_service(settings).results(wid).run.incomplete
    assert notes == ["evolution agent crashed (RuntimeError: planted ***)"]
    assert b"pa55-W0rd-xyz" not in stored_bytes(settings, tmp_path)


@pytest.mark.parametrize("mode", MODES)
def test_secrets_are_never_returned_stored_or_streamed(tmp_path: Path, mode: str) -> None:
    secret, gmail, totp = "pa55-W0rd-xyz", "gmail-app-secret-123", "JBSWY3DPEHPK3PXPQRST"
    body = {
        "url": TARGET,
        "login_credentials": {"username": "alice", "password": secret, "totp_secret": totp},
        "gmail_credentials": {"email": "a@gmail.test", "password": gmail},
    }
    with served_in(mode, tmp_path) as api:
        assert api.settings is not None
        settings = api.settings
        created = api.client.post("/generate-tests", json=body)
        wid = created.json()["workflow_id"]
        api.wait(wid)
        texts = [created.text, api.client.get(f"/workflows/{wid}").text]
        texts.append(api.client.get(f"/workflows/{wid}/results").text)
        texts.append(api.client.get(f"/workflows/{wid}/stream").text)
        ids = api.client.get(f"/workflows/{wid}/results").json()["test_case_ids"]
        texts.append(api.client.get(f"/test-cases/{ids[0]}").text)
        texts.append(api.client.get(f"/workflows/{wid}/suite").content.decode("latin-1"))
    database = stored_bytes(settings, tmp_path)
    assert b"alice" in database  # the store was really read (the user name is not a secret)
    for text in texts:
        assert secret not in text and gmail not in text and totp not in text
    assert (
        secret.encode() not in database and gmail.encode() not in database and totp.encode() not in database
    )


def test_a_password_that_also_appears_in_the_url_does_not_corrupt_the_stored_target(tmp_path: Path) -> None:
    from tests.api_helpers import build_service

    settings = settings_for(tmp_path)
    # Seen with schemathesis: password "0" masked every "0" of http://127.0.0.1:80…, and
    # improve-tests then refused the stored target as an invalid URL.
    body = {"url": TARGET, "login_credentials": {"username": "alice", "password": "1"}}
    with served(settings, FakePipeline()) as api:
        wid = api.client.post("/generate-tests", json=body).json()["workflow_id"]
        api.wait(wid)
    assert build_service(settings).results(wid).run.target == TARGET


@pytest.mark.parametrize("mode", MODES)
def test_improve_tests_updates_its_test_cases_in_either_mode(tmp_path: Path, mode: str) -> None:
    # In distributed mode the worker once ran an improvement as a plain workflow: its test
    # cases were never re-checked, and the notes said nothing.
    with served_in(mode, tmp_path) as api:
        wid = api.client.post("/generate-tests", json={"url": TARGET}).json()["workflow_id"]
        assert api.wait(wid)["status"] == "completed"
        ids = api.client.get(f"/workflows/{wid}/results").json()["test_case_ids"]
        improve = api.client.post("/improve-tests", json={"test_case_ids": ids[:1], "max_iterations": 2})
        assert improve.status_code == 202, improve.text
        assert api.wait(improve.json()["workflow_id"])["status"] == "completed"
        case = api.client.get(f"/test-cases/{ids[0]}").json()
        untouched = api.client.get(f"/test-cases/{ids[1]}").json()
    assert case["last_result"]["detail"] == "iteration 1"
    assert untouched["last_result"] is None
