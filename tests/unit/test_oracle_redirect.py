"""redirect: undocumented 3xx on spec-valid requests and path variants."""

from __future__ import annotations

from tests.unit.test_oracle_base import BASE, CTX, api_model, exchange, operation

from assay.domain.scenarios import Expectation
from assay.oracles import redirect

AGENTS = "/api/v1/agents/"
API = api_model(
    operation("GET", AGENTS, summary="List agents"),
    operation("POST", AGENTS, {"201": {"type": "object"}}),
    operation("GET", "/redirect-to", {"302": None}),
    operation("GET", "/relative-redirect/{n}", {"3XX": None}),
)


def test_seed_000_collection_without_trailing_slash_answers_307() -> None:
    ex = exchange(
        "GET",
        AGENTS,
        307,
        path="/api/v1/agents",
        content_type=None,
        headers={"Location": BASE + "/api/v1/agents/"},
        intent="variant",
    )
    [finding] = redirect.judge([ex, ex], API, CTX)
    assert finding.category == "redirect"
    assert finding.severity == "low"
    assert finding.title == "GET /api/v1/agents answers 307 to /api/v1/agents/"
    assert finding.path == AGENTS
    assert finding.evidence["location"] == BASE + "/api/v1/agents/"
    assert finding.occurrences == 2
    assert "trailing slash" in finding.detail
    assert "both" in finding.recommendation


def test_body_losing_redirect_of_a_valid_post_is_medium() -> None:
    ex = exchange(
        "POST",
        AGENTS,
        301,
        path="/api/v1/agents",
        content_type=None,
        headers={"Location": "/api/v1/agents/"},
        request_body={"name": "a"},
    )
    [finding] = redirect.judge([ex], API, CTX)
    assert finding.severity == "medium"
    assert "drop the body" in finding.detail


def test_documented_redirects_and_other_traps_are_quiet() -> None:
    exchanges = [
        exchange("GET", "/redirect-to", 302, content_type=None, headers={"Location": "https://example.com"}),
        exchange("GET", "/relative-redirect/{n}", 302, path="/relative-redirect/2", content_type=None),
        exchange("GET", AGENTS, 302, content_type=None, headers={"Location": "/login"}, intent="no_auth"),
        exchange("GET", AGENTS, 304, content_type=None),
        exchange("GET", AGENTS, 301, content_type=None, intent="invalid"),
        exchange(
            "GET", AGENTS, 307, content_type=None, intent="variant", expect=Expectation(status_classes=(2, 3))
        ),
        exchange("GET", AGENTS, 200, []),
    ]
    assert redirect.judge(exchanges, API, CTX) == []
