"""report.md's "Instruction" section: what ``--instruction`` singled out, and what it named that
no scenario covers (the coverage items :mod:`assay.domain.focus` defines)."""

from __future__ import annotations

from assay.domain.focus import instruction_items, is_focused, quoted
from assay.domain.run import RunResult


def instruction_section(run: RunResult) -> str:
    """Matched terms with the number of scenarios each focused, then the uncovered clauses;
    nothing when the run had no instruction (or one without a content word)."""
    if run.requirements is None:
        return ""
    coverage = run.requirements.coverage
    matched = instruction_items(coverage.covered)
    missed = instruction_items(coverage.not_covered)
    if not matched and not missed:
        return ""
    focused = sum(1 for s in run.requirements.scenarios if is_focused(s))
    lines = [
        "## Instruction",
        "",
        f"**Focused**: {focused} scenario(s) tagged `@focus` and ranked first; the others were kept.",
    ]
    if matched:
        lines += ["", "**Matched**:", "", *(f"- {quoted(i)} → {i.reason}" for i in matched)]
    if missed:
        lines += ["", "**Parts of the instruction no scenario covers**:", ""]
        lines += [f'- "{quoted(i)}" — {i.reason}' for i in missed]
    return "\n".join(lines) + "\n"
