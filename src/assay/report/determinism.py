"""Are two runs the same? The pure comparison behind "same target state + same command → same
findings" (issue 13).

Two findings.json documents agree when they hold the same set of (category, method, path,
severity, title) and each finding carries the same evidence once what legitimately changes from
run to run is set aside: times (durations, dates, timestamps), the unique tokens and UUIDs assay
puts in names and e-mails, the ids the target gave the objects assay created (in paths and
``id`` fields), and the target's own address (a restarted server may listen on another port).
Anything else that differs is a determinism bug, and :func:`compare_runs` names it.

Findings whose proof says the outcome depends on the moment (``timing``: races, slowness,
exhaustion; ``flaky``: seen once, not again on replay) are compared apart: they say so
themselves and carry their measurements, so they are listed but do not make runs disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from assay.domain.json import Json, JsonObject, as_list, as_object, as_str

Signature = tuple[str, str, str, str, str]  # category, method, path, severity, title

# Evidence keys whose values are measurements or run bookkeeping, not facts about the fault.
_VOLATILE_KEYS = frozenset(
    {
        "elapsed_seconds",
        "median_seconds",
        "baseline_seconds",
        "loop_lag_seconds",
        "max_seconds",
        "timings",
        "burst_seconds",
        "started_at",
        "finished_at",
        "timestamp",
    }
)
_VOLATILE_HEADERS = frozenset(
    {"date", "server-timing", "etag", "last-modified", "x-request-id", "content-length", "expires", "age"}
)
_ID_KEY = re.compile(r"^(id|uuid|.+_id|.+Id)$")
_SCRUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    # execution.placeholders.new_unique: a letter then nine lowercase letters or digits.
    (re.compile(r"(?<![A-Za-z0-9])[a-z][a-z0-9]{9}(?![A-Za-z0-9])"), "<unique>"),
    (re.compile(r"(?<=/)\d+(?=/|$|\?|\s|\")"), "<n>"),  # object ids in paths
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b"), "<duration>"),
)


UNSTABLE_PROOFS = frozenset({"timing", "flaky"})


def scrub_text(text: str, target: str = "") -> str:
    """``text`` with the target's address, times, unique tokens, UUIDs and path ids as markers."""
    if target:
        netloc = target.split("://", 1)[-1].rstrip("/")
        text = text.replace(target.rstrip("/"), "<target>").replace(netloc, "<target>")
    for pattern, marker in _SCRUBS:
        text = pattern.sub(marker, text)
    return text


def stable(value: Json, key: str = "", target: str = "") -> Json:
    """``value`` (evidence) without what legitimately differs between two runs."""
    if isinstance(value, dict):
        out: JsonObject = {}
        for name, item in value.items():
            lowered = name.lower()
            if lowered in _VOLATILE_KEYS or (key == "headers" and lowered in _VOLATILE_HEADERS):
                continue
            out[name] = stable(item, name, target)
        return out
    if isinstance(value, list):
        return [stable(item, key, target) for item in value]
    if isinstance(value, str):
        return scrub_text(value, target)
    if isinstance(value, int | float) and not isinstance(value, bool) and _ID_KEY.match(key):
        return "<id>"
    return value


def signature(finding: Mapping[str, Json]) -> Signature:
    """What must be equal across runs: category, method, path, severity and title."""
    keys = ("category", "method", "path", "severity", "title")
    return tuple(scrub_text(as_str(finding.get(k))) for k in keys)  # type: ignore[return-value]


def _by_signature(document: Mapping[str, Json], proofs: frozenset[str] | None) -> dict[Signature, Json]:
    """Signature -> stable evidence of the findings whose proof is (not, for None) unstable."""
    target = as_str(document.get("target"))
    found: dict[Signature, Json] = {}
    for item in as_list(document.get("findings")):
        finding = as_object(item)
        unstable = as_str(finding.get("proof")) in UNSTABLE_PROOFS
        if unstable != (proofs is not None):
            continue
        found[signature(finding)] = stable(finding.get("evidence"), "evidence", target)
    return found


@dataclass(frozen=True)
class RunDiff:
    """How two runs' findings differ; empty everywhere when the runs agree."""

    only_first: list[Signature] = field(default_factory=list)
    only_second: list[Signature] = field(default_factory=list)
    evidence_differs: list[Signature] = field(default_factory=list)
    # Timing-dependent or flaky findings present in one run only: reported, not a disagreement.
    unstable_differs: list[Signature] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.only_first or self.only_second or self.evidence_differs)

    def describe(self) -> str:
        lines = [f"only in the first run: {s}" for s in self.only_first]
        lines += [f"only in the second run: {s}" for s in self.only_second]
        lines += [f"evidence differs: {s}" for s in self.evidence_differs]
        lines += [f"timing-dependent or flaky, in one run only: {s}" for s in self.unstable_differs]
        return "\n".join(lines) or "the runs agree"


def compare_runs(first: Mapping[str, Json], second: Mapping[str, Json]) -> RunDiff:
    """Compare two findings.json documents (see the module docstring)."""
    a, b = _by_signature(first, None), _by_signature(second, None)
    shaky = set(_by_signature(first, UNSTABLE_PROOFS)) ^ set(_by_signature(second, UNSTABLE_PROOFS))
    return RunDiff(
        only_first=sorted(set(a) - set(b)),
        only_second=sorted(set(b) - set(a)),
        evidence_differs=sorted(s for s in set(a) & set(b) if a[s] != b[s]),
        unstable_differs=sorted(shaky),
    )
