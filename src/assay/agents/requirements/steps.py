"""Gherkin steps for executable actions, and the assembly of a Scenario around them.

Steps are plain text; a request body or parameter list travels in ``data["step_args"]`` keyed
by step index, so the Gherkin renderer can print it as a doc string or data table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.requirements import scoring
from assay.agents.requirements.recipes import RecipePlan
from assay.domain.json import Json, JsonObject
from assay.domain.operations import Operation
from assay.domain.scenarios import Action, Expectation, RequestSpec, Scenario, ScenarioKind, Step
from assay.spec import naming

KIND_ORDER: tuple[ScenarioKind, ...] = (
    "happy_path",
    "list_read",
    "create_status",
    "crud_lifecycle",
    "missing_required",
    "wrong_type",
    "boundary",
    "no_auth",
    "not_found",
    "trailing_slash",
)
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


@dataclass(frozen=True)
class Draft:
    """A scenario before its id is known, with the key that fixes its place in the list."""

    order: tuple[str, int, int, int]
    scenario: Scenario


def render_path(spec: RequestSpec) -> str:
    path = spec.path
    for name, value in spec.path_params.items():
        path = path.replace("{" + name + "}", value if isinstance(value, str) else json.dumps(value))
    if spec.path_variant == "strip_slash":
        path = path.rstrip("/") or "/"
    elif spec.path_variant == "add_slash" and not path.endswith("/"):
        path += "/"
    return path


def expectation_text(expect: Expectation) -> str:
    parts = [str(s) for s in expect.statuses] + [f"{c}xx" for c in expect.status_classes]
    if not parts:
        return "the response status is anything"
    return "the response status is " + (" or ".join(parts) if len(parts) <= 3 else ", ".join(parts))


def _given(spec: RequestSpec | None, fixtures: Sequence[str], plan: RecipePlan) -> list[Step]:
    who = "an authenticated user" if spec is None or spec.auth == "user" else "a client without credentials"
    steps = [Step("Given", who)]
    for name in fixtures:
        recipe = plan.get(name)
        origin = f" with {recipe.action.request.operation}" if recipe else ""
        steps.append(Step("And", f"{naming.article(name)} created{origin}, its id kept as ${{{name}.id}}"))
    return steps


def _action_steps(action: Action, first: bool, args: JsonObject, index: int) -> list[Step]:
    spec = action.request
    text = f"I send {spec.method} {render_path(spec)}"
    if action.name.startswith(("with", "without")):
        text += f" {action.name}"
    steps: list[Step] = []
    if spec.query:
        steps.append(Step("When" if first else "And", f"I set the query parameters for {spec.operation}:"))
        rows: list[Json] = [["name", "value"]]
        rows += [[k, _cell(v)] for k, v in spec.query.items()]
        args[str(index)] = {"table": rows}
        first = False
    if spec.has_body:
        text += " with this body:"
        args[str(index + len(steps))] = {"doc_string": json.dumps(spec.body, indent=2, ensure_ascii=False)}
    steps.append(Step("When" if first else "And", text))
    steps.append(Step("Then", expectation_text(action.expect)))
    if (
        spec.intent in ("valid", "setup")
        and action.expect.validate_schema
        and action.expect.status_classes != ()
    ):
        steps.append(Step("And", "the response body matches the documented schema"))
    steps += [
        Step("And", f"I keep `{path}` from the response as ${{{var}}}") for var, path in action.save.items()
    ]
    return steps


def _cell(value: Json) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def steps_for(
    actions: Sequence[Action], fixtures: Sequence[str], plan: RecipePlan
) -> tuple[list[Step], JsonObject]:
    steps = _given(actions[0].request if actions else None, fixtures, plan)
    args: JsonObject = {}
    for action in actions:
        steps += _action_steps(action, True, args, len(steps))
    return steps, args


def make_draft(
    *,
    kind: ScenarioKind,
    title: str,
    feature: str,
    ops: Sequence[Operation],
    actions: Sequence[Action],
    fixtures: Sequence[str],
    plan: RecipePlan,
    auth_op: bool = False,
    seq: int = 0,
    description: str = "",
) -> Draft:
    steps, args = steps_for(actions, fixtures, plan)
    sev = scoring.severity(kind, ops)
    data: JsonObject = {"requests": [_request_data(a.request) for a in actions]}
    if args:
        data["step_args"] = args
    scenario = Scenario(
        id="",
        feature=feature,
        title=title,
        kind=kind,
        tags=scoring.tags_for(kind, ops, sev, auth_op),
        operations=tuple(dict.fromkeys(op.key for op in ops)),
        steps=tuple(steps),
        actions=tuple(actions),
        fixtures=tuple(fixtures),
        data=data,
        severity=sev,
        description=description,
    )
    head = ops[0]
    order = (head.path, _index(METHOD_ORDER, head.method), _index(KIND_ORDER, kind), seq)
    return Draft(order, scenario)


def _index(options: Sequence[str], value: str) -> int:
    return options.index(value) if value in options else len(options)


def _request_data(spec: RequestSpec) -> JsonObject:
    out: JsonObject = {"operation": spec.operation}
    if spec.path_params:
        out["path_params"] = dict(spec.path_params)
    if spec.query:
        out["query"] = dict(spec.query)
    if spec.has_body:
        out["body"] = spec.body
    return out
