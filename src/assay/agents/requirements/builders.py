"""Scenarios for one operation: happy path, missing fields, wrong types, boundaries, no auth, 404.

Destructive calls (PUT, PATCH, DELETE, and POST under an id) only ever target objects a fixture
created in the same run; an operation whose ids we cannot create gets no such scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from assay.agents.requirements import variants
from assay.agents.requirements.recipes import RecipePlan, fixture_chain
from assay.agents.requirements.steps import Draft, make_draft
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import Action, AuthMode, CoverageItem, Expectation, Intent, ScenarioKind
from assay.spec import naming
from assay.spec.datagen import valid_body, value_for
from assay.spec.recipe_refs import body_references, body_schema
from assay.spec.requests import (
    guessed_params,
    is_form_body,
    is_generated_body,
    needed_recipes,
    path_params_for,
    query_for,
    request_for,
    unresolved_params,
)

MAX_MISSING = 6
MAX_WRONG_TYPE = 3
MAX_BOUNDARY = 3
INVALID = Expectation(
    statuses=(), status_classes=(4,), validate_schema=False, description="rejected as invalid"
)
NO_AUTH = Expectation(statuses=(401, 403), status_classes=(), validate_schema=False, description="refused")
NOT_FOUND = Expectation(statuses=(404,), status_classes=(), validate_schema=False, description="not found")
_BOGUS_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Context:
    api: ApiModel
    plan: RecipePlan

    @property
    def names(self) -> set[str]:
        return self.plan.names()

    def is_auth(self, op: Operation) -> bool:
        return naming.is_auth_operation(self.api, op)


def success_expectation(op: Operation) -> Expectation:
    """The documented 2xx codes when the spec gives exact ones, else any 2xx."""
    exact = tuple(int(r.status) for r in op.responses if r.status.isdigit() and r.status.startswith("2"))
    if exact:
        return Expectation(statuses=exact, status_classes=(), description="documented success")
    redirects = tuple(int(r.status) for r in op.responses if r.status.isdigit() and r.status.startswith("3"))
    if redirects:  # an operation documented to redirect (httpbin's /redirect-to) succeeds that way
        return Expectation(statuses=redirects, status_classes=(), description="documented redirect")
    return Expectation(description="success")


def happy_body(ctx: Context, op: Operation) -> Json:
    if op.request_body is None:
        return None
    recipe = ctx.plan.get(ctx.plan.by_operation.get(op.key, ""))
    if recipe is not None:
        return recipe.action.request.body
    body = valid_body(body_schema(op))
    if op.key == ctx.api.auth.login_operation and isinstance(body, dict):
        body.update(_login_identity(ctx))
    if isinstance(body, dict):
        body.update({f: f"${{{r}.id}}" for f, r in body_references(ctx.api, ctx.names, op).items()})
    return body


def _login_identity(ctx: Context) -> JsonObject:
    """Login fields naming the user a scenario registers first (same ``${unique}`` token).

    Without a registration operation the login must be the run's own identity, which the
    executor would have to provide as ``${auth.username}`` / ``${auth.password}``.
    """
    auth = ctx.api.auth
    register = ctx.api.operation(auth.register_operation or "")
    reg = happy_body(ctx, register) if register is not None else None
    if not isinstance(reg, dict):
        return {auth.username_field: "${auth.username}", auth.password_field: "${auth.password}"}
    who = reg.get(auth.username_field) or reg.get("email") or reg.get("username")
    return {
        auth.username_field: who,
        auth.password_field: reg.get(auth.password_field) or reg.get("password"),
    }


@dataclass
class _OpBuild:
    ctx: Context
    op: Operation
    fixtures: tuple[str, ...]
    path_params: dict[str, Json]
    body: Json
    drafts: list[Draft]

    @property
    def auth(self) -> bool:
        return self.ctx.is_auth(self.op)

    def add(
        self,
        kind: ScenarioKind,
        title: str,
        action: Action,
        seq: int = 0,
        fixtures: tuple[str, ...] | None = None,
    ) -> None:
        draft = make_draft(
            kind=kind,
            title=title,
            feature=naming.feature_of(self.op),
            ops=[self.op],
            actions=[action],
            fixtures=self.fixtures if fixtures is None else fixtures,
            plan=self.ctx.plan,
            auth_op=self.auth,
            seq=seq,
        )
        self.drafts.append(draft)

    def action(
        self,
        name: str,
        expect: Expectation,
        *,
        body: Json = None,
        query: dict[str, Json] | None = None,
        intent: Intent = "valid",
        no_auth: bool = False,
    ) -> Action:
        auth: AuthMode = "none" if no_auth or self.auth else "user"
        if intent == "valid" and guessed_params(self.op, self.path_params):
            intent = "probe"
        spec = request_for(self.op, self.path_params, body=body, query=query, auth=auth, intent=intent)
        return Action(name=name, request=spec, expect=expect)


def _summary(op: Operation) -> str:
    return op.summary.strip() or op.operation_id or op.key


def _login_with_fresh_user(b: _OpBuild) -> bool:
    """Register a user, then log in as it: valid and wrong-password logins need no given identity.

    ``${unique}`` is one token per scenario, so the login repeats the email just registered.
    """
    register = b.ctx.api.operation(b.ctx.api.auth.register_operation or "")
    reg_body = happy_body(b.ctx, register) if register is not None else None
    if register is None or not isinstance(reg_body, dict) or not isinstance(b.body, dict):
        return False
    auth = b.ctx.api.auth
    setup = Action(
        "register a user",
        request_for(register, {}, body=reg_body, auth="none", intent="setup"),
        success_expectation(register),
    )
    cases = (
        ("happy_path", b.body.get(auth.password_field), success_expectation(b.op), "succeeds for a new user"),
        ("invalid_credentials", "Wrong-Passw0rd!", INVALID, "is refused with a wrong password"),
    )
    for seq, (kind, password, expect, words) in enumerate(cases):
        body = {**b.body, auth.password_field: password}
        intent: Intent = "valid" if kind == "happy_path" else "invalid"
        login = Action("log in", request_for(b.op, {}, body=body, auth="none", intent=intent), expect)
        draft = make_draft(
            kind=cast(ScenarioKind, kind),
            title=f"{_summary(b.op)} {words}",
            feature=naming.feature_of(b.op),
            ops=[b.op, register],
            actions=[setup, login],
            fixtures=(),
            plan=b.ctx.plan,
            auth_op=True,
            seq=20 + seq,
        )
        b.drafts.append(draft)
    return True


def _happy(b: _OpBuild) -> None:
    if b.op.key == b.ctx.api.auth.login_operation and _login_with_fresh_user(b):
        return
    kind: ScenarioKind = "happy_path"
    if b.op.method == "GET" and naming.is_collection(b.ctx.api, b.op.path):
        kind = "list_read"
    action = b.action("happy path", success_expectation(b.op), body=b.body)
    b.add(kind, f"{_summary(b.op)} succeeds with valid data", action)
    minimal = variants.required_only(body_schema(b.op), b.body)
    if isinstance(b.body, dict) and minimal != b.body:
        lean = b.action("only required fields", success_expectation(b.op), body=minimal)
        b.add("happy_path", f"{_summary(b.op)} succeeds with only the fields the spec requires", lean, seq=1)


def _body_variants(b: _OpBuild) -> None:
    schema = body_schema(b.op)
    if not isinstance(b.body, dict):
        return
    for i, v in enumerate(variants.missing_required(schema, b.body)[:MAX_MISSING]):
        action = b.action(v.label, INVALID, body=v.body, intent="invalid")
        b.add("missing_required", f"{_summary(b.op)} is rejected {v.label}", action, seq=i)
    if b.op.request_body is not None and is_form_body(b.op.request_body.content_type):
        return  # a form sends every value as text: a wrong JSON type cannot be expressed
    for i, v in enumerate(variants.wrong_types(schema, b.body, MAX_WRONG_TYPE)):
        action = b.action(f"with {v.label}", INVALID, body=v.body, intent="invalid")
        b.add("wrong_type", f"{_summary(b.op)} is rejected with {v.label}", action, seq=i)


def _boundaries(b: _OpBuild) -> None:
    found = variants.boundaries(body_schema(b.op), b.body, MAX_BOUNDARY) if isinstance(b.body, dict) else []
    for i, v in enumerate(found):
        ok = Expectation(statuses=(409,), status_classes=(2,), description="edge accepted (409 if taken)")
        expect = ok if v.valid else INVALID
        action = b.action(f"with {v.label}", expect, body=v.body, intent="valid" if v.valid else "invalid")
        verdict = "accepts" if v.valid else "rejects"
        b.add("boundary", f"{_summary(b.op)} {verdict} {v.label}", action, seq=i)


def _query_variants(b: _OpBuild) -> None:
    """Typed query parameters (``limit``, ``page``) given wrong types or out-of-range values."""
    params = [p for p in b.op.parameters if p.location == "query" and p.schema]
    if not params or b.op.method != "GET":
        return
    schema: JsonObject = {"type": "object", "properties": {p.name: p.schema for p in params}}
    values = query_for(b.op) | {p.name: value_for(p.schema, p.name) for p in params}
    found = [v for v in variants.boundaries(schema, values, MAX_BOUNDARY) if not v.valid]
    found += variants.wrong_types(schema, values, 1)
    for i, v in enumerate(found[:MAX_BOUNDARY]):
        query = v.body if isinstance(v.body, dict) else {}
        kind: ScenarioKind = "wrong_type" if "instead of" in v.label else "boundary"
        action = b.action(f"with {v.label}", INVALID, query=query, intent="invalid")
        b.add(kind, f"{_summary(b.op)} rejects query {v.label}", action, seq=10 + i)


def _no_auth(b: _OpBuild) -> None:
    if not b.op.requires_auth or b.auth:
        return
    action = b.action("without credentials", NO_AUTH, body=b.body, intent="no_auth", no_auth=True)
    b.add("no_auth", f"{_summary(b.op)} refuses a client without credentials", action)


def _not_found(b: _OpBuild, missing: list[str]) -> None:
    params = dict(b.path_params)
    target = missing[-1] if missing else naming.param_names(b.op.path)[-1]
    for name in naming.param_names(b.op.path):
        if name not in params or name == target:
            params[name] = _missing_id(b.op, name)
    spec = request_for(b.op, params, auth="none" if b.auth else "user", intent="invalid")
    # Only ids still taken from fixtures need them; a lone unknown id needs nothing created.
    still = [v for v in params.values() if isinstance(v, str) and v.startswith("${")]
    title = f"{_summary(b.op)} answers 404 for an unknown {target}"
    b.add("not_found", title, Action("unknown id", spec, NOT_FOUND), fixtures=b.fixtures if still else ())


def _missing_id(op: Operation, name: str) -> Json:
    param = op.param(name, "path")
    kind = param.schema.get("type") if param else None
    return 999999999 if kind == "integer" else _BOGUS_ID


def operation_drafts(ctx: Context, op: Operation) -> tuple[list[Draft], list[CoverageItem]]:
    """Every scenario for one operation, and what could not be generated for it, with why."""
    skipped: list[CoverageItem] = []
    missing = unresolved_params(ctx.api, ctx.names, op)
    fixtures = fixture_chain(ctx.plan, needed_recipes(ctx.api, ctx.names, op))
    build = _OpBuild(ctx, op, fixtures, path_params_for(ctx.api, ctx.names, op), happy_body(ctx, op), [])
    if missing:
        reason = f"no create operation to make an object we own ({', '.join(missing)})"
        skipped.append(
            CoverageItem(op.key, reason + (": only an unknown-id probe" if op.method == "GET" else ""))
        )
        if op.method == "GET":
            _not_found(build, missing)
        return build.drafts, skipped
    if not is_generated_body(op):
        ctype = op.request_body.content_type if op.request_body else ""
        skipped.append(CoverageItem(op.key, f"file upload ({ctype}) not generated"))
        build.body = None
        _no_auth(build)
        return build.drafts, skipped
    _happy(build)
    _body_variants(build)
    _boundaries(build)
    _query_variants(build)
    _no_auth(build)
    if op.method == "GET" and naming.param_names(op.path) and not naming.is_collection_path(op.path):
        _not_found(build, [])
    return build.drafts, skipped
