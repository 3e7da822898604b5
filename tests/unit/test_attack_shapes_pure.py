"""The pure parts of issue 10's injection, CORS and business checks: each judgment needs its proof."""

from __future__ import annotations

from tests.fakes import json_response, text_response

from assay.agents.analysis.security.attacks.common import Slot
from assay.agents.analysis.security.attacks.cors import regex_mistakes, revealed_origins
from assay.agents.analysis.security.attacks.injection import operator_pair, placed
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.scenarios import RequestSpec
from assay.oracles.attack_common import database_engine
from assay.oracles.base import OracleContext
from assay.oracles.business_flow import StateTrial, judge_state, state_abused
from assay.oracles.injection import Payload, Trial, boolean_difference, judge_injection

TAUT = Payload("tautology", "SQL", "a' OR '1'='1", "a' AND '1'='2")


def ex(response: RecordedResponse, path: str = "/users/a") -> Exchange:
    return Exchange(RecordedRequest("GET", f"http://t{path}"), response, path_template="/users/{name}")


def test_a_404_turned_200_by_the_true_condition_only_is_a_difference() -> None:
    found, missing = json_response(200, {"username": "alice"}), json_response(404, {"detail": "no"})
    assert boolean_difference(ex(found), ex(missing), ex(missing)) is not None
    assert boolean_difference(ex(missing), ex(missing), ex(missing)) is None  # literals: same answer
    limited = json_response(429, {"detail": "slow down"})
    assert boolean_difference(ex(found), ex(limited), ex(missing)) is None  # a throttle is no "false"


def test_a_boolean_pair_needs_its_confirmation() -> None:
    found, missing = ex(json_response(200, {"u": "alice"})), ex(json_response(404, {}))
    confirmed = Trial("path name", TAUT, (missing,), (found,), missing, (found, missing))
    unconfirmed = Trial("path name", TAUT, (missing,), (found,), missing, (missing, missing))
    assert [f.evidence["signal"] for f in judge_injection([confirmed], OracleContext())] == ["tautology"]
    assert judge_injection([unconfirmed], OracleContext()) == []


def test_a_list_filter_absent_from_the_baseline_shows_by_the_pair() -> None:
    every, none = ex(json_response(200, [{"n": 1}, {"n": 2}])), ex(json_response(200, []))
    trial = Trial("query name", TAUT, (every,), (every,), none, (every, none))
    assert judge_injection([trial], OracleContext())  # the baseline lists all: the pair decides
    assert judge_injection([Trial("query name", TAUT, (every,), (every,), none)], OracleContext()) == []


def test_the_engine_comes_from_the_error_text_only() -> None:
    assert database_engine('sqlite3.OperationalError: near "x": syntax error') == "SQLite"
    assert database_engine('psycopg2.errors.SyntaxError: syntax error at or near "x"') == "PostgreSQL"
    assert database_engine("You have an error in your SQL syntax; check the manual") == "MySQL"
    assert database_engine("MongoServerError: unknown operator: $foo") == "MongoDB"
    assert database_engine("we use sqlite and it is fine") is None  # no interpreter error, no engine


def test_an_error_naming_mongodb_makes_the_finding_nosql() -> None:
    error = ex(text_response(500, "MongoServerError: unknown operator: $x", "text/plain"))
    base = ex(json_response(200, []))
    trial = Trial("query q", Payload("break", "SQL", "'\""), (base,), (error,))
    [finding] = judge_injection([trial], OracleContext())
    assert finding.title.startswith("NoSQL injection") and finding.evidence["engine"] == "MongoDB"


def test_origins_that_defeat_careless_patterns_are_all_foreign() -> None:
    found = regex_mistakes("https://app.target.com")
    assert found == [
        "https://app.target.com.evil.test",
        "https://eviltarget.com",
        "https://app.targetxcom",
        "https://appxtarget.com",
    ]
    assert regex_mistakes("null") == []


def test_the_allowed_origin_a_server_answers_strangers_is_revealed() -> None:
    answer = json_response(200, {})
    answer = RecordedResponse(
        200, {**answer.headers, "access-control-allow-origin": "https://app.t.com"}, "{}"
    )
    assert revealed_origins([ex(answer)], ["https://evil.example"]) == ["https://app.t.com"]
    assert revealed_origins([ex(answer)], ["https://app.t.com"]) == []  # its own echo reveals nothing


def _state(probe: str, *readings: float) -> StateTrial:
    actions = tuple(ex(json_response(200, {"status": "ok"}), "/coupons") for _ in readings[1:])
    return StateTrial(probe, "balance", actions, readings)  # type: ignore[arg-type]


def test_business_abuse_is_judged_by_the_state_not_by_200s() -> None:
    assert state_abused(_state("reuse", 100, 110, 120)) is not None
    assert state_abused(_state("reuse", 100, 110, 110)) is None  # credited once, 200 both times
    assert state_abused(_state("reuse", 100, 100, 100)) is None  # the code never applied
    assert state_abused(_state("self_transfer", 100, 101)) is not None
    assert state_abused(_state("self_transfer", 100, 100)) is None
    assert state_abused(_state("negative_amount", 100, 95)) is None
    [one] = judge_state([_state("reuse", 1, 2, 3), _state("self_transfer", 1, 2)], OracleContext())
    assert one.evidence["probes"] == ["reuse", "self_transfer"]  # one finding per route


def test_a_query_operator_goes_in_the_key_as_qs_parses_it() -> None:
    spec = RequestSpec("GET /p", "GET", "/p", {}, {"category": "food", "page": 1}, {}, None, False, "")
    slot = Slot("query", "category")
    pair = operator_pair("food")
    assert placed(spec, slot, pair.value).query == {"page": 1, "category[$ne]": "food"}
    assert placed(spec, slot, pair.false_twin).query == {"page": 1, "category[$eq]": "food"}
    assert placed(spec, slot, "[$ne]x").query["category[$ne]"] == "x"
    assert placed(spec, Slot("body", "category"), "[$ne]x").query == spec.query  # only query keys
