"""The few closing lines the CLI prints after a run."""

from __future__ import annotations

from collections import Counter

from assay.domain.findings import SEVERITY_ORDER
from assay.domain.run import RunResult


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
        runs = run.analysis.runs
        passed = sum(1 for r in runs if r.status == "passed")
        rate = f"{passed / len(runs):.1%}" if runs else "n/a"
        lines.append(
            f"analysis: {len(runs)} scenarios executed, {passed} passed ({rate}); "
            f"{run.analysis.requests_sent} requests"
        )
        lines.extend(_family_lines(run.analysis.family_requests))
    if run.evolution is not None:
        lines.append(f"evolution: {len(run.evolution.test_cases)} tests generated")
    counts = Counter(f.severity for f in run.findings)
    ordered = sorted(counts.items(), key=lambda kv: -SEVERITY_ORDER[kv[0]])
    listing = ", ".join(f"{n} {sev}" for sev, n in ordered) or "none"
    lines.append(f"findings: {len(run.findings)} ({listing})")
    for f in sorted(run.findings, key=lambda f: -SEVERITY_ORDER[f.severity])[:10]:
        lines.append(f"  [{f.severity}] {f.category}: {f.method} {f.path} — {f.title}")
    return lines
