"""Rendered .feature files must parse with the official Gherkin parser and keep their content."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import cast

import pytest
from gherkin.parser import Parser
from tests.unit.test_requirements_apis import seed_api

from assay.agents.requirements.agent import generate
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.scenarios import Action, Expectation, RequestSpec, Scenario, Step
from assay.report.gherkin import render_feature, render_features

Doc = Mapping[str, object]


def parse(text: str) -> Doc:
    return cast(Doc, Parser().parse(text))


def children(doc: Doc) -> list[Doc]:
    feature = cast(Doc, doc["feature"])
    return [cast(Doc, c) for c in cast(list[object], feature["children"])]


def scenarios_of(doc: Doc) -> list[Doc]:
    return [cast(Doc, c["scenario"]) for c in children(doc) if "scenario" in c]


def steps_of(node: Doc) -> list[Doc]:
    return [cast(Doc, s) for s in cast(list[object], node["steps"])]


def make(
    sid: str, title: str, steps: tuple[Step, ...], data: JsonObject | None = None, **kw: object
) -> Scenario:
    spec = RequestSpec(operation="GET /x", method="GET", path="/x")
    return Scenario(
        id=sid,
        feature="odd",
        title=title,
        kind="happy_path",
        tags=cast(tuple[str, ...], kw.get("tags", ("@smoke",))),
        operations=("GET /x",),
        steps=steps,
        actions=(Action("a", spec, Expectation()),),
        data=data or {},
        description=cast(str, kw.get("description", "")),
    )


def test_every_seed_feature_parses_and_keeps_every_scenario() -> None:
    result = generate(Observation("http://x", "api", api=seed_api()), "focus on chat")
    files = render_features(result.scenarios)
    assert "projects.feature" in files and "chat.feature" in files
    names: list[str] = []
    for text in files.values():
        names += [cast(str, s["name"]) for s in scenarios_of(parse(text))]
    assert sorted(n.split(" ", 1)[0] for n in names) == sorted(s.id for s in result.scenarios)


def test_request_body_becomes_a_doc_string_with_the_exact_json() -> None:
    result = generate(Observation("http://x", "api", api=seed_api()))
    (sc,) = [
        s
        for s in result.scenarios
        if s.kind == "happy_path" and s.operations[0].endswith("/chat/sessions") and "valid data" in s.title
    ]
    doc = parse(render_feature(sc.feature, [sc]))
    (scenario,) = scenarios_of(doc)
    with_body = [s for s in steps_of(scenario) if "docString" in s]
    assert len(with_body) == 1
    content = cast(Doc, with_body[0]["docString"])["content"]
    assert json.loads(cast(str, content)) == sc.actions[0].request.body


@pytest.mark.parametrize(
    "odd",
    [
        "pipe | and backslash \\ here",
        'triple """ quotes',
        "hash # not a comment",
        "@not-a-tag at start",
        "non-ASCII: ünïcödé — 日本語 ✓",
        "new\nline and\r\ncarriage",
        "Scenario: looks like a keyword",
        '```fences``` and """ both',
    ],
)
def test_odd_characters_survive_in_names_steps_tables_and_doc_strings(odd: str) -> None:
    data: JsonObject = {
        "step_args": {
            "1": {"table": [["name", "value"], ["path", odd], ["short"]]},
            "2": {"doc_string": odd + "\n  indented line"},
        }
    }
    steps = (Step("Given", odd), Step("When", f"I set {odd}:"), Step("Then", "body:"))
    sc = make("SC-API-001", odd, steps, data, tags=(f"@{odd}", "@ok"), description=odd)
    doc = parse(render_feature(f"feature {odd}", [sc]))
    (scenario,) = scenarios_of(doc)
    flat = odd.replace("\r\n", " ").replace("\n", " ")
    assert cast(str, scenario["name"]).endswith(" ".join(flat.split()) if "\n" in odd else flat)
    parsed_steps = steps_of(scenario)
    table = cast(Doc, parsed_steps[1]["dataTable"])
    rows = [[c["value"] for c in cast(list[Doc], r["cells"])] for r in cast(list[Doc], table["rows"])]
    assert rows[1] == ["path", odd] and rows[2] == ["short", ""]
    expected_doc = odd.replace("\r\n", "\n") + "\n  indented line"
    assert cast(Doc, parsed_steps[2]["docString"])["content"] == expected_doc
    tags = [t["name"] for t in cast(list[Doc], scenario["tags"])]
    assert "@ok" in tags and all(" " not in cast(str, t) for t in tags)


def test_background_holds_shared_given_steps() -> None:
    shared = Step("Given", "an authenticated user")
    a = make("SC-API-001", "one", (shared, Step("When", "I send GET /a"), Step("Then", "ok")))
    b = make("SC-API-002", "two", (shared, Step("When", "I send GET /b"), Step("Then", "ok")))
    doc = parse(render_feature("things", [a, b]))
    background = next(c["background"] for c in children(doc) if "background" in c)
    assert isinstance(background, dict)
    assert [s["text"] for s in steps_of(background)] == ["an authenticated user"]
    for scenario in scenarios_of(doc):
        assert [s["keyword"].strip() for s in steps_of(scenario)] == ["When", "Then"]  # type: ignore[attr-defined]


def test_step_arguments_follow_their_step_after_the_background_is_lifted() -> None:
    shared = Step("Given", "an authenticated user")
    data: JsonObject = {"step_args": {"1": {"doc_string": '{"a": 1}'}}}
    a = make(
        "SC-API-001",
        "one",
        (shared, Step("When", "I send POST /a with this body:"), Step("Then", "ok")),
        data,
    )
    b = make("SC-API-002", "two", (shared, Step("When", "I send GET /b"), Step("Then", "ok")))
    doc = parse(render_feature("things", [a, b]))
    first = steps_of(scenarios_of(doc)[0])
    assert cast(Doc, first[0]["docString"])["content"] == '{"a": 1}' and "docString" not in first[1]


def test_feature_file_names_are_unique_slugs() -> None:
    steps = (Step("Given", "x"),)
    one = make("SC-API-001", "a", steps)
    two = Scenario(**{**one.__dict__, "id": "SC-API-002", "feature": "Odd!"})
    files = render_features([one, two])
    assert sorted(files) == ["odd-2.feature", "odd.feature"]
    for text in files.values():
        parse(text)
