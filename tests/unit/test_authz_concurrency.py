"""Concurrency: duplicates the server's own uniqueness forbids, and 5xx answers under a burst."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, step

from assay.domain.json import Json
from assay.security.authz.concurrency import RACE_CATEGORY, RaceTrial, judge


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

    from assay.domain.operations import ApiModel, Operation, RequestBody, ResponseSpec
    from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe
    from assay.security.authz.concurrency import race_candidates
    from assay.security.base import SecurityContext

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
