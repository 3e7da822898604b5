"""Concurrency: duplicates the server's own uniqueness forbids, and 5xx answers under a burst."""

from __future__ import annotations

from tests.fakes import FakeTransport, json_response
from tests.unit.test_authz_support import CTX, step

from assay.agents.analysis.security.authz.concurrency import Concurrency
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.oracles.race_condition import RACE_CATEGORY, RaceTrial, judge


def race(duplicate: int, *burst: int) -> RaceTrial:
    body: Json = {"email": "a@example.com"}
    return RaceTrial(
        step("POST", "/accounts", 201, {"id": 1}, request_body=body),
        step("POST", "/accounts", duplicate, {"detail": "taken"}, request_body=body),
        tuple(step("POST", "/accounts", s, {"id": 2}, request_body=body) for s in burst),
    )


def test_several_creates_at_once_despite_a_unique_field_are_a_finding() -> None:
    [finding] = judge([race(409, 201, 201, 409, 409)], CTX)
    assert finding.category == RACE_CATEGORY == "race_condition" and finding.path == "/accounts"
    assert finding.evidence["created_at_once"] == 2


def test_one_winner_or_no_uniqueness_is_quiet() -> None:
    assert judge([race(409, 201, 409, 409), race(201, 201, 201, 201)], CTX) == []


def test_5xx_under_concurrency_is_a_server_error() -> None:
    [finding] = judge([race(201, 201, 500, 201)], CTX)
    assert finding.category == "server_error" and "500" in finding.title


def test_creates_that_document_a_conflict_are_raced_first() -> None:
    from dataclasses import replace

    from tests.unit.test_authz_identities import API

    from assay.agents.analysis.security.authz.concurrency import race_candidates
    from assay.agents.analysis.security.base import SecurityContext
    from assay.domain.operations import ApiModel, Operation, RequestBody, ResponseSpec
    from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe

    def op(path: str, *statuses: str) -> Operation:
        body = RequestBody("application/json", {"type": "object"})
        return Operation("POST", path, request_body=body, responses=tuple(ResponseSpec(s) for s in statuses))

    def recipe(name: str, path: str, has_body: bool = True) -> ResourceRecipe:
        spec = RequestSpec(f"POST {path}", "POST", path, body={} if has_body else None, has_body=has_body)
        return ResourceRecipe(name, Action(name, spec, Expectation()))

    ops = (op("/notes", "201"), op("/tags", "201", "409"), op("/pings", "201"))
    api: ApiModel = replace(API, operations=ops)
    recipes = {"note": recipe("note", "/notes"), "tag": recipe("tag", "/tags")}
    recipes["ping"] = recipe("ping", "/pings", has_body=False)
    ctx = SecurityContext(api, None, None, recipes, None, 0.0)  # type: ignore[arg-type]
    assert race_candidates(ctx) == ["tag", "note"]


class _RaceOnSecondBurst:
    """A create with a unique name whose race shows only in the second burst (as a busy machine
    spreads the first burst's requests past the server's race window)."""

    BURST = 8

    def __init__(self) -> None:
        from tests.unit.test_authz_identities import FakeServer

        self.accounts = FakeServer()
        self.creates = 0

    def __call__(self, request: RecordedRequest) -> RecordedResponse:
        if not request.url.endswith("/tags"):
            return self.accounts(request)
        self.creates += 1
        burst, index = divmod(self.creates - 3, self.BURST)  # creates 1 and 2: the sequential pair
        if self.creates == 1 or (burst == 0 and index == 0) or (burst == 1 and index < 2):
            return json_response(201, {"id": self.creates})
        return json_response(409, {"detail": "taken"})


async def _race_ctx(server: _RaceOnSecondBurst) -> SecurityContext:
    import time
    from dataclasses import replace

    from tests.unit.test_authz_identities import API

    from assay.agents.analysis.execution.auth import Authenticator
    from assay.domain.operations import Operation, RequestBody, ResponseSpec
    from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe
    from assay.domain.target import Credentials, Target

    body = RequestBody("application/json", {"type": "object"})
    tags = Operation("POST", "/tags", request_body=body, responses=(ResponseSpec("201"), ResponseSpec("409")))
    api = replace(API, operations=(*API.operations, tags))
    spec = RequestSpec("POST /tags", "POST", "/tags", body={"name": "{unique}"}, has_body=True)
    recipes = {"tag": ResourceRecipe("tag", Action("tag", spec, Expectation()))}
    target = Target("http://127.0.0.1:9", credentials=(Credentials("alice", "pw"),))
    transport = FakeTransport(server)
    auth = Authenticator(api, target, transport)
    await auth.login()
    return SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 600)


async def test_a_burst_that_shows_nothing_is_tried_again_and_the_finding_says_which() -> None:
    server = _RaceOnSecondBurst()
    report = await Concurrency().run(await _race_ctx(server))
    [finding] = report.findings
    assert finding.category == RACE_CATEGORY and finding.evidence["bursts"] == 2
    assert server.creates == 2 + 2 * _RaceOnSecondBurst.BURST  # stopped at the burst that showed it


async def test_without_a_unique_field_one_burst_is_enough() -> None:
    class NoUniqueness(_RaceOnSecondBurst):
        def __call__(self, request: RecordedRequest) -> RecordedResponse:
            if request.url.endswith("/tags"):
                self.creates += 1
                return json_response(201, {"id": self.creates})
            return self.accounts(request)

    server = NoUniqueness()
    report = await Concurrency().run(await _race_ctx(server))
    assert report.findings == [] and server.creates == 2 + _RaceOnSecondBurst.BURST
