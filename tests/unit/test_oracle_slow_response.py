"""slow_response: a consistently slow operation, judged by the median of valid requests."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.exchanges import Exchange
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


def _lagged(path: str, elapsed: float, lag: float) -> Exchange:
    e = exchange("GET", path, 200, [], elapsed=elapsed)
    assert e.response is not None
    return replace(e, response=replace(e.response, loop_lag_seconds=lag))


def test_assay_own_loop_lag_is_taken_out_before_judging() -> None:
    # 2.2 s each, of which assay's event loop was starved 2.0 s: the target took 0.2 s.
    congested = [_lagged("/reports", 2.2, 2.0) for _ in range(3)]
    assert slow_response.judge(congested, API, CTX) == []
    really = [_lagged("/reports", 2.2, 0.1) for _ in range(3)]
    [finding] = slow_response.judge(really, API, CTX)
    assert finding.evidence["loop_lag_seconds"] == 0.1


def test_slow_is_judged_against_the_run_baseline_of_the_other_routes() -> None:
    api = api_model(operation("GET", "/reports"), operation("GET", "/items"))
    # Everything answers in about 1.5 s in this run: /reports at 2 s is not 4x that.
    uniform = [exchange("GET", "/items", 200, [], elapsed=1.5) for _ in range(4)]
    near = [exchange("GET", "/reports", 200, [], elapsed=2.0) for _ in range(3)]
    assert slow_response.judge([*uniform, *near], api, CTX) == []
    # Against a fast baseline (0.05 s) the same 2 s is 40x: reported, with the baseline as evidence.
    fast = [exchange("GET", "/items", 200, [], elapsed=0.05) for _ in range(4)]
    [finding] = slow_response.judge([*fast, *near], api, CTX)
    assert finding.evidence["baseline_seconds"] == 0.05
    assert "40x this run's baseline" in finding.detail


def test_the_baseline_line_never_drops_below_the_budget_floor() -> None:
    assert slow_response.slow_line(1.0, None) == 1.0
    assert slow_response.slow_line(1.0, 0.01) == 1.0
    assert slow_response.slow_line(1.0, 0.5) == 2.0
