"""Source of the generated ``tests/test_security.py``: one test per security finding.

Each test rebuilds the finding's request sequence from the API model and the resource recipes,
never from the evidence's concrete values: objects come from the recipe fixtures, identities
from the conftest (``auth_headers``, ``second_auth_headers``), and the test asserts what a
correct server answers, so it fails while the fault is there and passes once it is fixed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.evolution.api_suite.pysource import (
    comment,
    docstring,
    import_block,
    py_str,
    signature,
    slug,
)
from assay.agents.evolution.api_suite.suite_requests import SuiteContext
from assay.agents.evolution.api_suite.suite_security_attacks import ATTACK_BUILDERS
from assay.agents.evolution.api_suite.suite_security_attacks import HELPERS as ATTACK_HELPERS
from assay.agents.evolution.api_suite.suite_security_checks import AUTHZ_BUILDERS, UNSUPPORTED, Built, Needs
from assay.agents.evolution.api_suite.suite_security_tokens import TOKEN_HELPERS
from assay.agents.evolution.api_suite.suite_security_web import WEB_HELPERS
from assay.agents.evolution.api_suite.suite_tests import RenderedTest
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.domain.scenarios import RequestSpec, RequirementsResult
from assay.spec.datagen import valid_body
from assay.spec.requests import path_params_for, request_for

SECURITY_FILE = "test_security.py"
RECIPE_PLACEHOLDER = re.compile(r"\$\{([^}]+)\.[^}.]+\}")
ANY_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
BUILDERS = {**AUTHZ_BUILDERS, **ATTACK_BUILDERS}


@dataclass(frozen=True)
class SecuritySuite:
    source: str | None
    tests: tuple[RenderedTest, ...]
    notes: tuple[str, ...]

    @property
    def needs_second_identity(self) -> bool:
        return any("second_auth_headers" in t.code for t in self.tests)


def security_findings(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.category in BUILDERS or f.category in UNSUPPORTED]


def render_security(
    findings: Sequence[Finding], requirements: RequirementsResult, ctx: SuiteContext
) -> SecuritySuite:
    """The module (None without any test), its tests, and a note per finding left without one."""
    tests: list[RenderedTest] = []
    notes: list[str] = []
    names: set[str] = set()
    for finding in security_findings(findings):
        built = build_test(finding, requirements, ctx)
        if isinstance(built, str):
            notes.append(f"{finding.id or finding.title}: no security test ({built})")
            continue
        name = test_name(finding)
        while name in names:
            name += "_"
        names.add(name)
        tests.append(render_security_test(finding, built, name, ctx))
    if not tests:
        return SecuritySuite(None, (), tuple(notes))
    return SecuritySuite(render_security_module(tests), tuple(tests), tuple(notes))


def test_name(finding: Finding) -> str:
    return f"test_{slug(finding.id, 20) or 'finding'}_{finding.category}"


def build_test(finding: Finding, requirements: RequirementsResult, ctx: SuiteContext) -> Built | str:
    """The test's body, or why the finding gets none."""
    if finding.category in UNSUPPORTED:
        return UNSUPPORTED[finding.category]
    needs = Needs(finding, ctx, lambda op: target_request(op, requirements, ctx))
    built = BUILDERS[finding.category](needs)
    if isinstance(built, str):
        return built
    unknown = unresolved(built.requests, ctx)
    return f"it needs values no fixture provides: {', '.join(unknown)}" if unknown else built


def target_request(op: Operation, requirements: RequirementsResult, ctx: SuiteContext) -> RequestSpec:
    """A valid request for ``op``: ids from the recipe fixtures, a body from a recipe or the schema."""
    params = path_params_for(ctx.api, set(ctx.fixture_names), op) if ctx.api else {}
    return request_for(op, params, body=_body(op, requirements), intent="probe")


def _body(op: Operation, requirements: RequirementsResult) -> Json:
    if op.request_body is None:
        return None
    for recipe in requirements.recipes:
        if recipe.action.request.operation == op.key and recipe.action.request.has_body:
            return recipe.action.request.body
    for scenario in requirements.scenarios:
        for action in scenario.actions:
            request = action.request
            if request.operation == op.key and request.intent == "valid" and request.has_body:
                return request.body
    return valid_body(op.request_body.schema)


def unresolved(requests: Sequence[RequestSpec], ctx: SuiteContext) -> list[str]:
    """Placeholders neither ``${unique}``, a recipe fixture, nor a value the test saves itself."""
    text = json.dumps([_request_text(r) for r in requests])
    names = dict.fromkeys(ANY_PLACEHOLDER.findall(text))
    return [n for n in names if n not in {"unique", "new_password"} and not _known(n, ctx)]


def _known(name: str, ctx: SuiteContext) -> bool:
    return name.split(".", 1)[0] in (*ctx.fixture_names, "written")


def _request_text(request: RequestSpec) -> Json:
    return [dict(request.path_params), dict(request.query), dict(request.headers), request.body]


def fixtures_of(requests: Sequence[RequestSpec], ctx: SuiteContext) -> list[str]:
    text = json.dumps([_request_text(r) for r in requests])
    found = dict.fromkeys(RECIPE_PLACEHOLDER.findall(text))
    return [name for name in found if name in ctx.fixture_names]


def _params(finding: Finding, built: Built, ctx: SuiteContext, code: str) -> list[str]:
    params = ["client: httpx.Client"]
    for name in ("auth_headers", "second_auth_headers"):
        if re.search(rf"\b{name}\b", code):
            params.append(f"{name}: dict[str, str]")
    if "variables" in code:
        params.append("unique: str")
    fixtures = fixtures_of(built.requests, ctx)
    return params + [f"{ctx.fixture_names[name]}: dict[str, Any]" for name in fixtures]


def render_security_test(finding: Finding, built: Built, name: str, ctx: SuiteContext) -> RenderedTest:
    """Decorators, signature, docstring, the fixture values, then the category's checks."""
    body = "\n".join(built.lines)
    setup: list[str] = []
    if "variables" in body:
        setup.append('    variables: dict[str, Any] = {"unique": unique}')
        setup += [
            f"    variables.update(namespaced({py_str(recipe)}, {ctx.fixture_names[recipe]}))"
            for recipe in fixtures_of(built.requests, ctx)
        ]
    code_body = "\n".join([*setup, body])
    where = f"{finding.method.upper()} {finding.path}"
    doc = docstring(
        [
            f"{finding.id or 'Finding'} ({finding.category}).",
            f"{comment(finding.title)} ({where}).",
            f"Correct behaviour: {comment(built.expected)}",
            "Fails while the finding is open and passes once it is fixed.",
        ]
    )
    lines = [
        f"@pytest.mark.finding({py_str(finding.id)})" if finding.id else "",
        signature(name, _params(finding, built, ctx, code_body)),
        doc,
        code_body,
    ]
    code = "\n".join(line for line in lines if line) + "\n"
    ids = (finding.id,) if finding.id else ()
    return RenderedTest(finding.scenario_id or "", name, SECURITY_FILE, code, ids)


MODULE_DOC = '''\
"""Security: one test per security finding assay reported ({count} test{s}).

Each test replays its finding's request sequence with fresh objects (created by the conftest's
fixtures) and the identities of the environment: ASSAY_USERNAME / ASSAY_PASSWORD for the user,
ASSAY_USERNAME_2 / ASSAY_PASSWORD_2 for a second user (or users the suite registers itself when
the API offers public registration). A test fails while its finding is open and passes once it
is fixed; a test whose identity cannot be had is skipped and names the variables to set.
"""'''


def _helpers_for(body: str) -> list[str]:
    """The helpers the tests call, and the helpers those call (one level is all there is)."""
    available = {**ATTACK_HELPERS, **TOKEN_HELPERS, **WEB_HELPERS}
    used = {name for name in available if re.search(rf"\b{name}\(", body)}
    calls = "\n".join(available[name] for name in used)
    used |= {name for name in available if re.search(rf"\b{name}\(", calls)}
    return [helper for name, helper in available.items() if name in used]


def render_security_module(tests: Sequence[RenderedTest]) -> str:
    body = "\n\n\n".join(t.code.rstrip("\n") for t in tests)
    code = "\n\n\n".join([*_helpers_for(body), body])
    doc = MODULE_DOC.format(count=len(tests), s="" if len(tests) == 1 else "s")
    return (
        "\n\n".join([doc, "from __future__ import annotations", import_block(code)]) + "\n\n\n" + code + "\n"
    )
