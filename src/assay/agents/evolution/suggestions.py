"""Assertion suggestions for a generated HTTP test: what a model may propose, and how it is checked.

improve-tests with a language model asks, per test, for assertions a correct server always
satisfies about the answer to the test's last request. The model never writes code: it names one
of a few kinds (:data:`KINDS`) with a dotted path into the JSON body, a header name and a value,
and assay writes the Python line itself, so an answer can add an ``assert`` and nothing else.
Each suggestion must hold on the answer the target gave when the scenario passed (:func:`holds`)
before the improved test is run at all; the caller then keeps it only if the whole test passes
against the target twice (a timestamp or a counter holds once, not twice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.agents.evolution.api_suite.pysource import WIDTH, py_quoted, refresh_support_import
from assay.domain.exchanges import RecordedResponse
from assay.domain.json import Json, JsonObject, as_list, as_object, as_str, dig

KINDS = ("json_type", "json_equals", "json_nonempty", "content_type", "header_present", "body_excludes")
TYPES: dict[str, str] = {  # json_type's value -> the Python test of the value's type
    "string": "is str",
    "integer": "is int",
    "number": "in (int, float)",
    "boolean": "is bool",
    "array": "is list",
    "object": "is dict",
}
PATH = re.compile(r"^[A-Za-z0-9_\-]{1,64}(\.[A-Za-z0-9_\-]{1,64}){0,5}$")
HEADER = re.compile(r"^[A-Za-z0-9\-]{1,64}$")
MEDIA_TYPE = re.compile(r"^[a-z0-9.+\-]{1,40}/[a-z0-9.+\-]{1,60}$")
MAX_PER_TEST = 4
MAX_TEXT = 120
LABEL = "suggestion"  # each line's message starts "suggestion N:", so a failure names its line

SYSTEM = (
    "You are a senior QA engineer strengthening generated API tests. For each test, propose at "
    f"most {MAX_PER_TEST} extra assertions about the answer to the test's LAST request that a correct "
    "server ALWAYS satisfies: documented fields and their types, fixed values such as an echoed "
    "input or an enum, headers the API always sends, text that must never appear (a stack trace). "
    "Never assert ids, timestamps, counters or anything that changes between runs. Use only these "
    "kinds: json_type (path, value: string|integer|number|boolean|array|object), json_equals "
    "(path, value as JSON), json_nonempty (path), content_type (value: a media type), "
    "header_present (name), body_excludes (value: text). A path is dotted (items.0.id); an empty "
    "path is the whole body. Leave unused fields empty. Name each test exactly as given."
)
SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "test": {"type": "string"},
                    "assertions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "kind": {"type": "string", "enum": list(KINDS)},
                                "path": {"type": "string"},
                                "name": {"type": "string"},
                                "value": {"type": "string"},
                                "why": {"type": "string"},
                            },
                            "required": ["kind", "path", "name", "value", "why"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["test", "assertions"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["tests"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Suggestion:
    """One assertion, as data: assay renders it (:func:`render`), the model never writes code."""

    kind: str
    path: str = ""  # dotted path into the JSON body ("" is the body itself)
    name: str = ""  # a header's name
    value: Json = None  # the type name, the expected value, the media type or the excluded text
    why: str = ""

    def describe(self) -> str:
        """What it asserts, in words (the assert's message and the notes)."""
        where = self.path or "the body"
        match self.kind:
            case "json_type":
                return f"{where} is {'an' if str(self.value)[0] in 'aeiou' else 'a'} {self.value}"
            case "json_equals":
                return f"{where} equals {json.dumps(self.value)}"
            case "json_nonempty":
                return f"{where} is not empty"
            case "content_type":
                return f"the content type is {self.value}"
            case "header_present":
                return f"the {self.name} header is sent"
            case _:
                return f"the body does not contain {json.dumps(self.value)}"


def parse_answer(answer: JsonObject, names: set[str]) -> tuple[dict[str, list[Suggestion]], list[str]]:
    """The well-formed suggestions per test name in ``names``, and why others were refused."""
    kept: dict[str, list[Suggestion]] = {}
    refused: list[str] = []
    for item in as_list(answer.get("tests")):
        test = as_str(as_object(item).get("test"))
        if test not in names:
            refused.append(f"{test[:60] or 'a test'}: no such test was asked about")
            continue
        for raw in as_list(as_object(item).get("assertions")):
            suggestion, wrong = _suggestion(as_object(raw))
            if suggestion is None:
                refused.append(f"{test}: {wrong}")
            elif suggestion not in kept.setdefault(test, []) and len(kept[test]) < MAX_PER_TEST:
                kept[test].append(suggestion)
    return kept, refused


def _suggestion(raw: JsonObject) -> tuple[Suggestion | None, str]:
    kind, path = as_str(raw.get("kind")), as_str(raw.get("path")).strip()
    name, text = as_str(raw.get("name")).strip(), as_str(raw.get("value"))
    why = " ".join(as_str(raw.get("why")).split())[:MAX_TEXT]
    if kind not in KINDS:
        return None, f"unknown kind {kind[:30]!r}"
    if kind.startswith("json_") and path and not PATH.match(path):
        return None, f"{path[:60]!r} is not a dotted path"
    if kind == "json_type" and text not in TYPES:
        return None, f"{text[:30]!r} is not a JSON type"
    if kind == "content_type" and not MEDIA_TYPE.match(text.lower()):
        return None, f"{text[:60]!r} is not a media type"
    if kind == "header_present" and not HEADER.match(name):
        return None, f"{name[:60]!r} is not a header name"
    if kind == "body_excludes" and not 3 <= len(text) <= MAX_TEXT:
        return None, "the excluded text must be 3 to 120 characters"
    value: Json = text
    if kind == "json_equals":
        value = _literal(text)
        if value is None or isinstance(value, dict | list) or len(text) > MAX_TEXT:
            return None, "json_equals needs a short string, number or boolean"
    elif kind == "content_type":
        value = text.lower()
    return Suggestion(kind, path if kind.startswith("json_") else "", name.lower(), value, why), ""


def _literal(text: str) -> Json:
    """``value`` as the JSON it spells (``3``, ``true``, ``"ok"``), else the text itself."""
    try:
        parsed: Json = json.loads(text)
    except ValueError:
        return text
    return parsed


SENSITIVE = re.compile(r"(token|secret|passw|api.?key|session|cookie|credential|auth)", re.IGNORECASE)


def sensitive(suggestion: Suggestion, secrets: Sequence[str]) -> bool:
    """Whether writing ``suggestion`` into a test would store a credential: a value of the run's
    secrets, or a fixed value at a field named like one (a token the server minted)."""
    text = str(suggestion.value)
    if any(secret and secret in text for secret in secrets):
        return True
    return suggestion.kind == "json_equals" and bool(SENSITIVE.search(suggestion.path))


def holds(suggestion: Suggestion, response: RecordedResponse) -> Suggestion | None:
    """``suggestion`` if the target's healthy answer satisfies it (with json_equals' value read as
    the answer has it: ``3`` and ``"3"``), else None."""
    if suggestion.kind == "content_type":
        ok = (response.header("content-type") or "").lower().startswith(str(suggestion.value))
        return suggestion if ok else None
    if suggestion.kind == "header_present":
        return suggestion if response.header(suggestion.name) is not None else None
    if suggestion.kind == "body_excludes":
        return suggestion if str(suggestion.value) not in response.text else None
    if not response.is_json or response.truncated:
        return None
    found = dig(response.json, suggestion.path)
    if suggestion.kind == "json_nonempty":
        return suggestion if found else None
    if suggestion.kind == "json_type":
        return suggestion if _json_type(found) == suggestion.value else None
    for candidate in (suggestion.value, str(suggestion.value)):
        if found == candidate and type(found) is type(candidate):
            return Suggestion(suggestion.kind, suggestion.path, suggestion.name, candidate, suggestion.why)
    return None


def _json_type(value: Json) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    for name, kind in (("number", float), ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return name
    return "null"


def render(suggestion: Suggestion, number: int) -> list[str]:
    """The source lines (indented for a test body) of one suggestion, laid out as ruff formats."""
    body = f"dig(json_body(response), {py_quoted(suggestion.path)})"
    match suggestion.kind:
        case "json_type":
            test = f"type({body}) {TYPES[str(suggestion.value)]}"
        case "json_equals":
            test = f"{body} == {_py_scalar(suggestion.value)}"
        case "json_nonempty":
            test = body
        case "content_type":
            test = f'response.headers.get("content-type", "").startswith({py_quoted(str(suggestion.value))})'
        case "header_present":
            test = f"{py_quoted(suggestion.name)} in response.headers"
        case _:
            test = f"{py_quoted(str(suggestion.value))} not in response.text"
    message = py_quoted(f"{LABEL} {number}: {suggestion.describe()}")
    line = f"    assert {test}, {message}"
    if len(line) <= WIDTH:
        return [line]
    return [f"    assert {test}, (", f"        {message}", "    )"]


def _py_scalar(value: Json) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return repr(value)
    return py_quoted(str(value))


def with_suggestions(code: str, suggestions: list[Suggestion]) -> str:
    """The test function ``code`` with the suggestions' asserts after its last line."""
    lines = ["    # Suggested by the language model; kept because the test passed twice with them."]
    for number, suggestion in enumerate(suggestions, 1):
        lines += render(suggestion, number)
    return code.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def can_extend(code: str) -> bool:
    """Whether the test keeps its answer in ``response`` (what every suggestion asserts on)."""
    return re.search(r"^    response = ", code, re.MULTILINE) is not None


def failed_number(message: str) -> int | None:
    """Which suggestion an assertion message blames ("suggestion 2: ..."), if one."""
    found = re.search(rf"\b{LABEL} (\d+): ", message)
    return int(found.group(1)) if found else None


def replaced_in_module(module: str, old: str, new: str) -> str:
    """``module`` with test function ``old`` replaced by ``new``, its helpers imported."""
    if old == new or old not in module:
        return module
    return refresh_support_import(module.replace(old, new, 1))
