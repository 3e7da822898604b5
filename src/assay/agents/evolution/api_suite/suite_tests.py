"""Source of the generated ``test_<feature>.py`` modules: one test function per scenario."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.agents.evolution.api_suite.pysource import (
    assert_explained,
    comment,
    docstring,
    identifier,
    import_block,
    py_literal,
    py_str,
    signature,
    slug,
)
from assay.agents.evolution.api_suite.schemas import response_schemas
from assay.agents.evolution.api_suite.suite_requests import (
    SuiteContext,
    render_call,
    uses_auth_headers,
    uses_variables,
)
from assay.domain.findings import Finding
from assay.domain.json import JsonObject, dig
from assay.domain.scenarios import Action, Expectation, Scenario

# Categories where the status code itself is the fault: the observed status must not pass.
STATUS_CATEGORIES = frozenset({"server_error", "status_code", "redirect", "missing_endpoint", "spec_drift"})
RESERVED_MARKERS = frozenset(
    {
        "finding",
        "scenario",
        "smoke",
        "skip",
        "skipif",
        "xfail",
        "parametrize",
        "usefixtures",
        "filterwarnings",
    }
)


@dataclass(frozen=True)
class RenderedTest:
    scenario_id: str
    name: str
    file: str
    code: str
    finding_ids: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # tag markers the test carries (registered in pytest.ini)


@dataclass
class SchemaTable:
    """The schema constants of one module, shared by its tests (same content, same constant)."""

    names: dict[str, str] = field(default_factory=dict)  # literal source -> constant name
    order: list[tuple[str, str]] = field(default_factory=list)  # (name, literal source)

    def constant(self, operation: str, schemas: JsonObject) -> str:
        base = "SCHEMAS_" + (slug(operation, 60) or "response").upper()
        literal = py_literal(schemas, 0, prefix=len(base) + 6)
        if literal not in self.names:
            name, n = base, 2
            while name in {existing for existing, _ in self.order}:
                name, n = f"{base}_{n}", n + 1
            self.names[literal] = name
            self.order.append((name, literal))
        return self.names[literal]


def test_name(scenario: Scenario) -> str:
    return f"test_{identifier(scenario.id, 'scenario')}_{slug(scenario.title, 48) or 'scenario'}".rstrip("_")


def feature_file(feature: str) -> str:
    return f"test_{slug(feature, 40) or 'api'}.py"


def tag_marker(tag: str) -> str | None:
    name = slug(tag.lstrip("@"), 40)
    if not name:
        return None
    if name[0].isdigit() or name in RESERVED_MARKERS:
        return None if name == "smoke" else f"tag_{name}"
    return name


def observed_status(finding: Finding) -> int | None:
    for path in ("response.status", "status", "observed_status"):
        value = dig(finding.evidence, path)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _targets(finding: Finding, actions: Sequence[Action]) -> list[int]:
    """Indexes of the actions the finding is about: same operation, else the last checked action."""
    key = f"{finding.method.upper()} {finding.path}"
    same = [i for i, a in enumerate(actions) if a.request.operation == key]
    if same:
        return same
    checked = [i for i, a in enumerate(actions) if a.request.intent != "setup"]
    return checked[-1:] or [len(actions) - 1]


def findings_by_action(scenario: Scenario, tied: Sequence[Finding]) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    for finding in tied:
        for index in _targets(finding, scenario.actions) if scenario.actions else []:
            out.setdefault(index, []).append(finding)
    return out


def status_condition(expect: Expectation) -> str:
    """A Python condition on ``response.status_code`` equal to ``Expectation.accepts``."""
    classes = sorted(set(expect.status_classes))
    statuses = sorted(s for s in set(expect.statuses) if s // 100 not in classes)
    parts: list[str] = []
    if len(statuses) == 1:
        parts.append(f"response.status_code == {statuses[0]}")
    elif statuses:
        parts.append(f"response.status_code in ({', '.join(map(str, statuses))})")
    if len(classes) == 1:
        parts.append(f"{classes[0] * 100} <= response.status_code < {classes[0] * 100 + 100}")
    elif classes:
        parts.append(f"response.status_code // 100 in ({', '.join(map(str, classes))})")
    return " or ".join(parts) or "False"


def action_lines(
    action: Action, ctx: SuiteContext, faults: Sequence[Finding], table: SchemaTable
) -> list[str]:
    """The request, the status assertion, finding exclusions, schema check and saved values."""
    note = action.expect.description or action.name
    lines = [f"    # {comment(note)}"] if note else []
    lines.append(render_call(action.request, ctx))
    lines.append(f"    assert {status_condition(action.expect)}, explain(response)")
    for finding in faults:
        status = observed_status(finding)
        if finding.category in STATUS_CATEGORIES and status is not None and action.expect.accepts(status):
            label = py_str(f"{finding.id or finding.category}: {comment(finding.title)}; ")
            lines.append(assert_explained(f"response.status_code != {status}", label))
    wants_schema = action.expect.validate_schema or any(f.category == "response_schema" for f in faults)
    schemas = response_schemas(action, ctx.api) if wants_schema else {}
    if schemas:
        lines.append(f"    check_schema(response, {table.constant(action.request.operation, schemas)})")
    if action.save:
        saved: JsonObject = dict(action.save)
        lines.append(f"    variables.update(save(response, {py_literal(saved, 4, prefix=34)}))")
    return lines


def _needs_variables(scenario: Scenario) -> bool:
    return bool(scenario.fixtures) or any(uses_variables(a.request) or a.save for a in scenario.actions)


def _params(scenario: Scenario, ctx: SuiteContext, needs_variables: bool) -> list[str]:
    params = ["client: httpx.Client"]
    if any(uses_auth_headers(a.request, ctx) for a in scenario.actions):
        params.append("auth_headers: dict[str, str]")
    if needs_variables:
        params.append("unique: str")
    fixtures = [ctx.fixture_names[f] for f in scenario.fixtures if f in ctx.fixture_names]
    return params + [f"{name}: dict[str, Any]" for name in dict.fromkeys(fixtures)]


def _doc(scenario: Scenario, tied: Sequence[Finding]) -> str:
    lines = [f"{scenario.id}: {comment(scenario.title)}."]
    lines += [f"{step.keyword} {comment(step.text)}" for step in scenario.steps]
    if scenario.description:
        lines += ["", comment(scenario.description)]
    for f in tied:
        where = f"{f.method.upper()} {f.path}"
        lines += [
            "",
            f"Fails while {f.id or 'a finding'} is open: {comment(f.title)} ({f.category}, {where}).",
        ]
    return docstring(lines)


def _markers(scenario: Scenario, tied: Sequence[Finding], smoke: bool) -> list[str]:
    out = [f"@pytest.mark.scenario({py_str(scenario.id)})"]
    out += [f"@pytest.mark.finding({py_str(f.id)})" for f in tied if f.id]
    if smoke:
        out.append("@pytest.mark.smoke")
    tags = dict.fromkeys(m for m in (tag_marker(t) for t in scenario.tags) if m)
    return out + [f"@pytest.mark.{m}" for m in tags]


def render_test(
    scenario: Scenario, ctx: SuiteContext, tied: Sequence[Finding], smoke: bool, table: SchemaTable
) -> RenderedTest:
    """One test function: decorators, signature, docstring, then each action and its checks."""
    name = test_name(scenario)
    needs_variables = _needs_variables(scenario)
    smoke = smoke or any(tag_marker(t) is None and slug(t) == "smoke" for t in scenario.tags)
    markers = _markers(scenario, tied, smoke)
    lines = [*markers, signature(name, _params(scenario, ctx, needs_variables)), _doc(scenario, tied)]
    if needs_variables:
        lines.append('    variables: dict[str, Any] = {"unique": unique}')
        for recipe in dict.fromkeys(f for f in scenario.fixtures if f in ctx.fixture_names):
            lines.append(f"    variables.update(namespaced({py_str(recipe)}, {ctx.fixture_names[recipe]}))")
    by_action = findings_by_action(scenario, tied)
    for index, action in enumerate(scenario.actions):
        lines += ([""] if index else []) + action_lines(action, ctx, by_action.get(index, []), table)
    if not scenario.actions:
        lines.append('    pytest.skip("the scenario has no executable HTTP action")')
    tags = tuple(m.removeprefix("@pytest.mark.") for m in markers[1:] if "(" not in m and "smoke" not in m)
    ids = tuple(f.id for f in tied if f.id)
    return RenderedTest(scenario.id, name, feature_file(scenario.feature), "\n".join(lines) + "\n", ids, tags)


MODULE_DOC = '''\
"""{feature}: API tests generated by assay ({count} scenario{s}).

Each test asserts what a correct server answers. A test marked ``finding`` fails while the finding
it names is open and passes once it is fixed.
"""'''


def render_module(feature: str, tests: Sequence[RenderedTest], table: SchemaTable) -> str:
    """A whole test module: docstring, imports, schema constants, then the tests."""
    doc = MODULE_DOC.format(
        feature=comment(feature) or "API", count=len(tests), s="" if len(tests) == 1 else "s"
    )
    constants = [f"{name} = {literal}" for name, literal in table.order]
    body = "\n\n\n".join(t.code.rstrip("\n") for t in tests)
    code = "\n\n".join(constants) + "\n" + body
    parts = [doc, "from __future__ import annotations", import_block(code)]
    if constants:
        parts.append("\n\n".join(constants))
    return "\n\n".join(parts) + "\n\n\n" + body + "\n"
