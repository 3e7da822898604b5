"""Authorization by natural key (issue 10 §2): takeovers through a path username, reads by title,
and the account fields mass assignment tries; each proven, never guessed."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, INTRUDER, OWNER, step

from assay.agents.analysis.security.authz.bola_keys import keyed_writes
from assay.agents.analysis.security.authz.bola_reads import keyed_reads
from assay.agents.analysis.security.authz.mass_accounts import account_fields
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, AuthFlow, Operation, RequestBody, ResponseSpec
from assay.oracles.broken_object_authorization import KeyedReadTrial, TakeoverTrial, judge

PASSWORD = "/users/{username}/password"


def _takeover(new: int, wrong: int, wrong_body: Json = None) -> TakeoverTrial:
    write = step("PUT", PASSWORD, 204, None, actor=INTRUDER, path="/users/bob/password")
    login_new = step("POST", "/login", new, {"access_token": "t"} if new == 200 else {"error": "bad"})
    login_wrong = step("POST", "/login", wrong, wrong_body or {"error": "bad"})
    return TakeoverTrial(write, login_new, login_wrong, (write, login_new, login_wrong))


def test_the_victims_login_with_the_intruders_password_is_a_takeover() -> None:
    [finding] = judge([], [], CTX, [_takeover(200, 401)])
    assert (finding.method, finding.path, finding.severity) == ("PUT", PASSWORD, "critical")
    assert "password" in finding.title


def test_a_login_that_answers_200_to_everything_proves_nothing() -> None:
    assert judge([], [], CTX, [_takeover(200, 200, {"access_token": "t"})]) == []
    assert judge([], [], CTX, [_takeover(401, 401)]) == []


def _read(owner_items: list[Json], intruder_items: list[Json], status: int) -> KeyedReadTrial:
    mine = step("GET", "/notes", 200, owner_items)
    theirs = step("GET", "/notes", 200, intruder_items, actor=INTRUDER)
    body: Json = {"title": "a-diary", "text": "x"} if status == 200 else {"detail": "no"}
    read = step("GET", "/notes/{title}", status, body, actor=INTRUDER, path="/notes/a-diary")
    return KeyedReadTrial("title", "a-diary", mine, theirs, read)


def test_reading_a_private_object_by_title_is_a_finding_and_a_shared_one_is_not() -> None:
    [finding] = judge([], [], CTX, keyed_reads=[_read([{"title": "a-diary"}], [], 200)])
    assert (finding.method, finding.path) == ("GET", "/notes/{title}") and OWNER in finding.detail
    shared: list[Json] = [{"title": "a-diary"}]
    assert judge([], [], CTX, keyed_reads=[_read(shared, shared, 200)]) == []
    assert judge([], [], CTX, keyed_reads=[_read([{"title": "a-diary"}], [], 404)]) == []


def _body(**props: str) -> RequestBody:
    return RequestBody(
        "application/json", {"type": "object", "properties": {k: {"type": v} for k, v in props.items()}}
    )


def test_writes_and_reads_chosen_by_natural_key_are_found() -> None:
    ops = (
        Operation("PUT", PASSWORD, request_body=_body(password="string")),
        Operation("PUT", "/users/{username}/email", request_body=_body(email="string")),
        Operation("POST", "/transfer", request_body=_body(account="string", amount="number")),
        Operation("PUT", "/items/{id}", request_body=_body(name="string")),
        Operation("GET", "/notes"),
        Operation("GET", "/notes/{title}"),
        Operation("GET", "/orders/{order_id}"),
        Operation("GET", "/orders"),
    )
    api = ApiModel("t", "1", "3.0.3", "", ops, auth=AuthFlow("bearer", login_operation="POST /login"))
    assert [(w.op.path, w.key, w.in_path) for w in keyed_writes(api)] == [
        (PASSWORD, "username", True),
        ("/users/{username}/email", "username", True),
    ]
    assert [(item.path, key) for item, _, key in keyed_reads(api)] == [("/notes/{title}", "title")]


def test_account_fields_are_the_privileges_the_read_shows_and_the_request_does_not_declare() -> None:
    schema: JsonObject = {
        "type": "object",
        "properties": {"role": {"type": "string"}, "plan": {"type": "string"}},
    }
    me = Operation("GET", "/me", responses=(ResponseSpec("200", schema=schema),))
    register = Operation("POST", "/register", request_body=_body(username="string", plan="string"))
    baseline: JsonObject = {"id": 3, "username": "u", "is_admin": False, "balance": 0.0}
    fields = account_fields(register, [me], baseline)
    assert fields == {"role": "admin", "is_admin": True, "balance": fields["balance"]}
    assert isinstance(fields["balance"], int) and fields["balance"] > 10**8
