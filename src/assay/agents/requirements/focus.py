"""A user's instruction ("Focus on login and checkout") ranks scenarios by plain word matching.

Matching scenarios get ``@focus`` and come first; the rest keep their order after them. Nothing
is dropped: the coverage report says what was ranked lower.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from assay.domain.operations import Operation
from assay.domain.scenarios import CoverageItem, Scenario

FOCUS_TAG = "@focus"
_STOP_WORDS = """
a an and or the on in of to for with without please focus only test tests testing check
checks make sure api apis endpoint endpoints flow flows it its this that all more most
especially mainly mostly around about look at be is are do does should must
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class FocusResult:
    scenarios: tuple[Scenario, ...]
    terms: tuple[str, ...]
    matched: int
    notes: tuple[CoverageItem, ...]


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def focus_terms(instruction: str | None) -> tuple[str, ...]:
    """The instruction's content words, stemmed (``logins`` -> ``login``), in order, once each."""
    words = re.findall(r"[a-z0-9]+", (instruction or "").lower())
    return tuple(dict.fromkeys(_stem(w) for w in words if w not in _STOP and len(w) >= 3))


def _haystack(scenario: Scenario, ops: Mapping[str, Operation]) -> str:
    parts = [scenario.feature, scenario.title]
    for key in scenario.operations:
        op = ops.get(key)
        parts += [key] if op is None else [op.path, op.operation_id or "", op.summary, *op.tags]
    return " ".join(parts).lower().replace("_", " ").replace("-", " ")


def score(scenario: Scenario, ops: Mapping[str, Operation], terms: Sequence[str]) -> int:
    text = _haystack(scenario, ops)
    return sum(1 for t in terms if t in text)


def apply_focus(
    scenarios: Sequence[Scenario], ops: Mapping[str, Operation], instruction: str | None
) -> FocusResult:
    terms = focus_terms(instruction)
    if not terms:
        return FocusResult(tuple(scenarios), (), 0, ())
    scored = [(score(s, ops, terms), i, s) for i, s in enumerate(scenarios)]
    matched = [s for n, _, s in sorted(scored, key=lambda t: (-t[0], t[1])) if n > 0]
    rest = [s for n, _, s in scored if n == 0]
    tagged = [replace(s, tags=(*s.tags, FOCUS_TAG)) for s in matched]
    words = ", ".join(terms)
    if not matched:
        note = CoverageItem(f"focus '{instruction}'", f"no operation matched ({words}); default order kept")
    else:
        note = CoverageItem(
            f"{len(rest)} scenarios outside the focus",
            f"kept but ranked after the {len(matched)} matching {words}",
        )
    return FocusResult(tuple(tagged + rest), terms, len(matched), (note,) if rest or not matched else ())
