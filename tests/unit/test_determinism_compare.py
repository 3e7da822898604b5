"""compare_runs: two findings.json documents agree modulo what each run generates."""

from __future__ import annotations

import copy

from assay.domain.json import Json, JsonObject
from assay.report.determinism import compare_runs, scrub_text, stable


def _finding(**changes: Json) -> JsonObject:
    finding: JsonObject = {
        "category": "server_error",
        "method": "POST",
        "path": "/todos/{todo_id}",
        "severity": "high",
        "title": "Update todo answers 500",
        "proof": "reproduced",
        "evidence": {
            "request": {"url": "http://127.0.0.1:4001/todos/17", "body": {"title": "qa-title-k3j9x0abcd"}},
            "response": {"status": 500, "headers": {"date": "Tue, 01 Dec 2026 21:00:00 GMT"}},
            "elapsed_seconds": 0.031,
            "created": {"id": 17, "at": "2026-12-01T21:00:00Z"},
        },
    }
    finding.update(changes)
    return finding


def _doc(*findings: JsonObject, port: int = 4001) -> JsonObject:
    return {"target": f"http://127.0.0.1:{port}", "findings": list(findings)}


def _other_run(finding: JsonObject) -> JsonObject:
    """The same fault seen by another run: another port, token, object id, time and duration."""
    again = copy.deepcopy(finding)
    evidence = again["evidence"]
    assert isinstance(evidence, dict)
    evidence["request"] = {"url": "http://127.0.0.1:5002/todos/18", "body": {"title": "qa-title-z8y7w6vuts"}}
    evidence["response"] = {"status": 500, "headers": {"date": "Wed, 02 Dec 2026 08:00:00 GMT"}}
    evidence["elapsed_seconds"] = 0.4
    evidence["created"] = {"id": 18, "at": "2026-12-02T08:00:00.123Z"}
    return again


def test_runs_agree_modulo_generated_values() -> None:
    diff = compare_runs(_doc(_finding()), _doc(_other_run(_finding()), port=5002))
    assert diff.same, diff.describe()


def test_a_changed_severity_title_or_evidence_is_a_disagreement() -> None:
    base = _doc(_finding())
    assert compare_runs(base, _doc(_finding(severity="medium"))).only_second
    assert compare_runs(base, _doc(_finding(title="Update todo drops the connection"))).only_first
    changed = _finding()
    evidence = changed["evidence"]
    assert isinstance(evidence, dict)
    evidence["response"] = {"status": 502}
    diff = compare_runs(base, _doc(changed))
    assert not diff.same and diff.evidence_differs == [
        ("server_error", "POST", "/todos/{todo_id}", "high", "Update todo answers 500")
    ]


def test_timing_and_flaky_findings_are_listed_apart() -> None:
    race = _finding(category="race_condition", proof="timing", title="POST /todos creates duplicates")
    once = _finding(path="/todos", proof="flaky", severity="low")
    diff = compare_runs(_doc(_finding(), race, once), _doc(_finding()))
    assert diff.same and len(diff.unstable_differs) == 2
    assert "timing-dependent or flaky" in diff.describe()


def test_scrubbing_keeps_what_matters() -> None:
    assert scrub_text("GET http://127.0.0.1:4001/todos/12?x=1", "http://127.0.0.1:4001") == (
        "GET <target>/todos/<n>?x=1"
    )
    assert stable({"status": 500, "id": 3, "count": 3}) == {"status": 500, "id": "<id>", "count": 3}
