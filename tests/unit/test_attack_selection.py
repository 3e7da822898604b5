"""Which operations the login, CORS and exhaustion families probe: chosen by meaning, not spec order."""

from __future__ import annotations

from dataclasses import replace

from tests.fakes import json_response

from assay.agents.analysis.security.attacks.auth_targets import (
    TargetKind,
    attempt_spec,
    auth_targets,
    classify,
    wrong_secret,
)
from assay.agents.analysis.security.attacks.cors import rank
from assay.agents.analysis.security.attacks.exhaustion import pattern_risk, rank_operations, text_slots
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, AuthFlow, Operation, Parameter, RequestBody, ResponseSpec
from assay.oracles.base import OracleContext
from assay.oracles.user_enumeration import judge_enumeration

CTX = OracleContext()
RISKY = r"^([a-z0-9]+[._-]?)*$"


def post(path: str, props: JsonObject, required: tuple[str, ...] = (), op_id: str | None = None) -> Operation:
    schema: JsonObject = {"type": "object", "properties": props, "required": list(required)}
    return Operation("POST", path, operation_id=op_id, request_body=RequestBody("application/json", schema))


TEXT: JsonObject = {"type": "string"}
LOGIN = post("/auth/login", {"username": TEXT, "password": TEXT})
LEGACY = post("/v0/session", {"email": TEXT, "password": TEXT})
CONFIRM = post(
    "/auth/password-reset/confirm",
    {"email": TEXT, "code": TEXT, "new_password": TEXT},
    ("email", "code", "new_password"),
)
LOOKUP = post("/auth/forgot-password", {"email": TEXT}, ("email",))
REGISTER = post("/auth/register", {"email": TEXT, "password": TEXT})
CHANGE = post("/users/me/change-password", {"email": TEXT, "password": TEXT})
NOTE = post("/notes", {"title": TEXT, "user": TEXT})
PROFILE = post("/profile/reset-avatar", {"email": TEXT, "avatar": TEXT}, ("email", "avatar"))


def api(*ops: Operation, auth: AuthFlow | None = None) -> ApiModel:
    return ApiModel("t", "1", "3.1.0", "", ops, auth=auth or AuthFlow())


def test_every_login_like_and_reset_like_operation_is_a_target() -> None:
    kinds = {
        op.path: (t.kind, t.user_field, t.secret_field)
        for op in (LEGACY, CONFIRM, LOOKUP)
        if (t := classify(op))
    }
    assert kinds == {
        "/v0/session": ("login", "email", "password"),
        "/auth/password-reset/confirm": ("code", "email", "code"),
        "/auth/forgot-password": ("lookup", "email", None),
    }
    # registration, password changes, ordinary creates and reset-words with more fields are not
    assert [classify(op, REGISTER.key) for op in (REGISTER, CHANGE, NOTE, PROFILE)] == [None] * 4


def test_the_flows_login_comes_first_and_the_count_is_bounded() -> None:
    flow = AuthFlow(login_operation=LOGIN.key, username_field="username", register_operation=REGISTER.key)
    model = api(REGISTER, CONFIRM, LOOKUP, LEGACY, LOGIN, auth=flow)
    every: frozenset[TargetKind] = frozenset({"login", "code", "lookup"})
    assert [t.op.path for t in auth_targets(model, every, 9)] == [
        "/auth/login", "/auth/password-reset/confirm", "/auth/forgot-password", "/v0/session",
    ]  # fmt: skip
    assert [t.op.path for t in auth_targets(model, frozenset({"login", "code"}), 2)] == [
        "/auth/login", "/auth/password-reset/confirm",
    ]  # fmt: skip


def test_attempts_name_the_user_and_a_wrong_secret() -> None:
    target = classify(CONFIRM)
    assert target is not None
    code = wrong_secret(target, "pw")
    assert isinstance(code, str) and len(code) == 6 and code.isdigit()
    body = attempt_spec(target, "a@b.example", code).body
    assert isinstance(body, dict) and body["email"] == "a@b.example" and body["code"] == code
    assert "new_password" in body


def ex(status: int, body: Json = None) -> Exchange:
    response: RecordedResponse = replace(json_response(status, body), elapsed_seconds=0.01)
    return Exchange(RecordedRequest("POST", "http://t/reset"), response, path_template="/reset")


def test_a_lookup_that_answers_by_existence_is_enumeration() -> None:
    names = ("ghost@x.example", "alice@x.example")
    found = judge_enumeration(
        [ex(404, {"d": "no account"})] * 4, [ex(202, {"sent": True})] * 4, names, CTX, lookup=True
    )
    assert found and found[0].category == "user_enumeration" and "existing user" in found[0].detail
    # a login answering 2xx is something else, not enumeration
    assert judge_enumeration([ex(404, {})] * 4, [ex(200, {})] * 4, names, CTX) == []


def test_a_lookup_with_one_answer_for_everyone_is_quiet() -> None:
    names = ("ghost@x.example", "alice@x.example")
    same = judge_enumeration(
        [ex(202, {"sent": True})] * 4, [ex(202, {"sent": True})] * 4, names, CTX, lookup=True
    )
    echoed = judge_enumeration(
        [ex(202, {"d": "mail sent to ghost@x.example"})] * 4,
        [ex(202, {"d": "mail sent to alice@x.example"})] * 4,
        names,
        CTX,
        lookup=True,
    )
    throttled = judge_enumeration([ex(429, {})] * 4, [ex(202, {})] * 4, names, CTX, lookup=True)
    assert same == echoed == throttled == []


def get(path: str, answer: JsonObject | None = None, *, secured: bool = False) -> Operation:
    responses = (ResponseSpec("200", schema=answer),) if answer is not None else ()
    return Operation("GET", path, responses=responses, security=("bearer",) if secured else ())


def test_cors_prefers_the_users_own_data_over_spec_order() -> None:
    user: JsonObject = {"type": "object", "properties": {"email": TEXT, "full_name": TEXT}}
    sessions: JsonObject = {"type": "array", "items": {"type": "object", "properties": {"user_agent": TEXT}}}
    ops = (
        get("/health"),
        get("/items", {"type": "array"}, secured=True),
        get("/items/{id}", user, secured=True),
        get("/audit", {"type": "object", "properties": {"owner_email": TEXT}}, secured=True),
        get("/me/sessions", sessions, secured=True),
        get("/me", user, secured=True),
    )
    flow = AuthFlow(current_user_operation="GET /me")
    picked = [op.path for op in rank(api(*ops, auth=flow))[:3]]
    assert picked == ["/me", "/me/sessions", "/audit"]
    assert [op.path for op in rank(api(*reversed(ops), auth=flow))[:3]] == picked
    assert [op.path for op in rank(api(get("/b"), get("/a")))] == ["/b", "/a"]  # ties keep spec order


def test_pattern_risk() -> None:
    assert [pattern_risk(p) for p in (RISKY, r"^(\w+\s?)*$", r"^(a+)+$", r"^(a{2,})+$")] == [2, 2, 2, 2]
    assert [pattern_risk(p) for p in (r"^[a-z]+$", r"^(ab){2,}$", r"^(\d+)-(\d+)$")] == [1, 1, 1]
    assert [pattern_risk(p) for p in (r"^password$", "", None)] == [0, 0, 0]


def test_exhaustion_feeds_the_risky_pattern_first_wherever_it_is() -> None:
    plain = post("/notes", {"title": TEXT})
    simple = post("/tags", {"name": {"type": "string", "pattern": r"^[a-z]+$"}})
    paged = Operation("GET", "/items", parameters=(Parameter("limit", "query", schema={"type": "integer"}),))
    risky = Operation(
        "GET",
        "/handles/check",
        parameters=(
            Parameter("note", "query", schema=TEXT),
            Parameter("handle", "query", True, {"type": "string", "pattern": RISKY}),
        ),
    )
    fixed = Operation("GET", "/health")
    ranked = rank_operations([plain, simple, fixed, paged, risky])
    assert [op.path for op in ranked] == ["/handles/check", "/items", "/tags", "/notes"]
    assert text_slots(risky)[0].name == "handle"
