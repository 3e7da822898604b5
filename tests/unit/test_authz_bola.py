"""broken_object_authorization: an intruder touching the owner's object, only when it is private."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, INTRUDER, OWNER, step

from assay.domain.json import Json
from assay.oracles.broken_object_authorization import ObjectTrial, ProfileTrial, judge

ITEM = "/notes/{id}"
OWNED: Json = {"id": 7, "owner_id": 1, "title": "mine"}
SHARED: Json = {"id": 7, "title": "wiki page"}


def trial(created: Json, read: int, write: int = 404, delete: int = 404, **lists: int) -> ObjectTrial:
    intruder = (
        step(
            "GET", ITEM, read, created if read == 200 else {"detail": "no"}, actor=INTRUDER, path="/notes/7"
        ),
        step("PATCH", ITEM, write, created, actor=INTRUDER, path="/notes/7", request_body={"title": "x"}),
        step("DELETE", ITEM, delete, None, actor=INTRUDER, path="/notes/7"),
    )
    own = step("GET", "/notes", 200, [created], path="/notes") if "mine" in lists else None
    theirs = step("GET", "/notes", 200, [], actor=INTRUDER, path="/notes") if "mine" in lists else None
    return ObjectTrial("7", step("POST", "/notes", 201, created), own, theirs, intruder)


def test_intruder_reading_an_owned_object_is_a_finding_naming_both_identities() -> None:
    [finding] = judge([trial(OWNED, 200)], [], CTX)
    assert finding.category == "broken_object_authorization" and finding.severity == "high"
    assert (finding.method, finding.path) == ("GET", ITEM)
    assert finding.evidence["identities"] == [OWNER, INTRUDER]
    assert "owner_id=1" in finding.detail


def test_every_route_the_intruder_could_use_is_reported_once() -> None:
    findings = judge([trial(OWNED, 200, 200, 204), trial(OWNED, 200, 200, 204)], [], CTX)
    assert sorted(f.method for f in findings) == ["DELETE", "GET", "PATCH"]
    assert all(f.severity == "critical" for f in findings if f.method != "GET")


def test_owner_checks_keep_it_quiet() -> None:
    assert judge([trial(OWNED, 404)], [], CTX) == []


def test_a_shared_object_is_not_a_finding() -> None:
    assert judge([trial(SHARED, 200, 200)], [], CTX) == []


def test_listing_difference_proves_the_object_private() -> None:
    [finding] = judge([trial(SHARED, 200, mine=1)], [], CTX)
    assert "listing" in finding.detail


def test_write_on_an_object_the_server_hides_from_the_intruder_is_a_finding() -> None:
    [finding] = judge([trial(SHARED, 404, 200)], [], CTX)
    assert finding.method == "PATCH" and "hides it" in finding.detail


def profile(after: str) -> ProfileTrial:
    victim = "assay_v (user, registered by assay)"
    write = step("PATCH", "/users/{id}", 200, {"id": 5}, actor=INTRUDER, path="/users/5")
    read = step("GET", "/users/me", 200, {"id": 5, "display": after}, actor=victim)
    return ProfileTrial("display", "assay-x", write, read, (write, read))


def test_profile_changed_by_another_user_is_a_finding_only_when_the_owner_sees_it() -> None:
    [finding] = judge([], [profile("assay-x")], CTX)
    assert finding.path == "/users/{id}"
    assert judge([], [profile("unchanged")], CTX) == []
