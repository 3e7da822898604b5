"""improve-tests with a model: add the model's assertion suggestions that survive the target.

After the re-run, each HTTP test whose scenario passed, that no open finding makes fail, and
whose last answer was recorded is a candidate. The model's suggestions for it that hold on that
answer (``agents.evolution.suggest``) are written into the test, and the suite's candidates are
run against the target with pytest: a suggestion whose assert fails is dropped and the rest run
again; a test that fails for any other reason loses all of its suggestions. What is left is run a
second time, and a test that does not pass again loses its suggestions too (a value that changes
between runs holds once). Only then is a suggestion kept: the improved test passed twice against
the target's healthy behaviour, which is the rule every improve-tests change follows.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assay.agents.evolution.suggest import Candidate, Suggested, suggest
from assay.agents.evolution.suggestions import (
    Suggestion,
    can_extend,
    failed_number,
    replaced_in_module,
    with_suggestions,
)
from assay.agents.model_session import ModelSession
from assay.domain.exchanges import Exchange
from assay.domain.suite_run import SuiteRunFailed, SuiteRunner
from assay.domain.workflow import StoredTestCase

TRAILER = "    # Suggested by the language model"
MAX_ROUNDS = 6  # a test with four suggestions needs at most five runs to find the ones that fail


@dataclass
class Strengthened:
    """Per stored test case id: its new code (only those that gained asserts), and the notes."""

    code: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def base_code(code: str) -> str:
    """``code`` without an earlier improvement's suggested asserts (what the generator wrote)."""
    at = code.find("\n" + TRAILER)
    return code if at < 0 else code[: at + 1]


def has_suggestions(code: str) -> bool:
    return ("\n" + TRAILER) in code


async def strengthen(
    session: ModelSession,
    runner: SuiteRunner,
    cases: Sequence[StoredTestCase],
    files: Mapping[str, str],
    exchanges: Sequence[Exchange],
    passed: set[str],
    base_url: str,
) -> Strengthened:
    """Ask, check and keep suggestions for ``cases`` (see the module's docstring)."""
    out = Strengthened()
    chosen = _candidates(cases, files, exchanges, passed, out.notes)
    if not chosen:
        return out
    suggested = await suggest(session, [c for c, _ in chosen])
    by_name = {c.name: s for c, s in chosen}
    _note_refused(suggested, by_name, out.notes)
    trying = {name: list(s) for name, s in suggested.kept.items() if s}
    if not trying:
        return out
    try:
        kept = await asyncio.to_thread(_survivors, runner, trying, by_name, files, base_url, out.notes)
    except SuiteRunFailed as exc:
        out.notes.append(f"assertion suggestions not checked, so none kept: {exc}")
        return out
    for name, suggestions in kept.items():
        stored = by_name[name]
        out.code[stored.id] = with_suggestions(stored.case.code, suggestions)
        said = "; ".join(s.describe() for s in suggestions)
        out.notes.append(
            f"test case {stored.id}: {len(suggestions)} assertion(s) suggested by the model added "
            f"({said}); the test passed twice against the target with them"
        )
    return out


def _candidates(
    cases: Sequence[StoredTestCase],
    files: Mapping[str, str],
    exchanges: Sequence[Exchange],
    passed: set[str],
    notes: list[str],
) -> list[tuple[Candidate, StoredTestCase]]:
    last = {e.scenario_id: e for e in exchanges if e.scenario_id and e.response is not None}
    chosen = []
    for stored in cases:
        case = stored.case
        why = ""
        if case.framework != "pytest-httpx":
            why = "assertion suggestions are made for HTTP tests only"
        elif case.scenario_id not in passed:
            why = "its scenario did not pass, so no healthy answer to check suggestions against"
        elif case.finding_ids:
            why = f"it fails while {', '.join(case.finding_ids)} is open, so it cannot pass with more asserts"
        elif has_suggestions(case.code):
            why = "it already has suggested asserts from an earlier improvement"
        elif not can_extend(case.code) or case.code not in files.get(case.file, ""):
            why = "its answer is not kept in `response`, which the suggestions assert on"
        elif case.scenario_id not in last:
            why = "its answer was not recorded"
        if why:
            notes.append(f"test case {stored.id}: no assertion suggestions: {why}")
            continue
        response = last[case.scenario_id].response
        assert response is not None  # filtered above
        chosen.append((Candidate(case.name, case.code, response), stored))
    return chosen


def _note_refused(suggested: Suggested, by_name: Mapping[str, StoredTestCase], notes: list[str]) -> None:
    for name, stored in by_name.items():
        for why in suggested.refused.get(name, [])[:4]:
            notes.append(f"test case {stored.id}: a suggestion was refused: {why}")
        if name not in suggested.asked and not suggested.refused.get(name):
            notes.append(f"test case {stored.id}: the model suggested nothing usable")
    for name, whys in suggested.refused.items():
        if name not in by_name:
            notes.append(f"the model's answer about {name[:60]!r} was ignored: {whys[0]}")


def _survivors(
    runner: SuiteRunner,
    trying: dict[str, list[Suggestion]],
    by_name: Mapping[str, StoredTestCase],
    files: Mapping[str, str],
    base_url: str,
    notes: list[str],
) -> dict[str, list[Suggestion]]:
    """The suggestions per test with which it passed against the target twice in a row."""
    passes: dict[str, int] = {}  # runs in a row the test passed with its current suggestions
    for _ in range(MAX_ROUNDS):
        pending = [name for name in trying if passes.get(name, 0) < 2]
        if not pending:
            break
        nodes = [_node(by_name[name]) for name in pending]
        results = runner.run(_suite(files, trying, by_name), nodes, base_url, {})
        for name in pending:
            outcome = results.get(_node(by_name[name]))
            if outcome is not None and outcome.passed:
                passes[name] = passes.get(name, 0) + 1
                continue
            passes[name] = 0
            _drop(trying, name, by_name[name], outcome.message if outcome else "the test did not run", notes)
    for name in trying:
        if passes.get(name, 0) < 2:
            notes.append(f"test case {by_name[name].id}: suggestions dropped: not confirmed in time")
    return {name: s for name, s in trying.items() if passes.get(name, 0) >= 2}


def _drop(
    trying: dict[str, list[Suggestion]], name: str, stored: StoredTestCase, message: str, notes: list[str]
) -> None:
    """Drop the suggestion the failure names, or all of the test's when it names none."""
    number = failed_number(message)
    if number is None or not 1 <= number <= len(trying[name]):
        notes.append(
            f"test case {stored.id}: suggestions dropped: the improved test failed ({_first_line(message)})"
        )
        del trying[name]
        return
    dropped = trying[name].pop(number - 1)
    notes.append(
        f"test case {stored.id}: a suggestion was dropped: {dropped.describe()} failed against the target"
    )
    if not trying[name]:
        del trying[name]


def _suite(
    files: Mapping[str, str], trying: Mapping[str, list[Suggestion]], by_name: Mapping[str, StoredTestCase]
) -> dict[str, str]:
    suite = dict(files)
    for name, suggestions in trying.items():
        case = by_name[name].case
        suite[case.file] = replaced_in_module(
            suite[case.file], case.code, with_suggestions(case.code, suggestions)
        )
    return suite


def _node(stored: StoredTestCase) -> str:
    return f"{stored.case.file}::{stored.case.name}"


def _first_line(message: str) -> str:
    return re.sub(r"\s+", " ", message.splitlines()[0] if message else "")[:200]
