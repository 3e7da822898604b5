"""Tier 2 of execution: find a moved element by scoring stored fingerprints (pure).

A fingerprint (see :func:`assay.pages.extract.fingerprint`) holds role, name, text, tag,
type, label, test id, placeholder, form, attributes, neighbours and CSS path. Healing may only
change which element a step acts on, never what a scenario asserts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from assay.domain.json import Json, JsonObject, as_object, as_str

THRESHOLD = 0.6
MARGIN = 0.05  # the best candidate must beat the runner-up by this much
_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("role", 0.18),
    ("name", 0.16),
    ("text", 0.08),
    ("testid", 0.08),
    ("tag", 0.05),
    ("type", 0.05),
    ("label", 0.05),
    ("form", 0.05),
    ("css", 0.05),
)
_ATTRS = ("id", "name", "class", "href", "type", "placeholder")
_NEIGHBOURS = ("before", "after", "heading")


@dataclass(frozen=True)
class Match:
    index: int
    score: float


def similarity(a: Json, b: Json) -> float:
    x, y = as_str(a).strip().lower(), as_str(b).strip().lower()
    if not x and not y:
        return 1.0
    if not x or not y:
        return 0.0
    return 1.0 if x == y else SequenceMatcher(None, x, y).ratio()


def score(stored: JsonObject, candidate: JsonObject) -> float:
    """0-1: how much ``candidate`` looks like the element ``stored`` was taken from."""
    total = sum(w * similarity(stored.get(k), candidate.get(k)) for k, w in _WEIGHTS)
    attrs_a, attrs_b = as_object(stored.get("attributes")), as_object(candidate.get("attributes"))
    keys = [k for k in _ATTRS if attrs_a.get(k) or attrs_b.get(k)]
    total += 0.1 * (
        sum(similarity(attrs_a.get(k), attrs_b.get(k)) for k in keys) / len(keys) if keys else 1.0
    )
    near_a, near_b = as_object(stored.get("neighbours")), as_object(candidate.get("neighbours"))
    total += 0.16 * sum(similarity(near_a.get(k), near_b.get(k)) for k in _NEIGHBOURS) / len(_NEIGHBOURS)
    return round(total, 3)


def best_match(stored: JsonObject, candidates: Sequence[JsonObject]) -> Match | None:
    """The candidate the stored fingerprint most likely became, or None when none is convincing."""
    scored = sorted(((score(stored, c), i) for i, c in enumerate(candidates)), reverse=True)
    if not scored or scored[0][0] < THRESHOLD:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN:
        return None
    return Match(index=scored[0][1], score=scored[0][0])
