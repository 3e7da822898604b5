"""report.md: the findings report a QA engineer would write by hand, from one run."""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import Finding
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.partial import partial_line, skipped
from assay.domain.redaction import redact_secrets
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario
from assay.domain.verdict import coverage, incomplete_reasons, stopped_short, untested_line
from assay.report.baseline import baseline_section
from assay.report.blocked import blocked_section
from assay.report.common import (
    by_severity,
    observed_status,
    operation_of,
    requests_sent,
    runs,
    severity_counts,
    tally,
)
from assay.report.endpoints import endpoint_rows, render_endpoint_tables
from assay.report.instruction import instruction_section
from assay.report.language_model import model_section
from assay.report.markdown_sections import (
    coverage_section,
    recommendations_section,
    redirects_section,
    running_section,
    schema_section,
    security_section,
    spec_quality_section,
)
from assay.report.trust import (
    by_severity_and_proof,
    declared_public,
    is_flaky,
    limited_run,
    own_limitation,
    summary_findings,
)
from assay.report.web_run import crawl_section, is_web_run, web_running_section

RULE = "\n---\n\n"


def _date(stamp: str) -> str:
    return stamp[:10] if len(stamp) >= 10 else stamp or "unknown"


def header(run: RunResult) -> str:
    lines = [f"# assay report: {run.target}", f"**Date**: {_date(run.started_at)}"]
    lines.append(f"**Target**: {run.target}")
    obs = run.observation
    if obs and obs.api:
        where = f" (spec: {obs.spec_location})" if obs.spec_location else " (no spec; built from probing)"
        lines.append(f"**API**: {obs.api.title} {obs.api.version}".rstrip() + where)
    if is_web_run(run) and obs:
        lines.append(f"**Web app**: {len(obs.pages)} page(s) crawled in the browser (no API description)")
    lines.append(
        f"**Run**: {run.started_at} → {run.finished_at or 'unfinished'}, {requests_sent(run)} requests sent"
    )
    if run.evolution:
        cases = run.evolution.test_cases
        ui = sum(1 for c in cases if c.framework == "pytest-playwright")
        split = f": {ui} browser tests in `tests/ui/`, {len(cases) - ui} HTTP tests" if ui else ""
        lines.append(f"**Generated tests**: `tests/` ({len(cases)} tests{split})")
    return "\n\n".join(lines) + "\n"


def verdict(run: RunResult) -> str:
    """One paragraph that says whether the target is healthy and what to do first.

    It names only proven findings (flaky ones are out), most severe and best proven first, and
    never leads with an operation the spec declares public.
    """
    leading = summary_findings(run)
    counts = severity_counts(leading)
    urgent = [f for f in leading if f.severity in ("critical", "high")]
    parts: list[str] = []
    if run.error:
        parts.append(f"The run did not complete ({run.error}); the results below are partial.")
    if run.cancelled:
        parts.append("The run was cancelled; the results below are partial.")
    if urgent:
        names = "; ".join(f"{f.title} (`{operation_of(f)}`)" for f in urgent[:3])
        parts.append(
            f"{counts['critical']} critical and {counts['high']} high-severity issue(s) "
            f"need attention first: {names}."
        )
    elif run.findings:
        parts.append(
            "No critical or high-severity issue was found; "
            "the findings below are about correctness and conventions."
        )
    elif not incomplete_reasons(run):
        parts.append("No issue was found in what was tested.")
    rest = len(leading) - len(urgent)
    if urgent and rest:
        parts.append(f"{rest} further finding(s) of lower severity are listed below.")
    return " ".join([*parts, *_set_aside(run)])


def _set_aside(run: RunResult) -> list[str]:
    """What the summary leaves out on purpose, said in one sentence each."""
    api = run.observation.api if run.observation else None
    flaky = [f for f in run.findings if is_flaky(f)]
    public = [f for f in run.findings if declared_public(f, api) and not is_flaky(f)]
    out: list[str] = []
    if flaky:
        out.append(
            f"{len(flaky)} finding(s) did not reproduce on a fresh connection; they are listed below "
            "as intermittent and left out of this summary."
        )
    if public:
        out.append(
            f"{len(public)} operation(s) answering without credentials are declared public by the spec; "
            "they are listed below to verify the design, not as a bypass."
        )
    return out


def executive_summary(run: RunResult) -> str:
    t = tally(run)
    counts = severity_counts(run.findings)
    lines = ["## Executive Summary"]
    lines.append(f"**Test Results**: {t.line()}")
    lines.append(
        "**Findings**: "
        + ", ".join(f"{n} {sev}" for sev, n in counts.items())
        + f" ({len(run.findings)} in total)"
    )
    return "\n\n".join([*lines, *partial_block(run), *inconclusive_lines(run), verdict(run)]) + "\n"


def partial_block(run: RunResult) -> list[str]:
    """**PARTIAL** and what the time budget cut (domain.partial); nothing when the run did all it planned."""
    items = skipped(run)
    if not items:
        return []
    listed = "\n".join(f"- {s.line()}" for s in items)
    return [f"**Verdict**: ⚠️ **{partial_line(items)}**. What was skipped:\n\n{listed}"]


def inconclusive_lines(run: RunResult) -> list[str]:
    """INCONCLUSIVE, why, and what was and was not tested; nothing when the run did what it planned."""
    reasons = incomplete_reasons(run)
    if not reasons:
        return []
    cov = coverage(run)
    why = "\n".join(f"- {r}" for r in reasons)
    lines = [
        "**Verdict**: ⚠️ INCONCLUSIVE. The run could not do all it planned, so the findings below "
        f"are not the whole story (no finding does not mean no fault):\n\n{why}",
        "**Tested**: " + "; ".join(cov.tested) + ".",
    ]
    untested = untested_line(cov)
    if untested:
        lines.append(f"**Not tested** (no answer from the target): {untested}.")
    return lines


def _scenarios(run: RunResult) -> dict[str, Scenario]:
    return {s.id: s for s in run.requirements.scenarios} if run.requirements else {}


def _finding_ids(run: RunResult, scenario_id: str) -> list[Finding]:
    return [f for f in run.findings if f.scenario_id == scenario_id]


def _failure_lines(run: RunResult, scenario_id: str, message: str) -> list[str]:
    tied = _finding_ids(run, scenario_id)
    lines = []
    if tied:
        worst = by_severity(tied)[0]
        lines.append(f"   - **Severity**: {worst.severity.capitalize()}")
        lines.append(f"   - **Findings**: {', '.join(f.id or f.title for f in tied)}")
        if worst.impact:
            lines.append(f"   - **Impact**: {worst.impact}")
    if message:
        lines.append(f"   - **Details**: {message}")
    return lines


def _feature(scenarios: dict[str, Scenario], scenario_id: str) -> str:
    return scenarios[scenario_id].feature if scenario_id in scenarios else "Other"


def _title(scenarios: dict[str, Scenario], scenario_id: str) -> str:
    return scenarios[scenario_id].title if scenario_id in scenarios else ""


def _passing(results: Sequence[ScenarioRun], scenarios: dict[str, Scenario]) -> list[str]:
    lines: list[str] = []
    number = 0
    for feature in dict.fromkeys(_feature(scenarios, r.scenario_id) for r in results):
        in_feature = [r for r in results if _feature(scenarios, r.scenario_id) == feature]
        ok = [r for r in in_feature if r.status == "passed"]
        if ok:
            lines += [f"#### {feature} ({len(ok)}/{len(in_feature)})", ""]
            for r in ok:
                number += 1
                lines.append(f"{number}. ✅ {r.scenario_id} {_title(scenarios, r.scenario_id)}".rstrip())
            lines.append("")
    return lines


def _failing(
    run: RunResult, failing: Sequence[ScenarioRun], scenarios: dict[str, Scenario], start: int
) -> list[str]:
    lines: list[str] = []
    for number, r in enumerate(failing, start=start):
        failed = [s for s in r.steps if not s.passed]
        status = f" - HTTP {failed[0].status}" if failed and failed[0].status else ""
        lines.append(f"{number}. ❌ **{r.scenario_id} {_title(scenarios, r.scenario_id)}**{status}")
        lines += _failure_lines(run, r.scenario_id, failed[0].message if failed else "")
    return lines


def test_results(run: RunResult) -> str:
    """Passing and failing scenarios, numbered, grouped by feature like a hand-written run log."""
    scenarios = _scenarios(run)
    results = runs(run)
    if not results:
        return "## Test Results\n\nNo scenario was executed (execution was off or the run stopped early).\n"
    passing = [r for r in results if r.status == "passed"]
    limits = {r.scenario_id: why for r in results if r.status == "failed" and (why := limited_run(run, r))}
    failing = [r for r in results if r.status in ("failed", "error") and r.scenario_id not in limits]
    blocked = [r for r in results if r.status in ("blocked", "skipped")]
    lines = ["## Test Results", "", f"### ✅ Passing Tests ({len(passing)})", ""]
    lines += _passing(results, scenarios)
    lines += [f"### ❌ Failing Tests ({len(failing)})", ""]
    lines += _failing(run, failing, scenarios, len(passing) + 1)
    limited = [r for r in results if r.scenario_id in limits]
    limited += [r for r in blocked if own_limitation(r.blocked_by)]
    blocked = [r for r in blocked if r not in limited]
    number = len(passing) + len(failing)
    for title, items in (
        (f"### ⚠️ Blocked or Skipped ({len(blocked)})", blocked),
        (f"### ➖ Not Run: assay's own limits ({len(limited)})", limited),
    ):
        if items:
            lines += ["", title, ""]
        for r in items:
            number += 1
            name = _title(scenarios, r.scenario_id)
            why = limits.get(r.scenario_id) or r.blocked_by or r.status
            lines.append(f"{number}. ⚠️ {r.scenario_id} {name} — {why}")
    if limited:
        lines += ["", "These say nothing about the target: assay could not run them (see the reason)."]
    return "\n".join(lines).rstrip("\n") + "\n"


def _issue(number: int, finding: Finding) -> str:
    status = observed_status(finding)
    lines = [
        f"### {number}. {finding.title} ({finding.severity.capitalize()})",
        "",
        f"**Endpoint**: `{operation_of(finding)}`",
        "",
        f"**Category**: `{finding.category}` · **ID**: {finding.id or '—'}"
        + (f" · **Scenario**: {finding.scenario_id}" if finding.scenario_id else ""),
        "",
    ]
    if status is not None:
        lines += [f"**Status**: Returns HTTP {status}", ""]
    behaviours = behaviours_of(finding)
    lines += [f"**Impact**: {finding.impact or _default_impact(finding)}", ""]
    if behaviours:
        lines += _behaviours(behaviours)
        lines += [f"**Recommended Fix**: {finding.recommendation}", ""] if finding.recommendation else []
        return "\n".join(lines)
    lines += [f"**Details**: {finding.detail}", ""]
    if finding.occurrences > 1 or finding.flaky:
        flaky = " (intermittent)" if finding.flaky else ""
        lines += [f"**Occurrences**: {finding.occurrences}{flaky}", ""]
    if finding.reproduce:
        lines += ["**Reproduction**:", "```bash", finding.reproduce, "```", ""]
    if finding.recommendation:
        lines += ["**Recommended Fix**:", "", finding.recommendation, ""]
    return "\n".join(lines)


def behaviours_of(finding: Finding) -> list[JsonObject]:
    """A ui_functional finding's broken behaviours, each with its own steps and proof."""
    if finding.category != "ui_functional":
        return []
    listed = as_list(finding.evidence.get("behaviours"))
    return [as_object(b) for b in listed] if listed else [dict(finding.evidence, title=finding.title)]


def _behaviours(behaviours: Sequence[JsonObject]) -> list[str]:
    """Each behaviour as a product owner reads it: what was done, expected, seen, and the pictures."""
    lines = []
    for number, behaviour in enumerate(behaviours, 1):
        title = as_str(behaviour.get("title")).removesuffix(": it does not")
        lines += [f"**{number}. {title}** (scenario {as_str(behaviour.get('scenario')) or '—'})", ""]
        lines += [f"{i}. {as_str(step)}" for i, step in enumerate(as_list(behaviour.get("steps")), 1)]
        lines += ["", f"- **Expected**: {as_str(behaviour.get('expectation'))}"]
        lines += [f"- **Observed**: {as_str(behaviour.get('observed')).split(': ', 1)[-1]}"]
        shots = [(k, as_str(behaviour.get(f"screenshot_{k}"))) for k in ("before", "after")]
        shown = [f"[{k}]({_relative(path)})" for k, path in shots if path]
        lines += [f"- **Screenshots**: {', '.join(shown)}"] if shown else []
        lines.append("")
    return lines


def _relative(path: str) -> str:
    """A screenshot path as the report beside the screenshots folder links it."""
    marker = "/screenshots/"
    return "screenshots/" + path.split(marker, 1)[1] if marker in path else path


def _default_impact(finding: Finding) -> str:
    words = {
        "critical": "Critical - the feature is broken for every user",
        "high": "High - a real fault users or attackers will hit",
        "medium": "Medium - clients must work around it",
        "low": "Low - functionality works, conventions are off",
        "info": "Very low - worth knowing, nothing is broken",
    }
    return words[finding.severity]


def identified_issues(findings: Sequence[Finding], stopped: str | None = None) -> str:
    if not findings and stopped:
        return f"## Identified Issues\n\nNone found, and none could be: {stopped}. This is no clean bill.\n"
    if not findings:
        return "## Identified Issues\n\nNone.\n"
    issues = [_issue(i, f) for i, f in enumerate(by_severity_and_proof(findings), start=1)]
    return "## Identified Issues\n\n" + "\n".join(issues).rstrip("\n") + "\n"


def endpoint_section(run: RunResult) -> str:
    title = "## Page Status" if is_web_run(run) else "## Endpoint Status"
    return f"{title}\n\n" + render_endpoint_tables(endpoint_rows(run))


def _coverage_sections(run: RunResult) -> list[str]:
    """What was covered: for a web run the crawl and the browser checks, never the empty API
    coverage; otherwise the API's. The blocked third-party hosts close either."""
    if is_web_run(run):
        return [crawl_section(run), security_section(run), blocked_section(run)]
    return [coverage_section(run), security_section(run), blocked_section(run)]


def render_markdown(run: RunResult) -> str:
    """The whole report; every value of ``run.secrets`` is redacted as the last step."""
    sections = [
        header(run),
        executive_summary(run),
        test_results(run),
        identified_issues(run.findings, stopped_short(run)),
        baseline_section(run),
        redirects_section(run.findings),
        schema_section(run.findings),
        endpoint_section(run),
        spec_quality_section(run),
        instruction_section(run),
        model_section(run),
        *_coverage_sections(run),
        recommendations_section(run),
        web_running_section(run) if is_web_run(run) else running_section(run),
    ]
    text = RULE.join(s.rstrip("\n") + "\n" for s in sections if s)
    return redact_secrets(text, run.secrets)
