"""What a user's instruction singled out, in records every stage and report can read.

The Requirements agent tags the scenarios an instruction really matches with :data:`FOCUS_TAG`
and writes what it matched, and what it did not, as coverage items whose ``item`` starts with
:data:`ITEM_PREFIX`: a matched term in ``covered`` ('instruction: "search"' — "4 scenario(s)
focused"), a clause no scenario covers in ``not_covered``. They travel wherever coverage does
(results API, report.md, report.html); :func:`instruction_items` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable

from assay.domain.scenarios import CoverageItem, Scenario

FOCUS_TAG = "@focus"  # rendered "@focus" in Gherkin, a "focus" marker in the generated suite
ITEM_PREFIX = "instruction: "


def is_focused(scenario: Scenario) -> bool:
    """Tagged by the instruction (with or without the ``@`` some tags are written with)."""
    return any(t.lstrip("@") == FOCUS_TAG.lstrip("@") for t in scenario.tags)


def instruction_item(what: str, reason: str) -> CoverageItem:
    """One matched term or one uncovered clause of the instruction, quoted."""
    return CoverageItem(f'{ITEM_PREFIX}"{what}"', reason)


def instruction_items(items: Iterable[CoverageItem]) -> list[CoverageItem]:
    return [i for i in items if i.item.startswith(ITEM_PREFIX)]


def quoted(item: CoverageItem) -> str:
    """The term or clause an instruction item names, without the prefix and the quotes."""
    return item.item[len(ITEM_PREFIX) :].strip('"')
