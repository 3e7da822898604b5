"""Whether "no issue was found" can be believed: what a run planned and could not do.

A run against a target that drops every connection finds nothing because it tested nothing; that
is INCONCLUSIVE, not clean. The rules read only the RunResult, so the CLI summary, report.md and
the exit code agree on them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.analysis import EXECUTED, ScenarioRun
from assay.domain.exchanges import Exchange
from assay.domain.run import RunResult

_NOT_RUN = "not run: "
# Skipped on purpose by assay's safety rules (resets, changes to what it did not create): listed
# as not tested with the reason, but the run did what it planned.
_BY_SAFETY_RULE = "assay's safety rule"
# How discovery and probing log each request: "GET <url> -> 200 ..." or "-> ConnectionDropped: ...".
_LOGGED = re.compile(r" -> (\d{3}\b|ConnectionDropped|TargetTimeout|TargetUnreachable|unreachable)")
_REFUSED_SPEC = re.compile(r"^GET (\S+) -> .*\(refused: (.*)\)$")
_LOGGED_KIND = {
    "ConnectionDropped": "connection dropped",
    "TargetTimeout": "timed out",
    "TargetUnreachable": "could not connect",
    "unreachable": "could not connect",
}
_LISTED = 8  # untested operations named before "and N more"


@dataclass(frozen=True)
class Coverage:
    """What was tested and what was not, in the words the summary and the report print."""

    tested: tuple[str, ...]
    untested_operations: tuple[str, ...]


def incomplete_reasons(run: RunResult) -> list[str]:
    """One line per thing the run planned but could not do; empty when the run is conclusive."""
    reasons = [*run.incomplete]
    if run.observation is not None:
        reasons.extend(run.observation.incomplete)
    if run.cancelled:
        reasons.append("the run was cancelled before it finished")
    if run.error:
        reasons.append(f"the run stopped early: {run.error}")
    reasons.extend(_unanswered(run.exchanges))
    reasons.extend(_observation_unanswered(run))
    reasons.extend(_refused_specs(run))
    reasons.extend(_not_run(run.analysis.runs if run.analysis else ()))
    reasons.extend(_nothing_tested(run))
    return list(dict.fromkeys(r.strip() for r in reasons if r.strip()))


def stopped_short(run: RunResult) -> str | None:
    """Why the run says nothing either way (it failed, was cancelled, or tested nothing); None if it ran.

    A report with no findings must not read as a clean bill when this is set.
    """
    if run.error:
        return f"the run stopped early: {run.error}"
    if run.cancelled:
        return "the run was cancelled before it finished"
    nothing = _nothing_tested(run)
    return nothing[0] if nothing else None


def is_inconclusive(run: RunResult) -> bool:
    return bool(incomplete_reasons(run))


def _refused(exchange: Exchange) -> bool:
    """Requests assay's own safety policy stopped never reached the target: not the target's doing."""
    return (exchange.error or "").startswith("refused")


def _failure_kind(error: str) -> str:
    text = error.lower()  # the transport's own wording first: a URL may hold any word
    if "connection dropped" in text:
        return "connection dropped"
    if "no answer within" in text or "timeout" in text:
        return "timed out"
    if "cannot connect" in text or "unreachable" in text:
        return "could not connect"
    return "failed"


def _unanswered(exchanges: Sequence[Exchange]) -> list[str]:
    """Most requests without an answer: the operations behind them were not really tested."""
    sent = [e for e in exchanges if not _refused(e)]
    failed = [e for e in sent if e.response is None]
    if not failed or len(failed) * 2 <= len(sent):
        return []
    kinds = Counter(_failure_kind(e.error or "") for e in failed)
    how = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    share = f"any of the {len(sent)}" if len(failed) == len(sent) else f"{len(failed)} of the {len(sent)}"
    return [f"no answer to {share} requests sent ({how}): what they were to test was not tested"]


def _observation_unanswered(run: RunResult) -> list[str]:
    """Most of observation's requests (spec discovery, probes) without an answer."""
    log = run.observation.discovery_log if run.observation else ()
    outcomes = [m.group(1) for line in log if (m := _LOGGED.search(line))]
    failed = Counter(_LOGGED_KIND[o] for o in outcomes if o in _LOGGED_KIND)
    total, missing = len(outcomes), sum(failed.values())
    if not missing or missing * 2 <= total:
        return []
    how = ", ".join(f"{n} {kind}" for kind, n in failed.most_common())
    share = f"any of its {total}" if missing == total else f"{missing} of its {total}"
    return [f"observation got no answer to {share} requests ({how}): the target could not be read"]


def _refused_specs(run: RunResult) -> list[str]:
    """A spec discovery found but refused to read (too large, alias bomb): its operations went untested."""
    if run.observation is None or run.observation.api is not None:
        return []
    found = [m for line in run.observation.discovery_log if (m := _REFUSED_SPEC.search(line))]
    return [f"the spec at {m.group(1)} was not read: {m.group(2)}" for m in found]


def _not_run(runs: Sequence[ScenarioRun]) -> list[str]:
    """Scenarios skipped (budget, cancel, a dead target) or stopped by an error of assay's own."""
    reasons: Counter[str] = Counter()
    for r in runs:
        if r.status == "skipped" and _BY_SAFETY_RULE in (r.blocked_by or ""):
            continue
        if r.status == "skipped":
            reasons[(r.blocked_by or "skipped").removeprefix(_NOT_RUN)] += 1
        elif r.status == "error" and r.blocked_by:
            reasons[r.blocked_by] += 1
    return [f"{n} of {len(runs)} scenarios not run to the end: {why}" for why, n in reasons.most_common()]


def _nothing_tested(run: RunResult) -> list[str]:
    if run.error and run.analysis is None:
        return []  # "stopped early" already says it
    runs = run.analysis.runs if run.analysis else ()
    if run.analysis is not None and not runs and not run.exchanges:
        return []  # planned without execution (--no-execute): nothing was meant to be sent
    executed = [r for r in runs if r.status in EXECUTED]
    if executed or any(e.response is not None for e in run.exchanges):
        return []
    obs = run.observation
    found = obs is not None and bool((obs.api and obs.api.operations) or obs.probes or obs.ui_elements)
    if not found:
        return ["nothing to test was found: no operation, endpoint or page element"]
    return ["nothing was tested: no scenario ran and no request got an answer"]


def coverage(run: RunResult) -> Coverage:
    """Counts of what was exercised, and the spec's operations that never got an answer."""
    runs = run.analysis.runs if run.analysis else ()
    executed = sum(1 for r in runs if r.status in EXECUTED)
    answered = [e for e in run.exchanges if e.response is not None]
    api = run.observation.api if run.observation else None
    operations = [op.key for op in api.operations] if api else []
    reached = {e.operation for e in answered if e.operation}
    tested = [
        f"{executed} of {len(runs)} scenarios executed",
        f"{len(answered)} of {len(run.exchanges)} requests answered",
    ]
    if operations:
        tested.append(f"{len(set(operations) & reached)} of {len(operations)} operations got an answer")
    return Coverage(tuple(tested), tuple(op for op in operations if op not in reached))


def untested_line(cov: Coverage) -> str:
    """``GET /a, POST /b and 3 more``; empty when every operation was answered."""
    ops = cov.untested_operations
    if not ops:
        return ""
    more = f" and {len(ops) - _LISTED} more" if len(ops) > _LISTED else ""
    return ", ".join(ops[:_LISTED]) + more


def cut_responses(exchanges: Sequence[Exchange]) -> int:
    """Responses cut at the body size cap: judged on their beginning only."""
    return sum(1 for e in exchanges if e.response is not None and e.response.truncated)
