"""server_error: 5xx answers and dropped connections, severity by intent and operation."""

from __future__ import annotations

from tests.unit.test_oracle_base import CTX, api_model, exchange, operation

from assay.domain.exchanges import DROPPED_AGAIN
from assay.domain.scenarios import Expectation
from assay.oracles import server_error
from assay.oracles.base import OracleContext

CHAT = "/api/v1/chat/sessions/{session_id}/messages"
API = api_model(
    operation("POST", CHAT, {"201": {"type": "object"}}, summary="Send chat message"),
    operation("GET", "/api/v1/datasets", summary="List datasets"),
)


def test_500_on_a_valid_create_is_critical_and_named_after_the_operation() -> None:
    ex = exchange(
        "POST",
        CHAT,
        500,
        {"detail": "Internal Server Error"},
        path="/api/v1/chat/sessions/s-1/messages",
        request_body={"content": "Hello"},
    )
    [finding] = server_error.judge([ex, ex], API, CTX)
    assert finding.category == "server_error"
    assert finding.severity == "critical"
    assert finding.title == "Send chat message answers 500"
    assert finding.method == "POST" and finding.path == CHAT
    assert CHAT in finding.detail and "Stateful" not in finding.detail
    assert finding.occurrences == 2 and finding.evidence["occurrences"] == 2
    assert finding.reproduce.startswith("curl -X POST")
    assert finding.scenario_id == "SC-API-001"
    assert finding.recommendation


def test_500_on_a_valid_read_is_high_unless_the_scenario_is_core() -> None:
    ex = exchange("GET", "/api/v1/datasets", 500, text="boom", content_type="text/plain")
    [plain] = server_error.judge([ex], API, CTX)
    assert plain.severity == "high"
    core = OracleContext(scenario_severities={"SC-API-001": 9})
    [important] = server_error.judge([ex], API, core)
    assert important.severity == "critical"


def test_500_on_invalid_input_is_medium_and_says_a_4xx_was_due() -> None:
    ex = exchange("POST", CHAT, 500, {"detail": "oops"}, request_body={"content": 5}, intent="invalid")
    [finding] = server_error.judge([ex], API, CTX)
    assert finding.severity == "medium"
    assert finding.title == "Send chat message answers 500 to invalid input"
    assert "4xx" in finding.detail


def test_a_drop_seen_once_is_no_finding_it_may_be_a_keep_alive_race() -> None:
    once = exchange("POST", CHAT, None, error="connection dropped (RemoteProtocolError)", request_body={})
    assert server_error.judge([once], API, CTX) == []


def test_a_drop_repeated_on_a_fresh_connection_is_at_most_medium_and_says_why() -> None:
    error = (
        "POST http://api.test/x: connection dropped (ReadError: [Errno 104] Connection reset by peer), "
        f"{DROPPED_AGAIN}"
    )
    dropped = exchange("POST", CHAT, None, error=error, request_body={"content": "x"})
    [finding] = server_error.judge([dropped], API, CTX)
    assert finding.title == "Send chat message drops the connection"
    assert finding.severity == "medium"  # a valid write, but no server-side error to show
    assert "ReadError" in str(finding.evidence["error"]) and "()" not in finding.detail
    assert "at most medium" in finding.detail and "fresh connection" in finding.detail


def test_a_drop_next_to_a_500_keeps_the_500s_severity() -> None:
    dropped = exchange("POST", CHAT, None, error=f"connection dropped (ReadError), {DROPPED_AGAIN}")
    crashed = exchange("POST", CHAT, 500, {"detail": "boom"}, request_body={"content": "x"})
    [finding] = server_error.judge([dropped, crashed], API, CTX)
    assert finding.severity == "critical" and "at most medium" not in finding.detail


def test_a_timeout_is_a_server_error() -> None:
    timeout = exchange("GET", "/api/v1/datasets", None, error="timeout after 10s")
    [slow] = server_error.judge([timeout], API, CTX)
    assert slow.title == "List datasets times out" and slow.severity == "high"


def test_the_worst_exchange_is_the_evidence_when_a_route_fails_in_several_ways() -> None:
    invalid = exchange("POST", CHAT, 500, {}, request_body={}, intent="invalid")
    valid = exchange("POST", CHAT, 502, {}, request_body={"content": "hi"})
    [finding] = server_error.judge([invalid, valid], API, CTX)
    assert finding.severity == "critical"
    assert finding.evidence["response"] == {
        "status": 502,
        "headers": {"content-type": "application/json"},
        "body": {},
    }


def test_healthy_and_expected_4xx_answers_are_quiet() -> None:
    after_delete = exchange(
        "GET", "/api/v1/datasets", 404, {"detail": "Not Found"}, expect=Expectation(statuses=(404,))
    )
    exchanges = [
        exchange("GET", "/api/v1/datasets", 200, []),
        after_delete,
        exchange("GET", "/api/v1/datasets", 401, {"detail": "Not authenticated"}, intent="no_auth"),
        exchange("POST", CHAT, 422, {"detail": []}, request_body={}, intent="invalid"),
        exchange("POST", CHAT, 204, content_type=None),
    ]
    assert server_error.judge(exchanges, API, CTX) == []
