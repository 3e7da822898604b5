"""Tier 3's question to the language model and the check of its answer (pure).

The model sees the step's intent (its description, action and the element as it was observed)
and a compact snapshot of the page's controls: one line per visible control with a ref, its role,
accessible name and a few identifying attributes. It answers with one ref, one action and a value.
The answer is trusted for nothing: the ref must be one of the snapshot's, the action one the step
allows (a "check" of a switch may be a click; a fill stays a fill), and the value typed is always
the step's own when it has one, so the model can neither invent input nor read a credential
(``${env:...}`` placeholders are sent as written, never resolved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.json import JsonObject, as_object, as_str
from assay.domain.language_model import Prompt
from assay.domain.scenarios import UiStep

MAX_ELEMENTS = 60
MAX_LINE = 200
NONE = "none"
# The actions a model may answer for each step action: a switch or custom checkbox is often
# toggled by a click, and a click on a checkbox is a check; nothing else may change kind.
ACCEPTED: dict[str, frozenset[str]] = {
    "click": frozenset({"click", "check"}),
    "check": frozenset({"check", "click"}),
    "fill": frozenset({"fill"}),
    "select": frozenset({"select"}),
    "press": frozenset({"press"}),
}
SYSTEM = (
    "You help a web QA tool carry out one step of a test on a page that changed since the test was "
    "written: the element the step names was not found. Pick the ONE element of the snapshot that "
    "the step means, by purpose (its role, name, label and surroundings), even when its text, test id "
    "and position changed. Answer only with the JSON object asked for: ref is the element's ref "
    f'(e.g. "e3"), or "{NONE}" when no element fits; action is the step\'s action; value is the step\'s '
    "value (empty when it has none). Never pick a control that deletes, resets, pays or signs out."
)
SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "ref": {"type": "string", "description": f'a ref of the snapshot, or "{NONE}"'},
        "action": {"type": "string", "enum": [*sorted(ACCEPTED)]},
        "value": {"type": "string"},
    },
    "required": ["ref", "action", "value"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Choice:
    """The model's answer, validated: which snapshot element, and which action."""

    index: int  # into the elements the snapshot was built from
    action: str
    value: str


def snapshot(elements: Sequence[JsonObject]) -> list[str]:
    """One line per control, ``e<N>`` being its index in ``elements`` (at most MAX_ELEMENTS)."""
    return [_line(i, e) for i, e in enumerate(elements[:MAX_ELEMENTS])]


def _line(index: int, element: JsonObject) -> str:
    tag, kind = as_str(element.get("tag")), as_str(element.get("type"))
    role = as_str(element.get("role")) or (f"{tag}[type={kind}]" if kind else tag)
    parts = [f"e{index}: {role} {as_str(element.get('name'))!r}"]
    attrs = as_object(element.get("attrs"))
    text = as_str(element.get("text"))
    if text and text != as_str(element.get("name")):
        parts.append(f"text={text[:60]!r}")
    for key, label in (("testid", "testid"), ("label", "label"), ("placeholder", "placeholder")):
        value = as_str(element.get(key))
        if value and value != as_str(element.get("name")):
            parts.append(f"{label}={value[:40]!r}")
    for key in ("id", "name"):
        if as_str(attrs.get(key)):
            parts.append(f"{key}={as_str(attrs.get(key))[:40]!r}")
    if as_str(element.get("heading")):
        parts.append(f"under={as_str(element.get('heading'))[:40]!r}")
    return " ".join(parts)[:MAX_LINE]


def observed(step: UiStep) -> str:
    """The element as the step's fingerprint recorded it when the page was observed."""
    fp = step.fingerprint
    keys = ("role", "name", "text", "label", "testid", "placeholder", "tag", "type")
    parts = [f"{k}={as_str(fp.get(k))[:60]!r}" for k in keys if as_str(fp.get(k))]
    near = as_object(fp.get("neighbours"))
    parts += [
        f"{k}={as_str(near.get(k))[:60]!r}" for k in ("heading", "before", "after") if as_str(near.get(k))
    ]
    return ", ".join(parts) or "(no description was recorded)"


def question(step: UiStep, page_url: str, title: str, lines: Sequence[str]) -> Prompt:
    """The prompt for ``step`` on the page at ``page_url`` (its snapshot ``lines``)."""
    user = "\n".join(
        (
            f"Step: {step.description or step.action}",
            f"Action: {step.action}",
            f"Value: {step.value}",
            f"Stored locator (no longer matches): {step.locator}",
            f"The element when the page was observed: {observed(step)}",
            f"Page: {page_url} (title {title[:80]!r})",
            "Snapshot of the page's visible controls:",
            *lines,
        )
    )
    return Prompt(SYSTEM, user, "ui_step_choice", SCHEMA, max_tokens=200)


def problem(step: UiStep, count: int, answer: JsonObject) -> str:
    """What is wrong with ``answer`` ("" when it is usable) for a snapshot of ``count`` elements."""
    ref, action = as_str(answer.get("ref")).strip(), as_str(answer.get("action")).strip()
    if ref == NONE:
        return ""
    if _index(ref) is None or not 0 <= (_index(ref) or 0) < min(count, MAX_ELEMENTS):
        return f"ref {ref[:20]!r} is not an element of the snapshot"
    if action not in ACCEPTED.get(step.action, frozenset()):
        return f"action {action[:20]!r} is not one a {step.action} step may take"
    return ""


def choice(step: UiStep, answer: JsonObject) -> Choice | None:
    """The validated answer (see :func:`problem`), or None when the model found no element."""
    index = _index(as_str(answer.get("ref")).strip())
    if index is None:
        return None
    # The step's own value, when it has one: the model never decides what is typed.
    value = step.value or as_str(answer.get("value"))
    return Choice(index, as_str(answer.get("action")).strip(), value)


def _index(ref: str) -> int | None:
    if len(ref) > 1 and ref[0] == "e" and ref[1:].isdigit():
        return int(ref[1:])
    return None
