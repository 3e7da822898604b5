"""The bodies of the generated security tests for identities, authorization and state (issue 3).

Each builder turns one finding into the lines of a test that asserts the correct behaviour, or
into the reason it cannot (a string). Requests come from the API model and the recipes through
``Needs.request``; the evidence only says which fields and signals matter, never which values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assay.agents.evolution.api_suite.pysource import assert_explained, py_literal, py_str
from assay.agents.evolution.api_suite.suite_requests import SuiteContext, has_placeholder, render_call
from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec
from assay.spec import naming

REFUSED = "(401, 403, 404)"
MASS_MARK = 987654321


@dataclass(frozen=True)
class Built:
    lines: list[str]
    expected: str  # the correct behaviour, for the docstring
    requests: list[RequestSpec] = field(default_factory=list)  # whose placeholders need fixtures


@dataclass(frozen=True)
class Needs:
    """What a builder is handed: the finding, the suite's context and a request maker."""

    finding: Finding
    ctx: SuiteContext
    request: Callable[[Operation], RequestSpec]

    def op(self, method: str | None = None, path: str | None = None) -> Operation | None:
        api = self.ctx.api
        key = f"{(method or self.finding.method).upper()} {path or self.finding.path}"
        return api.operation(key) if api else None

    def label(self, message: str = "") -> str:
        return py_str(f"{self.finding.id or self.finding.category}: {message}")


def call(request: RequestSpec, ctx: SuiteContext, who: str, indent: int = 4, target: str = "response") -> str:
    """``render_call`` of ``request`` sent as ``who`` (a headers variable; ``""``: no credentials)."""
    if not who:
        return render_call(replace(request, auth="none"), ctx, indent, target)
    return render_call(replace(request, auth="user"), ctx, indent, target, auth_name=who)


def value_expr(value: Json) -> str:
    literal = py_literal(value, width=10_000)
    return f"substitute({literal}, variables)" if has_placeholder(value) else literal


def with_body(request: RequestSpec, extra: JsonObject) -> RequestSpec:
    plain = request.body if isinstance(request.body, dict) else {}
    return replace(request, body={**plain, **extra}, has_body=True)


def object_request(n: Needs) -> RequestSpec | str:
    op = n.op()
    if op is None:
        return "its operation is not in the API model"
    return n.request(op)


def missing_authentication(n: Needs) -> Built | str:
    request = object_request(n)
    if isinstance(request, str):
        return request
    refused = assert_explained("not response.is_success", n.label())
    lines = ["    # no credentials at all", call(request, n.ctx, ""), refused, "", "    # a malformed one"]
    lines += [render_call(replace(request, auth="malformed"), n.ctx), refused]
    return Built(lines, "without credentials, or with a malformed one, the call is refused.", [request])


def broken_object_authorization(n: Needs) -> Built | str:
    request = object_request(n)
    if isinstance(request, str):
        return request
    if not request.path_params or not has_placeholder(dict(request.path_params)):
        return "no fixture creates the object it names"
    lines = [
        "    # the object belongs to the first user; the second one asks for it",
        call(request, n.ctx, "second_auth_headers"),
        assert_explained(f"response.status_code in {REFUSED}", n.label()),
    ]
    return Built(lines, "another user's object is refused to the second user (401/403/404).", [request])


def broken_function_authorization(n: Needs) -> Built | str:
    request = object_request(n)
    if isinstance(request, str):
        return request
    lines = [
        "    # a plain user (ASSAY_USERNAME) calls an operation above their role",
        call(request, n.ctx, "auth_headers"),
        assert_explained(f"response.status_code in {REFUSED}", n.label()),
    ]
    return Built(lines, "a plain user is refused the operation (401/403/404).", [request])


def _evidence_body(n: Needs) -> JsonObject:
    request = n.finding.evidence.get("request")
    body = request.get("body") if isinstance(request, dict) else None
    return body if isinstance(body, dict) else {}


def _mass_value(name: str, sent: Json) -> Json:
    if isinstance(sent, bool):
        return True
    if isinstance(sent, int | float):
        return MASS_MARK
    return "admin" if sent == "admin" else f"assay-${{unique}}-{name}"


def _mass_fields(n: Needs) -> JsonObject:
    sent = _evidence_body(n)
    named = [name for name in re.findall(r"`([^`]+)`", n.finding.title) if name in sent]
    return {name: _mass_value(name, sent[name]) for name in named}


def read_back(n: Needs, write: RequestSpec, op: Operation) -> RequestSpec | None:
    """The GET of the object ``write`` wrote: its own path, or the item under the collection."""
    get = n.op("GET", op.path)
    if get is not None and op.method != "POST":
        return replace(n.request(get), path_params=dict(write.path_params))
    items = [n.op("GET", path) for path in naming.item_paths(n.ctx.api, op.path)] if n.ctx.api else []
    item = next((i for i in items if i is not None), None)
    if item is None:
        return None
    request = n.request(item)
    last = naming.param_names(item.path)[-1]
    return replace(request, path_params={**request.path_params, last: "${written.id}"})


def _read_back_lines(n: Needs, read: RequestSpec | None, created: bool) -> list[str]:
    if read is None:
        return ["    stored = json_body(response)"]
    lines = ['    variables["written.id"] = dig(json_body(response), "id")'] if created else []
    lines += ["", "    # read the object back", call(read, n.ctx, "auth_headers")]
    return [*lines, "    assert response.is_success, explain(response)", "    stored = json_body(response)"]


def mass_assignment(n: Needs) -> Built | str:
    op = n.op()
    fields = _mass_fields(n)
    if op is None or not fields:
        return "the operation or the fields it lets the client set are unknown"
    write = with_body(n.request(op), fields)
    read = read_back(n, write, op)
    lines = ["    # a write carrying fields the client must not set", call(write, n.ctx, "auth_headers")]
    lines += ["    if not response.is_success:", "        return  # refusing them is correct"]
    lines += _read_back_lines(n, read, op.method == "POST")
    for name, value in fields.items():
        check = "value is not True" if value is True else f"value != {value_expr(value)}"
        lines.append(f"    value = dig(stored, {py_str(name)})")
        lines.append(f"    assert {check}, {n.label(f'{name} was persisted')}")
    requests = [write, read] if read else [write]
    return Built(lines, "the fields are rejected or ignored, never persisted.", requests)


def stale_resource(n: Needs) -> Built | str:
    delete = object_request(n)
    get = n.op("GET")
    if isinstance(delete, str) or get is None:
        return "it has no read operation on the deleted object's path"
    read = replace(n.request(get), path_params=dict(delete.path_params))
    lines = [call(delete, n.ctx, "auth_headers"), "    assert response.is_success, explain(response)", ""]
    lines += ["    # the deleted object is gone", call(read, n.ctx, "auth_headers")]
    lines.append(assert_explained("response.status_code in (404, 410)", n.label()))
    return Built(lines, "after the delete succeeds the object answers 404 (or 410).", [delete, read])


def lost_update(n: Needs) -> Built | str:
    op = n.op()
    lost = n.finding.evidence.get("lost_fields")
    sent = _evidence_body(n)
    names = [str(name) for name in lost] if isinstance(lost, list) else []
    fields: JsonObject = {
        name: "upd-${unique}" if isinstance(sent.get(name), str) else sent[name]
        for name in names
        if name in sent
    }
    if op is None or not fields:
        return "the fields the update lost are unknown"
    write = with_body(n.request(op), fields)
    read = read_back(n, write, op)
    lines = ["    # an update the server acknowledges", call(write, n.ctx, "auth_headers")]
    lines.append("    assert response.is_success, explain(response)")
    lines += _read_back_lines(n, read, False)
    for name, value in fields.items():
        lines.append(f"    value = dig(stored, {py_str(name)})")
        lines.append(f"    assert value == {value_expr(value)}, {n.label(f'{name} was not kept')}")
    requests = [write, read] if read else [write]
    return Built(lines, "every field of an acknowledged update is kept.", requests)


def race_condition(n: Needs) -> Built | str:
    request = object_request(n)
    if isinstance(request, str):
        return request
    unique = "created_at_once" in n.finding.evidence
    lines = [
        "",
        "    def send(_: int) -> httpx.Response:",
        call(request, n.ctx, "auth_headers", 8),
        "        return response",
    ]
    lines += [
        "",
        "    with ThreadPoolExecutor(max_workers=8) as pool:",
        "        answers = list(pool.map(send, range(8)))",
    ]
    lines.append("    crashed = [explain(answer) for answer in answers if answer.status_code >= 500]")
    lines.append(f'    assert not crashed, {n.label()} + "; ".join(crashed)')
    if unique:
        lines.append("    created = sum(answer.is_success for answer in answers)")
        lines.append(f'    assert created <= 1, {n.label()} + f"{{created}} of 8 at once succeeded"')
    expected = "of identical creates sent at once at most one succeeds, and none crashes."
    return Built(lines, expected if unique else "identical requests sent at once never crash.", [request])


AUTHZ_BUILDERS: dict[str, Callable[[Needs], Built | str]] = {
    "missing_authentication": missing_authentication,
    "broken_object_authorization": broken_object_authorization,
    "broken_function_authorization": broken_function_authorization,
    "mass_assignment": mass_assignment,
    "stale_resource": stale_resource,
    "lost_update": lost_update,
    "race_condition": race_condition,
}
UNSUPPORTED = {
    "ssrf": "proving SSRF needs a canary listener, which a standalone suite does not have",
    "resource_exhaustion": "super-linear timing is not a stable pass/fail check in a standalone suite",
}
