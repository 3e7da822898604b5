"""findings.json: the stable document of FINDINGS.md, plus a summary block."""

from __future__ import annotations

from assay import __version__
from assay.domain.findings import Finding, default_proof
from assay.domain.json import Json, JsonObject
from assay.domain.language_model import ModelUse
from assay.domain.partial import skipped
from assay.domain.redaction import redact_secrets, redact_strings
from assay.domain.run import RunResult
from assay.domain.verdict import incomplete_reasons
from assay.report.baseline import baseline_block, comparison
from assay.report.common import category_counts, requests_sent, severity_counts, tally


def finding_json(finding: Finding) -> JsonObject:
    """One finding with the contract's keys first, then the extra ones."""
    return {
        "id": finding.id,
        "category": finding.category,
        "severity": finding.severity,
        "method": finding.method.upper(),
        "path": finding.path,
        "title": finding.title,
        "detail": finding.detail,
        "evidence": dict(finding.evidence),
        "reproduce": finding.reproduce,
        "scenario_id": finding.scenario_id,
        "recommendation": finding.recommendation,
        "impact": finding.impact,
        "proof": finding.proof or default_proof(finding.category),
        "identity": finding.identity or "user",
        "flaky": finding.flaky,
        "occurrences": finding.occurrences,
    }


def summary(run: RunResult) -> JsonObject:
    scenarios = tally(run)
    skipped_items = skipped(run)
    by_severity: JsonObject = dict(severity_counts(run.findings))
    by_category: JsonObject = dict(category_counts(run.findings))
    return {
        "findings": len(run.findings),
        "by_severity": by_severity,
        "by_category": by_category,
        "blocking": sum(1 for f in run.findings if f.blocking),
        "scenarios": {
            "total": len(run.requirements.scenarios) if run.requirements else 0,
            "passed": scenarios.passed,
            "failed": scenarios.failed,
            "errors": scenarios.errors,
            "blocked": scenarios.blocked,
            "skipped": scenarios.skipped,
        },
        "pass_rate": round(scenarios.pass_rate, 4),
        "requests_sent": requests_sent(run),
        # domain.partial: planned work the time budget cut; never a silent shrink of a "completed" run.
        "partial": bool(skipped_items),
        "skipped": [s.to_json() for s in skipped_items],
        "tests_generated": len(run.evolution.test_cases) if run.evolution else 0,
    }


def findings_document(run: RunResult) -> JsonObject:
    """The findings.json document; run.secrets never appear in it."""
    marked = comparison(run)
    findings: list[Json] = [
        {**finding_json(f), "baseline": marked.mark_of(f)} if marked else finding_json(f)
        for f in run.findings
    ]
    document: JsonObject = {
        "assay_version": __version__,
        "target": run.target,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "findings": findings,
        "summary": summary(run),
    }
    if marked is not None:
        document["baseline"] = baseline_block(marked, len(run.findings))
    if run.error:
        document["error"] = run.error
    if run.cancelled:
        document["cancelled"] = True
    if run.model_use is not None:
        document["language_model"] = model_use_json(run.model_use)
    # The same verdict as the summary, report.md and the exit code: what the run could not do.
    reasons: list[Json] = [*incomplete_reasons(run)]
    document["inconclusive"] = bool(reasons)
    if reasons:
        document["incomplete"] = reasons
    redacted = redact_strings(document, run.secrets, redact_secrets)
    return redacted if isinstance(redacted, dict) else document


def model_use_json(use: ModelUse) -> JsonObject:
    """The model's share of the run: calls, tokens, and why it was not used where it was not."""
    notes: list[Json] = [*use.notes]
    return {"model": use.name, "calls": use.calls, "tokens": use.tokens, "notes": notes}
