"""Resource recipes: what to create first, with which placeholders, in which order."""

from __future__ import annotations

from tests.unit.test_requirements_apis import SEC, P, body, obj, ok, op, path_id, seed_api

from assay.agents.requirements.recipes import build_recipes, fixture_chain
from assay.domain.operations import ApiModel, Dependency


def test_seed_api_recipes_and_their_order() -> None:
    plan = build_recipes(seed_api())
    names = [r.name for r in plan.recipes]
    assert set(names) == {"project", "dataset", "agent_kit", "session"}
    assert names.index("session") > max(names.index("dataset"), names.index("agent_kit"))
    session = plan.get("session")
    assert session is not None
    assert set(session.requires) == {"dataset", "agent_kit"}
    assert session.action.request.body == {
        "dataset_id": "${dataset.id}",
        "agent_kit_id": "${agent_kit.id}",
        "title": "qa-title-${unique}",
    }
    assert session.action.save == {"id": "id"}
    assert session.action.request.intent == "setup"


def test_action_path_beside_a_collection_creates_that_collection_resource() -> None:
    # Seed 000: datasets are made by POST /datasets/ingest, not POST /datasets/.
    plan = build_recipes(seed_api())
    dataset = plan.get("dataset")
    assert dataset is not None and dataset.action.request.operation == f"POST {P}/datasets/ingest"
    assert plan.by_operation[f"POST {P}/datasets/ingest"] == "dataset"


def test_auth_operations_and_multipart_uploads_are_not_recipes() -> None:
    plan = build_recipes(seed_api())
    ops = {r.action.request.operation for r in plan.recipes}
    assert f"POST {P}/auth/register" not in ops and f"POST {P}/auth/login" not in ops
    assert f"POST {P}/datasets/upload" not in ops
    assert any("multipart/form-data" in n and "upload" in n for n in plan.notes)


def test_nested_collection_recipe_takes_parent_id_from_its_fixture() -> None:
    api = ApiModel(
        "t",
        "1",
        "3.0.3",
        "",
        (
            op("POST", "/projects", request_body=body(obj({"name": {"type": "string"}}, ["name"]))),
            op("GET", "/projects/{project_id}", parameters=(path_id("project_id"),)),
            op(
                "POST",
                "/projects/{project_id}/tasks",
                parameters=(path_id("project_id"),),
                request_body=body(obj({"title": {"type": "string"}}, ["title"])),
            ),
            op(
                "GET",
                "/projects/{project_id}/tasks/{task_id}",
                parameters=(path_id("project_id"), path_id("task_id")),
            ),
        ),
    )
    plan = build_recipes(api)
    task = plan.get("task")
    assert task is not None and task.requires == ("project",)
    assert task.action.request.path_params == {"project_id": "${project.id}"}
    assert fixture_chain(plan, ["task"]) == ("project", "task")


def test_cycle_is_broken_with_a_note() -> None:
    a = obj({"name": {"type": "string"}, "bee_id": {"type": "string"}}, ["name", "bee_id"])
    b = obj({"name": {"type": "string"}, "ant_id": {"type": "string"}}, ["name", "ant_id"])
    api = ApiModel(
        "t",
        "1",
        "3.0.3",
        "",
        (
            op("POST", "/ants", request_body=body(a), security=SEC),
            op("GET", "/ants/{ant_id}", parameters=(path_id("ant_id"),)),
            op("POST", "/bees", request_body=body(b), security=SEC),
            op("GET", "/bees/{bee_id}", parameters=(path_id("bee_id"),)),
        ),
    )
    plan = build_recipes(api)
    recipe_a, recipe_b = plan.get("ant"), plan.get("bee")
    assert recipe_a is not None and recipe_b is not None
    assert recipe_a.requires == ("bee",) and recipe_b.requires == ()
    assert any("needs 'ant'" in n and "dropped" in n for n in plan.notes)
    # The dropped reference is sent as generated data, not as a placeholder nothing will fill.
    b_body = recipe_b.action.request.body
    assert isinstance(b_body, dict) and "${" not in str(b_body["ant_id"])
    assert [r.name for r in plan.recipes] == ["bee", "ant"]


def test_declared_dependency_names_the_resource_and_id_field() -> None:
    api = ApiModel(
        "t",
        "1",
        "3.0.3",
        "",
        (
            op(
                "POST",
                "/things",
                request_body=body(obj({"label": {"type": "string"}}, ["label"])),
                responses=ok("201", obj({"uuid": {"type": "string"}})),
            ),
            op("GET", "/widgets/{wid}", parameters=(path_id("wid"),)),
        ),
        dependencies=(Dependency("GET /widgets/{wid}", "POST /things", "wid", "path", "uuid", "widget"),),
    )
    plan = build_recipes(api)
    widget = plan.get("widget")
    assert widget is not None and widget.id_field == "uuid" and widget.action.save == {"id": "uuid"}
