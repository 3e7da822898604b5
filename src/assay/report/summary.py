"""The few closing lines the CLI prints after a run."""

from __future__ import annotations

from collections import Counter

from assay.domain.baseline import MARK_WORDS
from assay.domain.findings import SEVERITY_ORDER
from assay.domain.limits import MAX_BODY_BYTES, MAX_RETAINED_BYTES
from assay.domain.partial import partial_line, skipped
from assay.domain.run import RunResult
from assay.domain.verdict import coverage, cut_responses, incomplete_reasons, untested_line
from assay.report.baseline import baseline_summary_lines, comparison
from assay.report.common import tally
from assay.report.trust import by_severity_and_proof


def _family_lines(counts: dict[str, int]) -> list[str]:
    """The security families' requests, a few per line: ``security: 120 requests (injection 40, ...)``."""
    if not counts:
        return []
    parts = [f"{family} {n}" for family, n in counts.items()]
    rows = [", ".join(parts[i : i + 6]) for i in range(0, len(parts), 6)]
    return [f"security: {sum(counts.values())} requests by family:", *(f"  {row}" for row in rows)]


def summary_lines(run: RunResult) -> list[str]:
    lines: list[str] = []
    obs = run.observation
    if obs is not None:
        where = obs.spec_location or "no spec found"
        ops = len(obs.api.operations) if obs.api else 0
        lines.append(f"observation: {ops} operations ({where}); {obs.requests_sent} requests")
    if run.requirements is not None:
        cov = run.requirements.coverage
        lines.append(
            f"requirements: {len(run.requirements.scenarios)} scenarios; "
            f"{cov.operations_covered}/{cov.operations_total} operations covered"
        )
    if run.analysis is not None:
        lines.append(f"analysis: {tally(run).line()}; {run.analysis.requests_sent} requests")
        lines.extend(_family_lines(run.analysis.family_requests))
    if run.evolution is not None:
        lines.append(f"evolution: {len(run.evolution.test_cases)} tests generated")
    counts = Counter(f.severity for f in run.findings)
    ordered = sorted(counts.items(), key=lambda kv: -SEVERITY_ORDER[kv[0]])
    listing = ", ".join(f"{n} {sev}" for sev, n in ordered) or "none"
    lines.append(f"findings: {len(run.findings)} ({listing})")
    lines.extend(finding_lines(run))
    return lines + limit_lines(run) + partial_lines(run) + verdict_lines(run)


def finding_lines(run: RunResult) -> list[str]:
    """Every finding, one line each, most severe first (a CI log is the only place some read them),
    with its baseline mark; then the baseline's findings absent now."""
    marked = comparison(run)
    lines = []
    for f in by_severity_and_proof(run.findings):
        mark = f" [{MARK_WORDS[marked.mark_of(f)]}]" if marked else ""
        lines.append(f"  [{f.severity}] {f.category}: {f.method} {f.path} — {f.title}{mark}")
    return lines + (baseline_summary_lines(marked) if marked else [])


def limit_lines(run: RunResult) -> list[str]:
    """Bounds assay applied to what the target sent (a hostile target must not exhaust it)."""
    cut = cut_responses(run.exchanges)
    if not cut:
        return []
    each, per_run = MAX_BODY_BYTES // 1_000_000, MAX_RETAINED_BYTES // 1_000_000
    caps = f"{each} MB each, {per_run} MB of big bodies per run"
    return [f"limits: {cut} response(s) cut at assay's body limits ({caps}): kept as evidence, not judged"]


def partial_lines(run: RunResult) -> list[str]:
    """PARTIAL and what the time budget cut (domain.partial); nothing when the run did all it planned."""
    items = skipped(run)
    if not items:
        return []
    shown = [f"  - {s.line()}" for s in items[:_SHOWN]]
    rest = len(items) - _SHOWN
    more = [f"  - and {rest} more (findings.json lists them all)"] if rest > 0 else []
    return [partial_line(items), *shown, *more]


_SHOWN = 10  # skipped items named on the console before they are counted


def verdict_lines(run: RunResult) -> list[str]:
    """INCONCLUSIVE with what was and was not tested, when the run could not do what it planned."""
    reasons = incomplete_reasons(run)
    if not reasons:
        return []
    cov = coverage(run)
    lines = ["INCONCLUSIVE: the run could not do all it planned; its findings are not the whole story:"]
    lines += [f"  - {reason}" for reason in reasons]
    lines.append(f"tested: {'; '.join(cov.tested)}")
    untested = untested_line(cov)
    if untested:
        lines.append(f"not tested (no answer): {untested}")
    return lines
