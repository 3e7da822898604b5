"""mass_assignment: forbidden fields sent on a write and found again on the read."""

from __future__ import annotations

from tests.unit.test_authz_support import CTX, step

from assay.agents.analysis.security.authz.mass_assignment import injections, read_only_fields
from assay.domain.json import Json, JsonObject
from assay.domain.operations import Operation, RequestBody, ResponseSpec
from assay.oracles.mass_assignment import MassTrial, judge, persisted

SENT: JsonObject = {"title": "t", "is_admin": True, "role": "admin", "tenant_id": "assay-t"}


def trial(
    read_body: Json, *, write: int = 201, baseline: JsonObject | None = None, read: bool = True
) -> MassTrial:
    created = step("POST", "/notes", write, {"id": 3, "title": "t"}, request_body=SENT)
    back = step("GET", "/notes/{id}", 200, read_body, path="/notes/3") if read else None
    injected = {k: v for k, v in SENT.items() if k != "title"}
    return MassTrial(injected, created, back, baseline or {"id": 2, "title": "t", "role": "user"})


def test_persisted_privileged_fields_are_a_critical_finding() -> None:
    [finding] = judge([trial({"id": 3, "is_admin": True, "role": "admin"})], CTX)
    assert finding.category == "mass_assignment" and finding.severity == "critical"
    assert (finding.method, finding.path) == ("POST", "/notes")
    assert "`is_admin`, `role`" in finding.title


def test_rejected_or_ignored_extras_are_quiet() -> None:
    assert judge([trial({"id": 3, "role": "admin"}, write=422)], CTX) == []
    assert judge([trial({"id": 3, "title": "t", "role": "user", "is_admin": False})], CTX) == []


def test_a_value_the_plain_write_also_produces_is_not_a_finding() -> None:
    same = trial({"id": 3, "role": "admin"}, baseline={"role": "admin"})
    assert persisted(same) == {}


def test_without_a_read_the_writes_own_answer_is_judged() -> None:
    echoed = MassTrial(
        {"tenant_id": "assay-t"}, step("POST", "/notes", 201, {"id": 3, "tenant_id": "assay-t"})
    )
    [finding] = judge([echoed], CTX)
    assert "echoed" in finding.detail


def test_injections_skip_writable_fields_and_add_read_only_ones() -> None:
    body = RequestBody("application/json", {"type": "object", "properties": {"role": {"type": "string"}}})
    out: JsonObject = {
        "type": "object",
        "properties": {"created_at": {"type": "string", "format": "date-time", "readOnly": True}},
    }
    create = Operation("POST", "/users", request_body=body, responses=(ResponseSpec("201", schema=out),))
    extra = injections(create, {"id": 4})
    assert "role" not in extra and extra["is_admin"] is True and extra["id"] == 987654323
    assert extra["created_at"] == "2001-02-03T04:05:06Z"
    assert set(read_only_fields(create)) == {"created_at"}
