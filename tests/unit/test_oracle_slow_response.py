"""slow_response: a consistently slow operation, judged by the median of valid requests."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.oracles import slow_response
from assay.oracles.base import OracleContext

API = api_model(operation("GET", "/reports", summary="List reports"))


def test_median_over_budget_fires() -> None:
    exchanges = [exchange("GET", "/reports", 200, [], elapsed=t) for t in (2.5, 2.0, 0.4)]
    [finding] = slow_response.judge(exchanges, API, CTX)
    assert finding.category == "slow_response"
    assert finding.severity == "low"
    assert finding.title == "List reports takes 2.0 s (budget 1 s)"
    assert finding.evidence["samples"] == 3 and finding.evidence["median_seconds"] == 2.0
    assert finding.evidence["elapsed_seconds"] == 2.5  # the slowest request is the evidence


def test_far_over_budget_is_medium_and_the_budget_is_configurable() -> None:
    exchanges = [exchange("GET", "/reports", 200, [], elapsed=t) for t in (0.6, 0.7)]
    assert slow_response.judge(exchanges, API, CTX) == []
    [finding] = slow_response.judge(exchanges, API, OracleContext(latency_budget_seconds=0.1))
    assert finding.severity == "medium"


def test_one_sample_a_hiccup_or_slow_invalid_requests_are_quiet() -> None:
    one = [exchange("GET", "/reports", 200, [], elapsed=5.0)]
    hiccup = [exchange("GET", "/reports", 200, [], elapsed=t) for t in (5.0, 0.1, 0.2)]
    invalid = [exchange("GET", "/reports", 422, {}, elapsed=3.0, intent="invalid") for _ in range(3)]
    timeouts = [exchange("GET", "/reports", None, error="timeout") for _ in range(3)]
    for exchanges in (one, hiccup, invalid, timeouts):
        assert slow_response.judge(exchanges, API, CTX) == []
