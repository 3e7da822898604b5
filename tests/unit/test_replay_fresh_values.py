"""A replayed create carries a new ${unique} token, found from its template or assay's own names."""

from __future__ import annotations

from assay.agents.analysis.fresh_values import token_patterns, with_fresh_token
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import Json
from assay.domain.scenarios import RequestSpec

OP = "POST /users"


def _spec(body: Json) -> RequestSpec:
    return RequestSpec(OP, "POST", "/users", {}, {}, {}, body, True, "application/json")


def _sent(body: Json, url: str = "http://127.0.0.1:9/users") -> Exchange:
    return Exchange(RecordedRequest("POST", url, {}, body, True, "application/json"), None, operation=OP)


def test_the_token_is_found_from_the_template_and_replaced_everywhere() -> None:
    template = _spec({"email": "qa-${unique}@example.com", "name": "${unique}", "role": "member"})
    sent = _sent({"email": "qa-k3j9x0abcd@example.com", "name": "k3j9x0abcd", "role": "member"})
    fresh = with_fresh_token(sent, {OP: [template]}).request.body
    assert isinstance(fresh, dict)
    token = str(fresh["email"])[3:13]
    assert token != "k3j9x0abcd" and fresh["name"] == token and fresh["role"] == "member"


def test_assay_own_names_are_found_without_a_template() -> None:
    sent = _sent({"email": "assay.efcgy0hrth@example.com", "password": "p"})
    fresh = with_fresh_token(sent, {}).request.body
    assert isinstance(fresh, dict) and "efcgy0hrth" not in str(fresh["email"]) and fresh["password"] == "p"


def test_a_request_without_a_token_is_replayed_as_it_was() -> None:
    sent = _sent({"title": "Created by assay for automated QA", "count": 3})
    assert with_fresh_token(sent, {OP: [_spec({"title": "fixed"})]}) == sent
    assert token_patterns([_spec({"name": "${unique}"})]) == []  # no context: too ambiguous
