"""stale_resource and lost_update: what was acknowledged against what is served afterwards."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, step

from assay.agents.analysis.security.authz.state import changed_values
from assay.domain.json import Json
from assay.domain.operations import Operation, RequestBody
from assay.oracles.lost_update import LostTrial, judge_lost
from assay.oracles.stale_resource import StaleTrial, judge_stale

ITEM = "/notes/{id}"
NOTE: Json = {"id": 3, "title": "old", "done": False}


def stale(delete: int, *reads: tuple[int, Json]) -> StaleTrial:
    after = tuple(step("GET", ITEM, s, b, path="/notes/3") for s, b in reads)
    return StaleTrial(
        step("POST", "/notes", 201, NOTE), step("DELETE", ITEM, delete, None, path="/notes/3"), after
    )


def test_object_served_after_an_acknowledged_delete_is_stale() -> None:
    [finding] = judge_stale([stale(204, (200, NOTE), (200, NOTE))], CTX)
    assert finding.category == "stale_resource" and (finding.method, finding.path) == ("DELETE", ITEM)
    assert len(finding.evidence["sequence"]) == 4  # type: ignore[arg-type]


def test_gone_soft_deleted_accepted_or_refused_deletes_are_quiet() -> None:
    trials = [
        stale(204, (404, {"detail": "gone"})),
        stale(204, (200, NOTE), (404, None)),
        stale(200, (200, {**NOTE, "deleted": True})),  # type: ignore[dict-item]
        stale(202, (200, NOTE), (200, NOTE)),
        stale(403, (200, NOTE), (200, NOTE)),
    ]
    assert judge_stale(trials, CTX) == []


def lost(read: Json, write: int = 200) -> LostTrial:
    patch = step("PATCH", ITEM, write, read, path="/notes/3", request_body={"title": "new"})
    return LostTrial(
        step("POST", "/notes", 201, NOTE),
        {"id": 3, "title": "old"},
        {"title": "new"},
        patch,
        step("GET", ITEM, 200, read, path="/notes/3"),
    )


def test_update_acknowledged_but_old_value_still_served_is_lost() -> None:
    [finding] = judge_lost([lost({"id": 3, "title": "old"})], CTX)
    assert finding.category == "lost_update" and finding.method == "PATCH"
    assert finding.evidence["lost_fields"] == ["title"]


def test_persisted_normalised_unechoed_or_refused_updates_are_quiet() -> None:
    trials = [
        lost({"id": 3, "title": "new"}),
        lost({"id": 3, "title": "NEW"}),
        lost({"id": 3}),
        lost({"title": "old"}, 422),
    ]
    assert judge_lost(trials, CTX) == []


def test_changed_values_touch_only_safe_writable_fields() -> None:
    props: Json = {
        "title": {"type": "string", "maxLength": 50},
        "owner_id": {"type": "integer"},
        "email": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "count": {"type": "integer", "maximum": 3},
        "done": {"type": "boolean"},
    }
    update = Operation(
        "PATCH", ITEM, request_body=RequestBody("application/json", {"type": "object", "properties": props})
    )
    original: Json = {
        "title": "a",
        "owner_id": 1,
        "email": "a@b.c",
        "status": "open",
        "count": 3,
        "done": False,
    }
    changed = changed_values(update, original)  # type: ignore[arg-type]
    assert set(changed) == {"title", "status", "count"}  # at most three, never ids or emails
    assert changed["status"] == "closed" and changed["count"] == 2
