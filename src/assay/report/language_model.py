"""report.md's section on the optional language model: only when one was configured (pure)."""

from __future__ import annotations

from assay.domain.run import RunResult


def model_section(run: RunResult) -> str:
    """How the run used its model: calls, tokens, which UI steps it performed, why it was not used.
    Empty without a model, so a run without one reads exactly as before."""
    use = run.model_use
    if use is None:
        return ""
    tier3 = [
        s.scenario_id
        for s in (run.analysis.execution_success if run.analysis else ())
        if s.tier_used == "tier3"
    ]
    lines = [
        "## Language Model",
        "",
        f"{use.name}: {use.calls} call(s), {use.tokens} token(s). Every prompt, as sent (secrets masked), "
        "is in `model-prompts.json` (from the API: `GET /workflows/{id}/model-prompts`).",
        "",
    ]
    if tier3:
        lines.append(f"Scenarios with a step the model performed (tier 3): {', '.join(tier3)}.")
        lines.append("")
    lines += [f"- {note}" for note in use.notes]
    return "\n".join(lines) + "\n"
