"""The injection oracle: interpreter evidence against a baseline, never a mere reflection."""

from __future__ import annotations

from dataclasses import replace

from tests.fakes import json_response, text_response

from assay.agents.analysis.security.attacks.injection import SLEEP_PAYLOADS
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.oracles.attack_common import interpreter_error
from assay.oracles.base import OracleContext
from assay.oracles.injection import Payload, Trial, judge_injection, judge_trial

CTX = OracleContext()
BREAK = Payload("break", "SQL", "'\"")
TEMPLATE = Payload("template", "template", "{{97*89}}${97*89}<%= 97*89 %>")
SHELL = Payload("shell", "shell", "x;id;`id`$(id)")
TAUT = Payload("tautology", "SQL", "a' OR '1'='1", "a' AND '1'='2")


def ex(response: RecordedResponse, url: str = "http://t/api/users?name=x", method: str = "GET") -> Exchange:
    return Exchange(
        RecordedRequest(method, url), response, operation=f"{method} /users", path_template="/users"
    )


def slow(response: RecordedResponse, seconds: float) -> RecordedResponse:
    return replace(response, elapsed_seconds=seconds)


def trial(payload: Payload, base: RecordedResponse, *probes: RecordedResponse, twin: Json = None) -> Trial:
    twin_ex = ex(json_response(200, twin)) if twin is not None else None
    return Trial("query name", payload, (ex(base),), tuple(ex(p) for p in probes), twin_ex)


def test_sqlite_error_in_a_500_is_injection() -> None:
    probe = text_response(500, 'sqlite3.OperationalError: near "x": syntax error', "text/plain")
    findings = judge_injection([trial(BREAK, json_response(200, []), probe)], CTX)
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.method, f.path, f.severity) == ("injection", "GET", "/users", "high")
    assert "SQL injection in query name" in f.title and f.reproduce.startswith("curl")


def test_generic_500_without_interpreter_text_is_not_injection() -> None:
    probe = text_response(500, "Internal Server Error", "text/plain")
    assert judge_injection([trial(BREAK, json_response(200, []), probe)], CTX) == []


def test_error_already_in_the_baseline_is_not_evidence() -> None:
    text = "psycopg2.errors.UndefinedTable"
    base = text_response(500, text, "text/plain")
    assert judge_trial(trial(BREAK, base, text_response(500, text, "text/plain"))) is None


def test_httpbin_reflection_of_payloads_is_not_injection() -> None:
    # httpbin's /anything echoes the request: the payload comes back verbatim, nothing evaluates it.
    trials = [
        trial(p, json_response(200, {"args": {"name": "x"}}), json_response(200, {"args": {"name": p.value}}))
        for p in (BREAK, TEMPLATE, SHELL)
    ]
    assert judge_injection(trials, CTX) == []


def test_template_output_and_shell_output_are_injection() -> None:
    base = json_response(200, {"greeting": "hello x"})
    assert judge_trial(trial(TEMPLATE, base, json_response(200, {"greeting": "hello 8633"}))) is not None
    shell = json_response(200, {"out": "uid=1000(app) gid=1000(app) groups=1000(app)"})
    verdict = judge_trial(trial(SHELL, base, shell))
    assert verdict is not None and verdict.how == "output"
    # 8633 already in the baseline (an id, a count): proves nothing.
    base49 = json_response(200, {"total": 8633})
    assert judge_trial(trial(TEMPLATE, base49, json_response(200, {"total": 8633}))) is None


def test_the_template_product_by_chance_inside_a_timestamp_or_uuid_is_not_injection() -> None:
    # Seen on the demo: the probe's created_at happened to end in .486331, the baseline's did not.
    base = json_response(200, {"created_at": "2026-11-23T02:10:00.123456Z"})
    stamp = json_response(200, {"created_at": "2026-11-23T02:10:00.486331Z"})
    uuid = json_response(200, {"id": "0b7d2c1e-8633-4f0a-9c1d-2f6e5a4b3c2d"})
    longer = json_response(200, {"count": 186330})
    for probe in (stamp, uuid, longer):
        assert judge_trial(trial(TEMPLATE, base, probe)) is None


def test_tautology_needs_more_rows_than_baseline_and_false_twin() -> None:
    rows: Json = [{"id": i} for i in range(5)]
    assert judge_trial(trial(TAUT, json_response(200, []), json_response(200, rows), twin=[])) is not None
    # A server that ignores the filter returns everything three times: no finding.
    assert judge_trial(trial(TAUT, json_response(200, rows), json_response(200, rows), twin=rows)) is None
    # A LIKE search that matches the literal text differently is not a tautology either.
    assert judge_trial(trial(TAUT, json_response(200, []), json_response(200, rows), twin=rows)) is None


def test_nosql_operator_flip_from_401_to_200() -> None:
    nosql = Payload("nosql", "NoSQL", {"$ne": None})
    verdict = judge_trial(
        trial(nosql, json_response(401, {"detail": "no"}), json_response(200, {"ok": True}))
    )
    assert verdict is not None and verdict.how == "operator"
    assert judge_trial(trial(nosql, json_response(401, {}), json_response(422, {}))) is None


def test_timing_needs_two_delays_over_two_seconds() -> None:
    sleep = SLEEP_PAYLOADS[0]
    base = slow(json_response(200, {}), 0.05)
    twice = trial(sleep, base, slow(json_response(200, {}), 3.1), slow(json_response(200, {}), 3.05))
    assert judge_trial(twice) is not None
    once = trial(sleep, base, slow(json_response(200, {}), 3.1), slow(json_response(200, {}), 0.06))
    assert judge_trial(once) is None


def test_one_finding_per_route() -> None:
    probe = text_response(500, "You have an error in your SQL syntax", "text/html")
    trials = [trial(BREAK, json_response(200, []), probe), trial(SHELL, json_response(200, []), probe)]
    findings = judge_injection(trials, CTX)
    assert len(findings) == 1 and findings[0].occurrences == 2


def test_signatures_name_the_interpreter() -> None:
    assert interpreter_error("ORA-00933: SQL command not properly ended") == ("SQL", "ORA-00933")
    assert interpreter_error("jinja2.exceptions.TemplateSyntaxError: unexpected '}'") is not None
    assert interpreter_error("sh: 1: x: not found") is not None
    tb = 'Traceback (most recent call last):\n  File "app.py", line 3\n  import pymysql'
    assert interpreter_error(tb) == ("SQL", "pymysql")
    assert interpreter_error("Bad request: field name must be a string") is None


def test_query_string_text_is_probed_before_body_and_path_text() -> None:
    from assay.agents.analysis.security.attacks.injection import injection_priority
    from assay.domain.operations import Operation, Parameter, RequestBody

    search = Operation("GET", "/search", parameters=(Parameter("q", "query", schema={"type": "string"}),))
    body = RequestBody("application/json", {"type": "object", "properties": {"name": {"type": "string"}}})
    create = Operation("POST", "/items", request_body=body)
    by_path = Operation(
        "GET", "/items/{slug}", parameters=(Parameter("slug", "path", schema={"type": "string"}),)
    )
    ops = [by_path, create, search]
    assert [o.path for o in sorted(ops, key=injection_priority)] == ["/search", "/items", "/items/{slug}"]
