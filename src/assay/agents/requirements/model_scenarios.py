"""With a language model, the user's instruction becomes scenarios over what was observed.

The model is shown the instruction and a catalogue of what the observation found: each API
operation (``op:POST /items``) and each page control (``el:/ui/settings button "Save draft"``).
It answers with scenarios, each naming the catalogue entries it uses, in order. Nothing it
names is taken on trust: a scenario naming any entry that was not observed is dropped whole (and
noted). Each kept scenario is carried out by the generated scenarios that exercise its entries
(they are tagged ``@focus`` and run first) and listed in the coverage; one that none exercises
is listed as not covered. Without a model, or when it gives nothing usable, the keyword focus
(:mod:`.focus`) decides as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.agents.model_session import ModelSession
from assay.domain.focus import FOCUS_TAG, instruction_item
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.language_model import Prompt
from assay.domain.observation import Observation
from assay.domain.scenarios import CoverageItem, RequirementsResult, Scenario

MAX_ENTRIES = 150
MAX_SCENARIOS = 8
SYSTEM = (
    "You are a QA engineer. Turn the user's instruction into at most 8 test scenarios over the "
    "application as it was observed. Each scenario uses ONLY entries of the catalogue, named exactly "
    'as written there (e.g. "op:POST /items" or \'el:/login textbox "Username"\'), in the order a '
    "tester would use them. Never invent an operation, page or control."
)
SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "scenarios": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "uses": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["title", "uses"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["scenarios"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Entry:
    """One observed thing a scenario may use: an operation key, or a control of a page."""

    key: str  # as shown to the model
    operation: str = ""  # "POST /items" for an operation
    page: str = ""  # the page of a control
    locator: str = ""  # the control's locator, as the UI steps carry it


@dataclass(frozen=True)
class ModelScenario:
    title: str
    uses: tuple[Entry, ...]


def catalogue(observation: Observation) -> list[Entry]:
    """What the model may name: every observed operation, then every observed control (bounded)."""
    ops = observation.api.operations if observation.api else ()
    entries = [Entry(f"op:{op.key}", operation=op.key) for op in ops]
    entries += [
        Entry(f'el:{e.page} {e.role or e.tag} "{e.name}"', page=e.page, locator=e.locator)
        for e in observation.ui_elements
        if e.name
    ]
    return entries[:MAX_ENTRIES]


def question(instruction: str, entries: Sequence[Entry], observation: Observation) -> Prompt:
    summaries = {op.key: op.summary for op in (observation.api.operations if observation.api else ())}
    lines = [
        f"{e.key}" + (f"  ({summaries[e.operation][:80]})" if summaries.get(e.operation) else "")
        for e in entries
    ]
    user = "\n".join((f"Instruction: {instruction}", "Catalogue:", *lines))
    return Prompt(SYSTEM, user, "instruction_scenarios", SCHEMA, max_tokens=1200)


def read_answer(answer: JsonObject, entries: Sequence[Entry]) -> tuple[list[ModelScenario], list[str]]:
    """The model's scenarios that name only observed entries, and a note per one dropped."""
    known = {e.key: e for e in entries}
    kept: list[ModelScenario] = []
    dropped: list[str] = []
    for raw in as_list(answer.get("scenarios"))[:MAX_SCENARIOS]:
        item = as_object(raw)
        title = as_str(item.get("title")).strip()[:120] or "(untitled)"
        uses = [as_str(u).strip() for u in as_list(item.get("uses"))]
        unknown = [u for u in uses if u not in known]
        if unknown or not uses:
            dropped.append(
                f"model scenario {title!r} dropped: it names {unknown[:3] or 'nothing'} (not observed)"
            )
            continue
        kept.append(ModelScenario(title, tuple(known[u] for u in uses)))
    return kept, dropped


def _exercises(scenario: Scenario, entry: Entry) -> bool:
    if entry.operation:
        return entry.operation in scenario.operations
    page = next((s.value for s in scenario.ui_steps if s.action == "goto"), "")
    return page == entry.page and any(s.locator == entry.locator for s in scenario.ui_steps)


def apply(requirements: RequirementsResult, chosen: Sequence[ModelScenario]) -> RequirementsResult:
    """``requirements`` with the scenarios that carry out ``chosen`` tagged ``@focus``, first."""
    focused: set[str] = set()
    covered: list[CoverageItem] = []
    gaps: list[CoverageItem] = []
    for wanted in chosen:
        counts = {s.id: sum(_exercises(s, e) for e in wanted.uses) for s in requirements.scenarios}
        best = max(counts.values(), default=0)
        ids = [i for i, n in counts.items() if n == best and n > 0]
        if ids:
            focused.update(ids)
            covered.append(
                instruction_item(wanted.title, f"model scenario, carried out by {', '.join(ids[:6])}")
            )
        else:
            names = ", ".join(e.key for e in wanted.uses[:4])
            gaps.append(
                instruction_item(wanted.title, f"model scenario: no generated scenario exercises {names}")
            )
    tagged = [replace(s, tags=(*s.tags, FOCUS_TAG)) if s.id in focused else s for s in requirements.scenarios]
    ordered = sorted(tagged, key=lambda s: s.id not in focused)  # stable: plan order within each
    coverage = replace(
        requirements.coverage,
        covered=(*requirements.coverage.covered, *covered),
        not_covered=(*gaps, *requirements.coverage.not_covered),
    )
    return replace(requirements, scenarios=tuple(ordered), coverage=coverage)


async def with_model(
    model: ModelSession, observation: Observation, requirements: RequirementsResult, instruction: str
) -> RequirementsResult | None:
    """``requirements`` focused by the model's scenarios, or None (then the keyword focus decides)."""
    entries = catalogue(observation)
    if not entries:
        return None
    answer = await model.ask("the instruction's scenarios", question(instruction, entries, observation))
    if answer is None:
        return None
    kept, dropped = read_answer(answer, entries)
    model.use.notes.extend(dropped)
    if not kept:
        model.use.notes.append("the model's scenarios named nothing observed: the keyword focus was kept")
        return None
    return apply(requirements, kept)
