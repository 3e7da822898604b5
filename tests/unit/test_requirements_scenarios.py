"""Scenarios, focus, coverage and the agent entry point, on hand-made API models."""

from __future__ import annotations

from collections import Counter

import pytest
from tests.unit.test_requirements_apis import P, httpbin_api, seed_api

from assay.agents.requirements.agent import generate
from assay.domain.observation import Observation, ProbedEndpoint
from assay.domain.scenarios import RequirementsResult, Scenario


@pytest.fixture(scope="module")
def seed() -> RequirementsResult:
    return generate(Observation("http://127.0.0.1:8000", "api", api=seed_api()))


def of_kind(result: RequirementsResult, kind: str, operation: str) -> list[Scenario]:
    return [s for s in result.scenarios if s.kind == kind and operation in s.operations]


def test_ids_are_sequential_and_generation_is_deterministic(seed: RequirementsResult) -> None:
    ids = [s.id for s in seed.scenarios]
    assert ids == [f"SC-API-{i:03d}" for i in range(1, len(ids) + 1)]
    again = generate(Observation("http://127.0.0.1:8000", "api", api=seed_api()))
    assert again == seed


def test_scenarios_ordered_by_path_then_method(seed: RequirementsResult) -> None:
    firsts = [s.operations[0].split(" ", 1) for s in seed.scenarios]
    paths = [p for _, p in firsts]
    assert paths == sorted(paths)


def test_happy_path_uses_documented_status_and_fixture_ids(seed: RequirementsResult) -> None:
    (get_project,) = of_kind(seed, "happy_path", f"GET {P}/projects/{{project_id}}")
    assert get_project.fixtures == ("project",)
    action = get_project.actions[0]
    assert action.request.path_params == {"project_id": "${project.id}"}
    assert action.expect.statuses == (200,) and action.expect.status_classes == ()
    assert any("${project.id}" in s.text for s in get_project.steps)


def test_chat_message_needs_session_and_its_dependencies_first(seed: RequirementsResult) -> None:
    (send,) = of_kind(seed, "happy_path", f"POST {P}/chat/sessions/{{session_id}}/messages")
    assert send.fixtures[-1] == "session" and set(send.fixtures) == {"session", "dataset", "agent_kit"}
    assert send.actions[0].request.body == {"content": "Hello from assay"}
    assert send.severity >= 8 and "@critical" in send.tags


def test_negative_scenarios_expect_4xx_and_are_capped(seed: RequirementsResult) -> None:
    register = f"POST {P}/auth/register"
    missing = [s for s in of_kind(seed, "missing_required", register) if s.operations[0] == register]
    for s in missing:
        sent = s.actions[0].request.body
        assert isinstance(sent, dict) and len(sent) == 3  # exactly one required field left out
    assert len(missing) == 4
    for s in missing + of_kind(seed, "wrong_type", register):
        assert s.actions[0].request.intent == "invalid"
        assert s.actions[0].expect.status_classes == (4,) and s.actions[0].expect.statuses == ()
    per_op = Counter((s.kind, s.operations[0]) for s in seed.scenarios)
    assert max(n for (k, _), n in per_op.items() if k in ("wrong_type", "boundary")) <= 3


def test_login_registers_a_fresh_user_then_logs_in_as_it(seed: RequirementsResult) -> None:
    login = f"POST {P}/auth/login"
    (happy,) = [s for s in of_kind(seed, "happy_path", login) if s.operations[0] == login]
    register, log_in = happy.actions
    assert register.request.operation == f"POST {P}/auth/register" and register.request.intent == "setup"
    reg_body, login_body = register.request.body, log_in.request.body
    assert isinstance(reg_body, dict) and isinstance(login_body, dict)
    # The same ${unique} token is used within a scenario, so this is the user just registered.
    assert login_body == {"username": reg_body["email"], "password": reg_body["password"]}
    assert (
        log_in.request.auth == "none" and log_in.request.content_type == "application/x-www-form-urlencoded"
    )
    (wrong,) = [s for s in of_kind(seed, "invalid_credentials", login) if "wrong password" in s.title]
    wrong_body = wrong.actions[1].request.body
    assert isinstance(wrong_body, dict) and wrong_body["password"] != reg_body["password"]
    assert wrong.actions[1].expect.status_classes == (4,)
    # A form sends text: wrong JSON types cannot be expressed, so none are generated.
    assert not of_kind(seed, "wrong_type", login)
    assert "${auth." not in str([a.request.body for s in seed.scenarios for a in s.actions])


def test_boundaries_expect_4xx_outside_and_2xx_on_the_edge(seed: RequirementsResult) -> None:
    found = of_kind(seed, "boundary", f"POST {P}/projects/")
    bodies = {
        str(s.actions[0].request.body.get("name")): s
        for s in found
        if isinstance(s.actions[0].request.body, dict)
    }
    assert bodies["x" * 101].actions[0].expect.status_classes == (4,)
    assert bodies[""].actions[0].expect.status_classes == (4,)
    edge = bodies["x"].actions[0].expect
    assert edge.accepts(201) and not edge.accepts(422)


def test_no_auth_scenarios_only_for_protected_operations(seed: RequirementsResult) -> None:
    no_auth = [s for s in seed.scenarios if s.kind == "no_auth"]
    ops = {s.operations[0] for s in no_auth}
    assert f"GET {P}/projects/" in ops and "GET /health" not in ops and f"POST {P}/auth/login" not in ops
    for s in no_auth:
        assert s.actions[0].request.auth == "none" and s.actions[0].request.intent == "no_auth"
        assert s.actions[0].expect.statuses == (401, 403) and s.actions[0].expect.status_classes == ()


def test_create_status_convention_expects_exactly_201(seed: RequirementsResult) -> None:
    found = {s.operations[0] for s in seed.scenarios if s.kind == "create_status"}
    assert f"POST {P}/datasets/ingest" in found and f"POST {P}/auth/register" in found
    for s in seed.scenarios:
        if s.kind == "create_status":
            expect = s.actions[0].expect
            assert expect.statuses == (201,) and expect.status_classes == ()
            assert s.actions[0].request.intent == "valid" and "@convention" in s.tags


def test_trailing_slash_variants_only_for_collections(seed: RequirementsResult) -> None:
    variants = {s.operations[0]: s.actions[0].request for s in seed.scenarios if s.kind == "trailing_slash"}
    assert variants[f"GET {P}/projects/"].path_variant == "strip_slash"
    assert variants[f"GET {P}/chat/sessions"].path_variant == "add_slash"
    assert "GET /health" not in variants and f"GET {P}/users/me" not in variants
    assert all(r.intent == "variant" for r in variants.values())
    # Creates are tried on the other spelling too (a redirected POST loses its body in many
    # clients), but never registration: it would make accounts for nothing.
    posts = {k for k, r in variants.items() if r.method == "POST"}
    assert f"POST {P}/projects/" in posts and f"POST {P}/auth/register" not in posts
    assert all(variants[k].has_body for k in posts)


def test_a_required_fields_only_body_keeps_optional_objects_reduced(seed: RequirementsResult) -> None:
    lean = [s for s in of_kind(seed, "happy_path", f"POST {P}/agent-kits/") if "only the fields" in s.title]
    assert len(lean) == 1
    body = lean[0].actions[0].request.body
    # description is optional and dropped; inside config only the required field stays.
    assert isinstance(body, dict) and set(body) == {"name", "config"}
    assert isinstance(body["config"], dict) and set(body["config"]) == {"primary_objective"}


def test_crud_lifecycle_reads_404_after_delete(seed: RequirementsResult) -> None:
    (life,) = [s for s in seed.scenarios if s.kind == "crud_lifecycle" and "project" in s.title]
    methods = [a.request.method for a in life.actions]
    assert methods == ["POST", "GET", "PUT", "GET", "DELETE", "GET"]
    assert life.actions[0].save == {"lifecycle_id": "id"}
    assert all(a.request.path_params.get("project_id") == "${lifecycle_id}" for a in life.actions[1:])
    assert life.actions[-1].expect.statuses == (404, 410)
    assert life.actions[-2].expect.statuses == (204,)


def test_destructive_calls_only_on_objects_we_created(seed: RequirementsResult) -> None:
    for s in seed.scenarios:
        for a in s.actions:
            if a.request.method in ("PUT", "PATCH", "DELETE"):
                assert all(str(v).startswith("${") for v in a.request.path_params.values()), s.id
    assert not [s for s in seed.scenarios if f"DELETE {P}/orphans/{{orphan_id}}" in s.operations]
    gaps = {c.item: c.reason for c in seed.coverage.not_covered}
    assert "no create operation to make an object we own" in gaps[f"DELETE {P}/orphans/{{orphan_id}}"]


def test_not_found_probe_uses_an_id_nobody_has(seed: RequirementsResult) -> None:
    (nf,) = of_kind(seed, "not_found", f"GET {P}/projects/{{project_id}}")
    assert nf.actions[0].request.path_params == {"project_id": "00000000-0000-4000-8000-000000000000"}
    assert nf.actions[0].expect.statuses == (404,) and nf.fixtures == ()


def test_coverage_names_what_is_not_tested_and_why(seed: RequirementsResult) -> None:
    cov = seed.coverage
    assert cov.operations_total == len(seed_api().operations)
    assert cov.operations_covered == cov.operations_total - 2  # the upload and the orphan delete
    assert sum(cov.scenarios_by_kind.values()) == len(seed.scenarios)
    text = " ".join(f"{c.item}: {c.reason}" for c in cov.not_covered)
    for expected in ("file upload (multipart/form-data)", "rate limiting", "concurrency", "second identity"):
        assert expected in text
    assert any("CRUD" in c.item for c in cov.covered)


def test_focus_ranks_matching_scenarios_first_and_drops_nothing(seed: RequirementsResult) -> None:
    focused = generate(Observation("http://x", "api", api=seed_api()), "Focus on login and chat messages")
    assert len(focused.scenarios) == len(seed.scenarios)
    assert {s.id for s in focused.scenarios} == {s.id for s in seed.scenarios}
    tagged = [s for s in focused.scenarios if "@focus" in s.tags]
    assert tagged and focused.scenarios[: len(tagged)] == tuple(tagged)
    assert all("login" in s.operations[0] or "chat" in s.operations[0] for s in tagged)
    assert any("outside the focus" in c.item for c in focused.coverage.not_covered)


def test_focus_that_matches_nothing_keeps_order_and_says_so(seed: RequirementsResult) -> None:
    result = generate(Observation("http://x", "api", api=seed_api()), "checkout")
    assert [s.id for s in result.scenarios] == [s.id for s in seed.scenarios]
    assert any("no scenario matched" in c.reason for c in result.coverage.not_covered)
    assert 'instruction: "checkout"' in {c.item for c in result.coverage.not_covered}


def test_test_data_records_values_per_operation(seed: RequirementsResult) -> None:
    ops = seed.test_data["operations"]
    assert isinstance(ops, dict)
    entry = ops[f"POST {P}/chat/sessions"]
    assert isinstance(entry, dict) and entry["body"] == {
        "dataset_id": "${dataset.id}",
        "agent_kit_id": "${agent_kit.id}",
        "title": "qa-title-${unique}",
    }


def test_httpbin_like_api_without_bodies_or_auth() -> None:
    result = generate(Observation("http://127.0.0.1:8080", "api", api=httpbin_api()))
    kinds = Counter(s.kind for s in result.scenarios)
    assert kinds["happy_path"] == 6 and kinds["no_auth"] == 0 and kinds["missing_required"] == 0
    assert all(not s.actions[0].request.has_body for s in result.scenarios)
    # {codes} names a value, not an object: it is filled with a guess and sent as a probe, so a
    # 400 for the guess is never read as the server rejecting a spec-valid request.
    codes = [s for s in result.scenarios if s.operations[0] == "GET /status/{codes}"]
    assert codes and all(a.request.intent != "valid" for s in codes for a in s.actions)
    assert result.coverage.operations_covered == 6


def test_without_spec_probes_become_smoke_scenarios() -> None:
    obs = Observation(
        "http://127.0.0.1:9000",
        "unknown",
        probes=(
            ProbedEndpoint("GET", "/health", 200),
            ProbedEndpoint("GET", "/api/items", 401),
            ProbedEndpoint("GET", "/broken", 500),
            ProbedEndpoint("POST", "/api/items", 405),
        ),
    )
    result = generate(obs)
    by_path = {s.actions[0].request.path: s.actions[0] for s in result.scenarios}
    assert set(by_path) == {"/health", "/api/items", "/broken"}
    assert by_path["/api/items"].expect.statuses == (401,)
    assert not by_path["/broken"].expect.accepts(500) and by_path["/broken"].expect.accepts(404)
    assert all(a.request.intent == "probe" and a.request.method == "GET" for a in by_path.values())
    reasons = " ".join(c.reason for c in result.coverage.not_covered)
    assert "no API description" in reasons
    assert result.coverage.operations_total == 3 and result.recipes == ()
