"""Scenarios across operations: CRUD lifecycles per resource, and REST conventions.

Conventions: a create answers 201; a collection answers the same with or without its trailing
slash (a 3xx there is a redirect finding, judged by the oracles, not here).
"""

from __future__ import annotations

from assay.agents.requirements.builders import Context, happy_body, success_expectation
from assay.agents.requirements.recipes import fixture_chain
from assay.agents.requirements.steps import Draft, make_draft
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.scenarios import Action, AuthMode, CoverageItem, Expectation, ResourceRecipe
from assay.spec import naming
from assay.spec.requests import (
    PathVariant,
    needed_recipes,
    path_params_for,
    request_for,
    unresolved_params,
)

GONE = Expectation(
    statuses=(404, 410), status_classes=(), validate_schema=False, description="gone after delete"
)
CREATED = Expectation(statuses=(201,), status_classes=(), description="REST: a create answers 201 Created")
_LIFECYCLE_VAR = "lifecycle_id"


def _item_path(ctx: Context, create: Operation) -> str | None:
    """The path that reads one object the create made: ``<collection>/{id}`` with a GET."""
    for base in (create.path, naming.parent_path(create.path)):
        for path in naming.item_paths(ctx.api, base):
            if ctx.api.operation(f"GET {path}") is not None:
                return path
    return None


def _item_action(ctx: Context, op: Operation, name: str, expect: Expectation, body: Json = None) -> Action:
    params = path_params_for(ctx.api, ctx.names, op)
    params[naming.param_names(op.path)[-1]] = f"${{{_LIFECYCLE_VAR}}}"
    return Action(name=name, request=request_for(op, params, body=body), expect=expect)


def _extend(
    ctx: Context,
    read: Operation,
    update: Operation | None,
    delete: Operation | None,
    actions: list[Action],
    ops: list[Operation],
    verbs: list[str],
) -> None:
    """Append update-then-read and delete-then-read (expecting 404) when those operations exist."""
    if update is not None:
        actions.append(
            _item_action(ctx, update, "update it", success_expectation(update), happy_body(ctx, update))
        )
        actions.append(_item_action(ctx, read, "read it again", success_expectation(read)))
        ops.append(update)
        verbs.append("updated")
    if delete is not None:
        actions.append(_item_action(ctx, delete, "delete it", success_expectation(delete)))
        actions.append(_item_action(ctx, read, "read it after delete", GONE))
        ops.append(delete)
        verbs.append("deleted")


def _lifecycle(ctx: Context, recipe: ResourceRecipe) -> tuple[list[Draft], list[CoverageItem]]:
    create = ctx.api.operation(recipe.action.request.operation)
    item = _item_path(ctx, create) if create else None
    if create is None or item is None:
        return [], [CoverageItem(f"{recipe.name} lifecycle", "no read-one operation after create")]
    read = ctx.api.operation(f"GET {item}")
    update = ctx.api.operation(f"PUT {item}") or ctx.api.operation(f"PATCH {item}")
    delete = ctx.api.operation(f"DELETE {item}")
    assert read is not None  # _item_path only returns paths with a GET
    created = Action(
        f"create {recipe.name}",
        recipe.action.request,
        recipe.action.expect,
        {_LIFECYCLE_VAR: recipe.id_field},
    )
    actions = [created, _item_action(ctx, read, "read it", success_expectation(read))]
    ops, verbs = [create, read], ["created", "read"]
    _extend(ctx, read, update, delete, actions, ops, verbs)
    title = (
        naming.article(recipe.name).capitalize() + " can be " + ", ".join(verbs[:-1]) + f" and {verbs[-1]}"
    )
    draft = make_draft(
        kind="crud_lifecycle",
        title=title,
        feature=naming.feature_of(create),
        ops=ops,
        actions=actions,
        fixtures=fixture_chain(ctx.plan, list(recipe.requires)),
        plan=ctx.plan,
    )
    missing = [] if delete else [CoverageItem(f"DELETE {item}", "no delete operation documented")]
    return [draft], missing


def lifecycle_drafts(ctx: Context) -> tuple[list[Draft], list[CoverageItem]]:
    drafts: list[Draft] = []
    notes: list[CoverageItem] = []
    for recipe in ctx.plan.recipes:
        found, skipped = _lifecycle(ctx, recipe)
        drafts += found
        notes += skipped
    return drafts, notes


def _create_status(ctx: Context, op: Operation) -> Draft:
    recipe = ctx.plan.get(ctx.plan.by_operation.get(op.key, ""))
    fixtures = fixture_chain(ctx.plan, list(recipe.requires) if recipe else [])
    auth: AuthMode = "none" if ctx.is_auth(op) else "user"
    spec = request_for(op, path_params_for(ctx.api, ctx.names, op), body=happy_body(ctx, op), auth=auth)
    return make_draft(
        kind="create_status",
        title=f"{op.summary or op.key} answers 201 Created",
        feature=naming.feature_of(op),
        ops=[op],
        actions=[Action("create", spec, CREATED)],
        fixtures=fixtures,
        plan=ctx.plan,
        auth_op=ctx.is_auth(op),
    )


def _trailing_slash(ctx: Context, op: Operation) -> Draft:
    variant: PathVariant = "strip_slash" if op.path.endswith("/") else "add_slash"
    body = happy_body(ctx, op) if op.method == "POST" else None
    params = path_params_for(ctx.api, ctx.names, op)
    spec = request_for(op, params, body=body, path_variant=variant, intent="variant")
    # Only a redirect is the fault here: a 404 for the other spelling is a strict router, not a bug.
    expect = Expectation(status_classes=(2, 4), description="answered directly, not redirected")
    other = "without" if variant == "strip_slash" else "with"
    return make_draft(
        kind="trailing_slash",
        title=f"{op.method} {op.path} answers {other} its trailing slash",
        feature=naming.feature_of(op),
        ops=[op],
        actions=[Action(f"{other} trailing slash", spec, expect)],
        fixtures=fixture_chain(ctx.plan, needed_recipes(ctx.api, ctx.names, op)),
        plan=ctx.plan,
    )


def _answers_like_a_create(op: Operation) -> bool:
    """Documents 201, or answers with an object carrying an id: only then is 201 the convention."""
    for response in op.responses:
        if response.status == "201":
            return True
        props = response.schema.get("properties") if response.schema else None
        if response.status.startswith("2") and isinstance(props, dict) and {"id", "uuid", "pk"} & set(props):
            return True
    return False


def convention_drafts(ctx: Context) -> list[Draft]:
    drafts: list[Draft] = []
    for op in ctx.api.operations:
        if unresolved_params(ctx.api, ctx.names, op):
            continue
        creates = (op.key in ctx.plan.by_operation or op.key == ctx.api.auth.register_operation) and (
            _answers_like_a_create(op)
        )
        if op.method == "POST" and creates:
            drafts.append(_create_status(ctx, op))
        if op.method == "GET" and naming.is_collection(ctx.api, op.path):
            drafts.append(_trailing_slash(ctx, op))
        elif op.method == "POST" and creates and op.key != ctx.api.auth.register_operation:
            # Clients that drop the body on a redirected POST make this one matter most.
            drafts.append(_trailing_slash(ctx, op))
    return drafts
