"""Scenarios -> Gherkin ``.feature`` text that the official parser (gherkin-official) accepts.

Names, steps and tags come from API specs, so any character may appear: every line is made
single-line, tags lose characters that would split them, table cells and doc strings are escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.json import Json, as_list, as_object, as_str
from assay.domain.scenarios import Scenario, Step

_INDENT = "  "


def one_line(text: str, fallback: str = "-") -> str:
    """Newlines and other control characters collapsed to spaces; never empty."""
    cleaned = re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]+", " ", text).strip()
    return cleaned or fallback


def tag(text: str) -> str:
    """``@`` then characters that cannot end a tag or start a comment (no space, ``#`` or ``@``)."""
    cleaned = re.sub(r"[^\w.:-]+", "-", text.lstrip("@"), flags=re.UNICODE).strip("-")
    return "@" + (cleaned or "tag")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "feature"


def table_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")


def doc_string(content: str, indent: str) -> list[str]:
    """A doc string block; the delimiter is chosen (or escaped) so the content cannot close it."""
    # Gherkin reads lines, so a carriage return can only come back as a line break.
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if '"""' not in content:
        fence = '"""'
    elif "```" not in content:
        fence = "```"
    else:
        fence, content = '"""', content.replace('"""', '\\"\\"\\"')
    body = [indent + line if line else "" for line in content.split("\n")]
    return [indent + fence, *body, indent + fence]


def _argument(arg: Json, indent: str) -> list[str]:
    spec = as_object(arg)
    if "doc_string" in spec:
        return doc_string(as_str(spec["doc_string"]), indent)
    rows = [[as_str(c) for c in as_list(r)] for r in as_list(spec.get("table"))]
    rows = [r for r in rows if r]
    width = max((len(r) for r in rows), default=0)
    # Every row of a Gherkin table must have the same number of cells.
    return [
        indent + "| " + " | ".join(table_cell(c) for c in r + [""] * (width - len(r))) + " |" for r in rows
    ]


def _step_lines(steps: Sequence[Step], args: dict[str, Json], offset: int, indent: str) -> list[str]:
    lines: list[str] = []
    for i, step in enumerate(steps):
        lines.append(f"{indent}{step.keyword} {one_line(step.text)}")
        arg = args.get(str(i + offset))
        if arg is not None:
            lines += _argument(arg, indent + _INDENT)
    return lines


def _background(scenarios: Sequence[Scenario]) -> tuple[Step, ...]:
    """The leading Given steps every scenario shares, when there are at least two scenarios."""
    if len(scenarios) < 2:
        return ()
    common: list[Step] = []
    for steps in zip(*(s.steps for s in scenarios), strict=False):
        first = steps[0]
        if first.keyword not in ("Given", "And") or any(s != first for s in steps):
            break
        if not common and first.keyword != "Given":
            break
        common.append(first)
    return tuple(common)


def _scenario_lines(scenario: Scenario, skip: int) -> list[str]:
    lines = [""]
    for comment in scenario.description.splitlines():
        if comment.strip():
            lines.append(f"{_INDENT}# {one_line(comment)}")
    if scenario.tags:
        lines.append(_INDENT + " ".join(dict.fromkeys(tag(t) for t in scenario.tags)))
    lines.append(f"{_INDENT}Scenario: {one_line(scenario.id, 'SC')} {one_line(scenario.title)}")
    args = as_object(scenario.data.get("step_args"))
    steps = scenario.steps[skip:] or (Step("Given", "nothing to do"),)
    return lines + _step_lines(steps, args, skip, _INDENT * 2)


def render_feature(feature: str, scenarios: Sequence[Scenario]) -> str:
    """One feature file: a feature tag, a Background of shared Given steps, then each scenario."""
    lines = [tag(slug(feature)), f"Feature: {one_line(feature, 'API')}"]
    background = _background(scenarios)
    if background:
        lines += ["", f"{_INDENT}Background:"]
        lines += _step_lines(background, {}, 0, _INDENT * 2)
    for scenario in scenarios:
        lines += _scenario_lines(scenario, len(background))
    return "\n".join(lines) + "\n"


def render_features(scenarios: Sequence[Scenario]) -> dict[str, str]:
    """``<feature-slug>.feature`` -> text, one file per feature, scenarios in the given order."""
    groups: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault(scenario.feature, []).append(scenario)
    files: dict[str, str] = {}
    for feature, members in groups.items():
        name, n = slug(feature), 2
        while f"{name}.feature" in files:
            name, n = f"{slug(feature)}-{n}", n + 1
        files[f"{name}.feature"] = render_feature(feature, members)
    return files
