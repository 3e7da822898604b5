"""Resource recipes: how to create each resource a scenario needs, in dependency order.

A recipe is the create call of one resource with a valid body whose references to other
resources are placeholders (``${dataset.id}``); ``requires`` names the recipes to run first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.json import Json, JsonObject, as_object
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import Action, Expectation, ResourceRecipe
from assay.domain.state_change import changes_existing, is_state_reset
from assay.spec import names, naming
from assay.spec.datagen import properties, resolve, valid_body
from assay.spec.recipe_refs import body_references, body_schema, norm, recipe_for_param
from assay.spec.requests import is_json_body, path_params_for, request_for


@dataclass(frozen=True)
class RecipePlan:
    recipes: tuple[ResourceRecipe, ...]
    notes: tuple[str, ...] = ()
    by_operation: dict[str, str] = field(default_factory=dict)  # create op key -> recipe name

    def names(self) -> set[str]:
        return {r.name for r in self.recipes}

    def get(self, name: str) -> ResourceRecipe | None:
        return next((r for r in self.recipes if r.name == name), None)


def _creates(api: ApiModel, op: Operation) -> bool:
    """A POST that makes a resource: on a collection, or on an action path beside one (``/ingest``)."""
    if op.method != "POST" or not naming.is_collection_path(op.path):
        return False
    if naming.is_auth_operation(api, op) and not _registers_keyed(api, op):
        return False
    if is_state_reset(op) or changes_existing(op):
        return False  # a fixture must never wipe or change what exists
    if any(d.producer == op.key for d in api.dependencies):
        return True
    has_items = bool(naming.item_paths(api, op.path))
    lists = api.operation(f"GET {op.path}") is not None
    parent = naming.parent_path(op.path)
    return has_items or lists or bool(naming.item_paths(api, parent))


def _resource_name(api: ApiModel, op: Operation) -> str:
    dep = next((d for d in api.dependencies if d.producer == op.key), None)
    if dep is not None:
        return norm(dep.resource)
    # The last segment that names something: /users/v2 makes users, never "v2".
    own = naming.last_noun(op.path) or naming.segments(op.path)[-1]
    if naming.item_paths(api, op.path) or api.operation(f"GET {op.path}") is not None:
        return norm(naming.singular(own))
    parent = naming.last_noun(naming.parent_path(op.path))
    return norm(naming.singular(parent or own))


def _preference(api: ApiModel, op: Operation) -> tuple[int, int, str]:
    declared = 0 if any(d.producer == op.key for d in api.dependencies) else 1
    on_collection = 0 if naming.item_paths(api, op.path) else 1
    return declared, on_collection, op.path


def _producers(api: ApiModel) -> tuple[dict[str, Operation], list[str]]:
    """Recipe name -> the one create operation chosen for it, plus notes on what was skipped."""
    chosen: dict[str, Operation] = {}
    notes: list[str] = []
    for op in sorted((o for o in api.operations if _creates(api, o)), key=lambda o: _preference(api, o)):
        name = _resource_name(api, op)
        if op.request_body is not None and not is_json_body(op.request_body.content_type):
            notes.append(f"{op.key}: {op.request_body.content_type} body not generated, no recipe from it")
        elif name in chosen:
            notes.append(f"{op.key}: also creates '{name}'; {chosen[name].key} is used")
        elif name:
            chosen[name] = op
    return chosen, notes


def _break_cycles(edges: dict[str, list[str]], notes: list[str]) -> dict[str, list[str]]:
    """Drop each edge that closes a cycle (depth-first, in name order) and say so."""
    kept: dict[str, list[str]] = {n: [] for n in edges}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str) -> None:
        state[node] = 1
        for dep in edges.get(node, []):
            if state.get(dep) == 1:
                notes.append(f"recipe '{node}' needs '{dep}' which needs '{node}': dropped that need")
                continue
            kept[node].append(dep)
            if dep not in state:
                visit(dep)
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    return kept


def topological(edges: dict[str, list[str]]) -> list[str]:
    order: list[str] = []

    def visit(node: str) -> None:
        if node in order:
            return
        for dep in edges.get(node, []):
            visit(dep)
        order.append(node)

    for name in sorted(edges):
        visit(name)
    return order


def _id_field(op: Operation, name: str, api: ApiModel) -> str:
    dep = next((d for d in api.dependencies if d.producer == op.key and d.source_field), None)
    if dep is not None:
        return dep.source_field
    key = natural_key(api, op)
    if key is not None:
        return key
    for resp in op.responses:
        if resp.status.startswith("2") and resp.schema:
            props = properties(resolve(resp.schema))
            for candidate in ("id", f"{name}_id", "uuid", "_id"):
                if candidate in props:
                    return candidate
            if "id" in properties(resolve(as_object(props.get("data")))):
                return "data.id"
    return "id"


def _registers_keyed(api: ApiModel, op: Operation) -> bool:
    """A registration whose account is an object of the API: ``POST /users/v1/register`` beside
    ``GET /users/v1/{username}``. Its fixture registers a fresh account and yields its name."""
    words = " ".join([op.path, op.operation_id or "", op.summary]).lower()
    if op.key == api.auth.login_operation or not any(w in words for w in ("register", "signup", "sign-up")):
        return False
    return natural_key(api, op) is not None


def natural_key(api: ApiModel, op: Operation) -> str | None:
    """The body field that names the object a create makes, when its item path uses it.

    ``POST /users`` + ``GET /users/{username}``: the object is found by the username it was
    sent, whatever the answer carries (a 201 with no body, a message).
    """
    sent = list(properties(resolve(body_schema(op))))
    paths = naming.item_paths(api, op.path) or naming.item_paths(api, naming.parent_path(op.path))
    for path in paths:
        param = naming.param_names(path)[-1]
        if names.is_natural_key(param):
            found = next((f for f in sent if names.same_field(f, param)), None)
            if found is not None:
                return found
    return None


def _recipe(api: ApiModel, name: str, op: Operation, refs: dict[str, str], keep: list[str]) -> ResourceRecipe:
    body: Json = valid_body(body_schema(op)) if op.request_body is not None else None
    if isinstance(body, dict):
        body.update({f: f"${{{r}.id}}" for f, r in refs.items() if r in keep})
    id_field = _id_field(op, name, api)
    request = request_for(op, path_params_for(api, set(keep), op), body=body, intent="setup")
    expect = Expectation(status_classes=(2,), description=f"{op.key} creates a {name}")
    action = Action(name=f"create {name}", request=request, expect=expect, save={"id": id_field})
    return ResourceRecipe(name=name, action=action, requires=tuple(keep), id_field=id_field)


def build_recipes(api: ApiModel) -> RecipePlan:
    """One recipe per creatable resource, ordered so every recipe comes after what it requires."""
    producers, notes = _producers(api)
    names = set(producers)
    refs = {n: body_references(api, names, op) for n, op in producers.items()}
    edges: dict[str, list[str]] = {}
    for name, op in producers.items():
        from_path = [recipe_for_param(api, names, op, p) for p in naming.param_names(op.path)]
        wanted = [r for r in from_path if r] + sorted(set(refs[name].values()))
        edges[name] = [r for r in dict.fromkeys(wanted) if r != name]
    kept = _break_cycles(edges, notes)
    recipes = tuple(_recipe(api, n, producers[n], refs[n], kept[n]) for n in topological(kept))
    return RecipePlan(recipes, tuple(notes), {op.key: n for n, op in producers.items()})


def fixture_chain(plan: RecipePlan, needed: list[str]) -> tuple[str, ...]:
    """``needed`` plus everything it requires, each once, requirements first."""
    edges = {r.name: list(r.requires) for r in plan.recipes}
    order: list[str] = []

    def visit(node: str) -> None:
        if node in order or node not in edges:
            return
        for dep in edges[node]:
            visit(dep)
        order.append(node)

    for name in needed:
        visit(name)
    return tuple(order)


def path_values(plan: RecipePlan) -> JsonObject:
    """Recipe name -> its create body, the test data a report shows."""
    return {r.name: r.action.request.body for r in plan.recipes}
