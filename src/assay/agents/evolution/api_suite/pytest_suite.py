"""A standalone pytest + httpx suite from the scenarios: conftest, one module per feature, README.

The suite asserts what a correct server answers, never what the server answered: a test tied to a
finding fails while the fault is there and passes once it is fixed. Ids come from fixtures that
create resources through the API, credentials from environment variables only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from assay.agents.evolution.api_suite.pysource import RUFF_TOML, identifier
from assay.agents.evolution.api_suite.suite_conftest import render_conftest
from assay.agents.evolution.api_suite.suite_requests import RESERVED_FIXTURES, SuiteContext
from assay.agents.evolution.api_suite.suite_security import SECURITY_FILE, render_security
from assay.agents.evolution.api_suite.suite_support import SUPPORT_MODULE
from assay.agents.evolution.api_suite.suite_tests import (
    RenderedTest,
    SchemaTable,
    feature_file,
    render_module,
    render_test,
)
from assay.domain.findings import Finding
from assay.domain.operations import ApiModel
from assay.domain.scenarios import RequirementsResult, ResourceRecipe, Scenario


@dataclass(frozen=True)
class Suite:
    files: dict[str, str]  # path in the suite -> source
    tests: tuple[RenderedTest, ...]
    notes: tuple[str, ...] = ()


def render_suite(
    requirements: RequirementsResult,
    api: ApiModel | None,
    findings: Sequence[Finding],
    base_url_hint: str,
    *,
    smoke_ids: Collection[str] = (),
) -> dict[str, str]:
    """File path -> source of the whole suite (deterministic for the same inputs)."""
    return build_suite(requirements, api, findings, base_url_hint, smoke_ids=smoke_ids).files


def fixture_names(recipes: Sequence[ResourceRecipe]) -> dict[str, str]:
    """Recipe name -> a fixture name that collides with no other fixture of the suite."""
    names: dict[str, str] = {}
    for recipe in recipes:
        name = identifier(recipe.name, "resource")
        if name in RESERVED_FIXTURES or name.startswith("test"):
            name = f"{name}_resource"
        while name in names.values():
            name = f"{name}_"
        names[recipe.name] = name
    return names


def _tied(scenario: Scenario, findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.scenario_id == scenario.id]


def build_suite(
    requirements: RequirementsResult,
    api: ApiModel | None,
    findings: Sequence[Finding],
    base_url_hint: str,
    *,
    smoke_ids: Collection[str] = (),
) -> Suite:
    """The suite's files plus one RenderedTest per scenario (what the Evolution agent records)."""
    ctx = SuiteContext(api=api, fixture_names=fixture_names(requirements.recipes))
    tables: dict[str, SchemaTable] = {}
    by_file: dict[str, list[RenderedTest]] = {}
    features: dict[str, str] = {}
    for scenario in requirements.scenarios:
        file = feature_file(scenario.feature)
        table = tables.setdefault(file, SchemaTable())
        test = render_test(scenario, ctx, _tied(scenario, findings), scenario.id in smoke_ids, table)
        by_file.setdefault(file, []).append(test)
        features.setdefault(file, scenario.feature)
    title = api.title if api else ""
    security = render_security(findings, requirements, ctx)
    conftest = render_conftest(
        requirements.recipes, ctx, base_url_hint, title, identities=security.needs_second_identity
    )
    files = {"conftest.py": conftest, "assay_support.py": SUPPORT_MODULE}
    for file, tests in by_file.items():
        files[file] = render_module(features[file], tests, tables[file])
    if security.source is not None:
        files[SECURITY_FILE] = security.source
    tests_all = (*(t for tests in by_file.values() for t in tests), *security.tests)
    files["pytest.ini"] = render_pytest_ini(tests_all)
    files["ruff.toml"] = RUFF_TOML
    files["README.md"] = render_readme(tests_all, findings, api, base_url_hint)
    notes = (
        *_notes(requirements, findings, {t for s in security.tests for t in s.finding_ids}),
        *security.notes,
    )
    return Suite(files=dict(sorted(files.items())), tests=tests_all, notes=notes)


def _notes(
    requirements: RequirementsResult, findings: Sequence[Finding], covered: Collection[str]
) -> tuple[str, ...]:
    ids = {s.id for s in requirements.scenarios}
    loose = [
        f.id or f.title
        for f in findings
        if (not f.scenario_id or f.scenario_id not in ids) and not (f.id and f.id in covered)
    ]
    if not loose:
        return ()
    return (f"{len(loose)} finding(s) have no scenario and so no regression test: {', '.join(loose)}",)


def render_pytest_ini(tests: Sequence[RenderedTest]) -> str:
    markers = sorted({m for t in tests for m in t.markers})
    lines = [
        "[pytest]",
        "addopts = -ra --strict-markers",
        "pythonpath = .",
        "markers =",
        "    smoke: the quick checks to run first",
        "    scenario(id): the assay scenario a test implements",
        "    finding(id): the assay finding a test fails on until it is fixed",
    ]
    lines += [f"    {m}: scenarios tagged @{m}" for m in markers]
    return "\n".join(lines) + "\n"


README = """\
# API tests generated by assay{title}

A standalone pytest + httpx suite: {count} test{s} in {modules}. Each test asserts what a
correct server answers; ids come from fixtures that create what they need through the API.

## Run

```bash
pip install -r requirements.txt
BASE_URL={hint} {auth_env}pytest
```

{auth_text}

## Select

```bash
pytest -m smoke            # the quick checks
pytest -m finding          # only the tests tied to assay findings
pytest -k sc_api_001       # one scenario
```

## Tests tied to findings

These fail while the fault is there and pass once it is fixed:

{finding_lines}
"""


def render_readme(
    tests: Sequence[RenderedTest], findings: Sequence[Finding], api: ApiModel | None, hint: str
) -> str:
    by_id = {f.id: f for f in findings if f.id}
    tied = [(t, by_id[i]) for t in tests for i in t.finding_ids if i in by_id]
    lines = [f"- `{t.name}` ({t.file}): {f.id} [{f.severity}] {f.title}" for t, f in tied]
    modules = sorted({t.file for t in tests})
    auth = api.auth if api else None
    needs_login = auth is not None and auth.kind not in ("none", "api_key")
    auth_text = "The API needs no credentials."
    if auth is not None and auth.kind != "none":
        auth_text = "Credentials come from the environment only (ASSAY_USERNAME / ASSAY_PASSWORD"
        auth_text += ", ASSAY_API_KEY or ASSAY_TOKEN); nothing secret is stored in these files."
        if auth.register_operation:
            auth_text += f" Without them a fresh user is registered through `{auth.register_operation}`."
    return README.format(
        title=f" for {api.title}" if api and api.title else "",
        count=len(tests),
        s="" if len(tests) == 1 else "s",
        modules=", ".join(f"`{m}`" for m in modules) or "no module",
        hint=hint or "http://127.0.0.1:8000",
        auth_env="ASSAY_USERNAME=... ASSAY_PASSWORD=... " if needs_login else "",
        auth_text=auth_text,
        finding_lines="\n".join(lines) or "- none",
    )
