"""The action policy's verdicts on a crawl's forms and buttons, and the one note that sums up what
was left alone (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.observation.web.crawler import PageVisit
from assay.domain.action_safety import ActionPolicy, Verdict, judge_button, judge_form
from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.pages.extract import path_of
from assay.pages.form_facts import button_control, form_from_json

_WHAT = {
    "edit": "would change an existing object",
    "dangerous": "delete or reset",
    "unclear": "change something unclear",
    "off_origin": "submit to another origin",
    "leave": "end the session",
}
_NEVER = ("off_origin", "leave")  # refused whatever --destructive says


def judged_structure(page_url: str, structure: JsonObject, policy: ActionPolicy) -> JsonObject:
    """``structure`` with each form's ``verdict`` (kind, allowed, reason)."""
    forms: list[Json] = []
    for raw in as_list(structure.get("forms")):
        form = dict(as_object(raw))
        verdict = judge_form(form_from_json(page_url, form), policy)
        form["verdict"] = {"kind": verdict.kind, "allowed": verdict.allowed, "reason": verdict.reason}
        forms.append(form)
    return {**structure, "forms": forms} if "forms" in structure else dict(structure)


def refusal_note(visits: Sequence[PageVisit], policy: ActionPolicy) -> str:
    """One line: how many forms and buttons were not used, by reason, with a few examples."""
    refused: dict[str, list[str]] = {}
    for visit in visits:
        for what, verdict in _verdicts(visit, policy):
            if not verdict.allowed:
                refused.setdefault(verdict.kind, []).append(f"{what} on {visit.facts.path}")
    if not refused:
        return ""
    parts = []
    for kind, items in sorted(refused.items(), key=lambda kv: kv[0] in _NEVER):
        shown = ", ".join(dict.fromkeys(items[:3])) + (", …" if len(items) > 3 else "")
        never = " (never)" if kind in _NEVER else ""
        parts.append(f"{len(items)} that {_WHAT.get(kind, kind)}{never}: {shown}")
    allow = "" if policy.destructive else "; --destructive allows those assay did not create"
    return f"forms and buttons not submitted or clicked — {'; '.join(parts)}{allow}"


def _verdicts(visit: PageVisit, policy: ActionPolicy) -> list[tuple[str, Verdict]]:
    out: list[tuple[str, Verdict]] = []
    for raw in as_list(visit.extract.structure.get("forms")):
        form = as_object(raw)
        label = as_str(form.get("submit")) or path_of(as_str(as_object(form.get("facts")).get("action")))
        out.append((f"form {label!r}", judge_form(form_from_json(visit.facts.url, form), policy)))
    for element in visit.extract.elements:
        if element.role == "button" and element.tag == "button" and not element.fingerprint.get("form"):
            control = button_control(element.name, element.fingerprint)
            out.append((f"button {element.name!r}", judge_button(control, visit.facts.url, policy)))
    return out
