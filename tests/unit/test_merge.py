"""merge: one finding per (category, method, path), numbered by severity, secret-free; flakiness."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.unit.test_oracle_base import exchange

from assay.domain.findings import Finding
from assay.oracles.merge import mark_flaky, merge_findings, reproduces

SECRET = "s3cr3t-password"


def _finding(**changes: object) -> Finding:
    base = Finding(
        category="server_error",
        severity="high",
        method="get",
        path="/items",
        title="List items answers 500",
        detail="detail",
        evidence={"response": {"status": 500}, "occurrences": 1},
        scenario_id="SC-API-001",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_repeats_merge_into_the_most_severe_with_a_count() -> None:
    findings = [
        _finding(severity="medium", title="List items answers 500 to invalid input"),
        _finding(severity="critical", occurrences=2, scenario_id="SC-API-002"),
        _finding(severity="high"),
    ]
    [merged] = merge_findings(findings, [])
    assert merged.severity == "critical"
    assert merged.occurrences == 4 and merged.evidence["occurrences"] == 4
    assert merged.method == "GET" and merged.id == "F-0001"
    assert merged.scenario_id == "SC-API-002"
    assert merged.evidence["related"] == ["List items answers 500 to invalid input"]
    assert merged.evidence["scenario_ids"] == ["SC-API-001", "SC-API-002"]


def test_ids_follow_severity_then_path() -> None:
    findings = [
        _finding(category="redirect", severity="low", path="/b"),
        _finding(category="redirect", severity="low", path="/a"),
        _finding(severity="critical", path="/z"),
        _finding(category="spec_drift", severity="high", path="/y"),
    ]
    merged = merge_findings(findings, [])
    assert [(f.id, f.path) for f in merged] == [
        ("F-0001", "/z"),
        ("F-0002", "/y"),
        ("F-0003", "/a"),
        ("F-0004", "/b"),
    ]


def test_secrets_are_redacted_everywhere() -> None:
    leaky = _finding(
        title=f"fails with {SECRET}",
        detail=f"password {SECRET}",
        evidence={"request": {"body": {"password": "other", "note": SECRET}}},
        reproduce=f"curl -d {SECRET}",
        recommendation=SECRET,
        impact=SECRET,
    )
    [merged] = merge_findings([leaky], [SECRET])
    dumped = json.dumps(
        [merged.title, merged.detail, merged.evidence, merged.reproduce, merged.recommendation, merged.impact]
    )
    assert SECRET not in dumped and "other" not in dumped


def test_flaky_only_when_no_instance_reproduced() -> None:
    [merged] = merge_findings([_finding(flaky=True), _finding(flaky=False)], [])
    assert not merged.flaky


def test_reproduces_per_category() -> None:
    error = exchange("GET", "/items", 500, {})
    dropped = exchange("GET", "/items", None, error="connection reset")
    ok = exchange("GET", "/items", 200, [])
    assert reproduces(error, dropped, "server_error")
    assert not reproduces(error, ok, "server_error")
    assert reproduces(exchange("GET", "/x", 404, {}), exchange("GET", "/x", 405, {}), "missing_endpoint")
    assert reproduces(exchange("POST", "/x", 422, {}), exchange("POST", "/x", 400, {}), "spec_drift")
    assert not reproduces(exchange("POST", "/x", 422, {}), ok, "spec_drift")
    assert reproduces(exchange("POST", "/x", 200, {}), exchange("POST", "/x", 200, {}), "status_code")
    assert not reproduces(exchange("POST", "/x", 200, {}), exchange("POST", "/x", 201, {}), "status_code")
    slow = exchange("GET", "/x", 200, [], elapsed=3.0)
    assert reproduces(slow, exchange("GET", "/x", 200, [], elapsed=2.0), "slow_response")
    assert not reproduces(slow, exchange("GET", "/x", 200, [], elapsed=0.1), "slow_response")
    assert not reproduces(ok, dropped, "broken_object_authorization")


def test_mark_flaky_caps_severity_at_low_when_the_replay_is_clean() -> None:
    finding = _finding(severity="critical")
    clean = exchange("GET", "/items", 200, [])
    flaky = mark_flaky(finding, clean)
    assert flaky.flaky and flaky.severity == "low" and flaky.proof == "flaky"
    assert not flaky.blocking and finding.blocking
    assert flaky.evidence["replay_status"] == 200
    again = mark_flaky(finding, exchange("GET", "/items", 503, {}))
    assert again == replace(finding, proof="reproduced") and again.blocking
    assert mark_flaky(finding, None) == finding
    original = exchange("GET", "/items", 500, {})
    assert mark_flaky(finding, clean, original).flaky
    info = mark_flaky(_finding(severity="info"), clean)
    assert info.severity == "info"
