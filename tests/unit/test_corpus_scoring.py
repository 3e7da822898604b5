"""bench/corpus_scoring.py: findings judged against a ground truth by its own adjudication rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from corpus_scoring import Finding, assay_findings, parse_ground_truth, score, totals  # noqa: E402

TRUTH: dict[str, Any] = {
    "target": "shop",
    "items": [
        {
            "id": "GHSA-1",
            "source": "https://example.org/advisory/1",
            "http_observable": True,
            "match": [{"category": "injection", "method": "GET", "path": "/users/[^/]+", "text": "sql"}],
        },
        {"id": "GHSA-2", "source": "adv 2", "http_observable": False},
        {
            "id": "GHSA-3",
            "source": "adv 3",
            "http_observable": True,
            "present": False,  # fixed in this release: a finding on it is false
            "match": [{"category": ["cors"], "path": ".*"}],
        },
    ],
    "adjudication": {"accepted": [{"category": "redirect", "path": "/redirect-to"}]},
}


def judged(*findings: Finding) -> tuple[list[str], list[Finding], int, int]:
    result = score(parse_ground_truth(TRUTH), findings)
    return result.found, result.false_positives, result.accepted, result.unjudged


def test_a_matching_finding_finds_its_item_whatever_its_severity() -> None:
    found, fps, _, _ = judged(Finding("injection", "get", "/users/{name}", "low", "SQL error text"))
    assert found == ["GHSA-1"] and fps == []


@pytest.mark.parametrize(
    "finding",
    [
        Finding("injection", "POST", "/users/{name}", "high", "SQL error"),  # another method
        Finding("injection", "GET", "/users/{name}/orders", "high", "SQL error"),  # the path is matched whole
        Finding("injection", "GET", "/users/{name}", "high", "template expression evaluated"),  # text
        Finding("data_exposure", "GET", "/users/{name}", "high", "SQL"),  # another category
    ],
)
def test_a_near_miss_is_not_the_item_and_counts_as_false(finding: Finding) -> None:
    assert judged(finding) == ([], [finding], 0, 0)


def test_only_observable_present_items_are_counted() -> None:
    assert parse_ground_truth(TRUTH).observable[0].id == "GHSA-1"
    assert score(parse_ground_truth(TRUTH), []).observable == 1


def test_a_finding_on_a_fixed_item_is_a_false_positive() -> None:
    finding = Finding("cors", "GET", "/", "medium")
    assert judged(finding) == ([], [finding], 0, 0)


def test_accepted_unjudged_and_low_findings_are_not_false() -> None:
    findings = (
        Finding("redirect", "GET", "/redirect-to", "high"),  # documented behaviour
        Finding("server_error", "GET", "/x", "high"),  # conformance: unjudged
        Finding("ui_accessibility", "GET", "/", "medium"),  # a prefix rule
        Finding("st:unsupported_method", "PUT", "/x", "medium"),
        Finding("mass_assignment", "PUT", "/x", "low"),  # below medium
    )
    assert judged(*findings) == ([], [], 1, 3)
    assert score(parse_ground_truth(TRUTH), findings).below_medium == 1


def test_every_item_cites_a_source_and_observable_ones_say_what_counts() -> None:
    with pytest.raises(ValueError):
        parse_ground_truth({"target": "t", "items": [{"id": "a", "source": "", "http_observable": False}]})
    with pytest.raises(ValueError):
        parse_ground_truth({"target": "t", "items": [{"id": "a", "source": "x", "http_observable": True}]})


def test_assay_findings_json_and_totals() -> None:
    document = {
        "findings": [
            {
                "category": "injection",
                "method": "get",
                "path": "/users/{n}",
                "severity": "high",
                "title": "SQL",
            },
        ]
    }
    [finding] = assay_findings(document)
    assert (finding.method, finding.severity) == ("GET", "high") and "SQL" in finding.text
    scores = [score(parse_ground_truth(TRUTH), [finding]), score(parse_ground_truth(TRUTH), [])]
    assert totals(scores) == (1, 2, 0)


def test_the_committed_ground_truths_parse() -> None:
    files = sorted((BENCH / "corpus").glob("*/ground_truth.json"))
    assert len(files) >= 6
    for path in files:
        truth = parse_ground_truth(json.loads(path.read_text()))
        assert truth.target == path.parent.name
