"""Each API key owns its workflows: another key is told, on every endpoint, that they do not exist."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from tests.api_helpers import Api, served, settings_for

TARGET = "http://127.0.0.1:9/"
ALICE = {"X-API-Key": "alice-key"}
BOB = {"Authorization": "Bearer bob-key"}  # the documented alternative header


def _finished_workflow(api: Api) -> tuple[str, int]:
    wid = api.client.post("/generate-tests", json={"url": TARGET}, headers=ALICE).json()["workflow_id"]
    status = api.client.get(f"/workflows/{wid}", headers=ALICE)
    assert status.status_code == 200
    for _ in range(600):  # the fake pipeline ends at once; wait as a client would (at most 30 s)
        if api.client.get(f"/workflows/{wid}", headers=ALICE).json()["status"] == "completed":
            break
        time.sleep(0.05)
    ids = api.client.get(f"/workflows/{wid}/results", headers=ALICE).json()["test_case_ids"]
    return wid, ids[0]


def _calls(wid: str, case: int) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("GET", f"/workflows/{wid}", None),
        ("GET", f"/workflows/{wid}/results", None),
        ("GET", f"/workflows/{wid}/findings", None),
        ("GET", f"/workflows/{wid}/report", None),
        ("GET", f"/workflows/{wid}/model-prompts", None),
        ("GET", f"/workflows/{wid}/suite", None),
        ("GET", f"/workflows/{wid}/stream", None),
        ("DELETE", f"/workflows/{wid}", None),
        ("GET", f"/test-cases/{case}", None),
        ("POST", "/requirements", {"workflow_id": wid}),
        ("POST", "/analysis", {"workflow_id": wid}),
        ("POST", "/evolution", {"workflow_id": wid}),
        ("POST", "/improve-tests", {"test_case_ids": [case]}),
    ]


def _send(
    client: httpx.Client, method: str, path: str, body: object, headers: dict[str, str]
) -> httpx.Response:
    return client.request(method, path, json=body, headers=headers)


def test_another_key_gets_404_on_every_endpoint(tmp_path: Path) -> None:
    with served(settings_for(tmp_path, api_keys="alice-key,bob-key")) as api:
        wid, case = _finished_workflow(api)
        answers = {(m, p): _send(api.client, m, p, b, BOB) for m, p, b in _calls(wid, case)}
        unknown = api.client.get("/workflows/no-such-id", headers=BOB)
        # The owner still reaches all of it (DELETE of a finished workflow is 409, not 404).
        own = {(m, p): _send(api.client, m, p, b, ALICE) for m, p, b in _calls(wid, case)}
    for call, answer in answers.items():
        assert answer.status_code == 404, (call, answer.text)
        assert answer.json()["code"] == "NOT_FOUND", call
        # The same words as for an id that never existed: existence is not disclosed.
        assert answer.json()["error"].startswith(("No workflow", "No test case")), call
    assert unknown.status_code == 404
    assert {call: a.status_code for call, a in own.items() if a.status_code >= 400} == {
        ("DELETE", f"/workflows/{wid}"): 409
    }


def test_bearer_and_x_api_key_name_the_same_owner(tmp_path: Path) -> None:
    with served(settings_for(tmp_path, api_keys="alice-key")) as api:
        wid = api.client.post("/observation", json={"url": TARGET}, headers=ALICE).json()["workflow_id"]
        as_bearer = api.client.get(f"/workflows/{wid}", headers={"Authorization": "Bearer alice-key"})
        bad_bearer = api.client.get(f"/workflows/{wid}", headers={"Authorization": "Bearer nope"})
    assert as_bearer.status_code == 200 and as_bearer.json()["workflow_id"] == wid
    assert bad_bearer.status_code == 401 and bad_bearer.json()["code"] == "UNAUTHORIZED"


def test_the_store_never_holds_a_key(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, api_keys="alice-key")
    with served(settings) as api:
        wid = api.client.post("/observation", json={"url": TARGET}, headers=ALICE).json()["workflow_id"]
        api.client.get(f"/workflows/{wid}", headers=ALICE)
    engine = create_engine(settings.database_url)
    with engine.connect() as db:
        rows = [" ".join(map(str, row)) for row in db.execute(text("SELECT * FROM workflows"))]
    engine.dispose()
    stored = "\n".join(rows)
    assert wid in stored and "alice-key" not in stored
