"""report.html: report.md's content as one self-contained HTML page.

Pure and standard library only. Every value from the run (the target's answers, titles, paths,
evidence) is escaped, through one rule: a cell is text, escaped here, unless it is ``Html`` that
this module built from escaped parts. The page loads nothing and runs nothing; its
Content-Security-Policy forbids scripts, so even a value that slipped through could not run.
Secrets are redacted as the last step, in their raw and their escaped forms.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import Finding
from assay.domain.redaction import redact_secrets
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageItem
from assay.domain.verdict import coverage, incomplete_reasons, untested_line
from assay.report.common import operation_of, requests_sent, runs, severity_counts, tally
from assay.report.endpoints import STATUS_LABELS, endpoint_rows
from assay.report.markdown import verdict
from assay.report.markdown_sections import PRIORITIES, coverage_lists, security_rows
from assay.report.trust import by_severity_and_proof, is_flaky, limited_run, own_limitation

EVIDENCE_CHARS = 4000  # a finding's evidence beyond this is cut here; findings.json has all of it
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"
_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}pre{white-space:pre-wrap;word-break:break-all;background:#f7f7f7;
padding:.4rem;margin:0;font-size:13px;max-height:30rem;overflow:auto}code{background:#f3f3f3}
.critical{color:#fff;background:#8b0000}.high{color:#fff;background:#c0392b}
.medium{background:#f39c12}.low{background:#f7dc6f}.info{background:#d6eaf8}
.passed{color:#1e7e34}.failed,.error{color:#c0392b}.blocked,.skipped{color:#8a6d3b}
"""
_BACKTICKS = re.compile(r"`([^`]+)`")


class Html(str):
    """Markup built here from escaped parts: placed as is, never escaped again."""


def esc(value: object) -> Html:
    """``value`` as HTML text, with `code spans` as <code> (markdown's verdict lines use them)."""
    if isinstance(value, Html):
        return value
    return Html(_BACKTICKS.sub(r"<code>\1</code>", html.escape(str(value), quote=True)))


def tag(name: str, content: object, cls: str = "") -> Html:
    attr = f' class="{html.escape(cls, quote=True)}"' if cls else ""
    return Html(f"<{name}{attr}>{esc(content)}</{name}>")


def join(parts: Iterable[object]) -> Html:
    return Html("".join(esc(p) for p in parts))


def pre(text: str) -> Html:
    return Html(f"<pre>{html.escape(text, quote=True)}</pre>")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Html:
    head = join(tag("th", h) for h in header)
    body = join(Html(f"<tr>{join(tag('td', cell) for cell in row)}</tr>") for row in rows)
    return Html(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def bullets(items: Iterable[object], empty: str = "none") -> Html:
    listed = [tag("li", item) for item in items]
    return Html(f"<ul>{join(listed)}</ul>") if listed else tag("p", empty)


def section(title: str, *content: object) -> Html:
    return Html(f"<section>{tag('h2', title)}{join(content)}</section>")


def _header(run: RunResult) -> Html:
    facts = [("Target", run.target), ("Date", run.started_at[:10] or "unknown")]
    obs = run.observation
    if obs and obs.api:
        where = f"spec: {obs.spec_location}" if obs.spec_location else "no spec; built from probing"
        facts.append(("API", f"{obs.api.title} {obs.api.version} ({where})"))
    facts.append(
        ("Run", f"{run.started_at} → {run.finished_at or 'unfinished'}, {requests_sent(run)} requests")
    )
    if run.evolution:
        facts.append(("Generated tests", f"{len(run.evolution.test_cases)} tests"))
    items = join(Html(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>") for k, v in facts)
    return Html(f"<header>{tag('h1', f'assay report: {run.target}')}<dl>{items}</dl></header>")


def _summary(run: RunResult) -> Html:
    t = tally(run)
    rate = f"{t.pass_rate:.1%}" if t.counted else "n/a"
    results = f"{t.passed}/{t.counted} scenarios passing ({rate} pass rate)"
    if t.blocked or t.skipped:
        results += f"; {t.blocked} blocked by a failed prerequisite, {t.skipped} skipped"
    counts = severity_counts(run.findings)
    severities = table(
        [*counts, "total"],
        [[*(tag("span", n, sev if n else "") for sev, n in counts.items()), len(run.findings)]],
    )
    parts: list[object] = [tag("p", Html(f"<strong>Test results</strong>: {esc(results)}")), severities]
    reasons = incomplete_reasons(run)
    if reasons:
        cov = coverage(run)
        parts += [
            tag("p", Html("<strong>Verdict: INCONCLUSIVE.</strong> The run could not do all it planned:")),
            bullets(reasons),
            tag("p", "Tested: " + "; ".join(cov.tested) + "."),
        ]
        if untested_line(cov):
            parts.append(tag("p", f"Not tested (no answer from the target): {untested_line(cov)}."))
    parts.append(tag("p", verdict(run)))
    return section("Executive Summary", *parts)


def _run_detail(run: RunResult, result: ScenarioRun) -> tuple[str, str]:
    """(status label, why) for one scenario's row."""
    limit = limited_run(run, result) if result.status == "failed" else None
    if limit or (result.status in ("blocked", "skipped") and own_limitation(result.blocked_by)):
        return "not run: assay's own limits", limit or result.blocked_by or ""
    if result.status in ("blocked", "skipped"):
        return result.status, result.blocked_by or ""
    failed = [s for s in result.steps if not s.passed]
    tied = [f.id or f.title for f in run.findings if f.scenario_id == result.scenario_id]
    why = ""
    if failed:
        status = f"HTTP {failed[0].status}: " if failed[0].status else ""
        why = f"{failed[0].name}: {status}{failed[0].message}"
    if tied and result.status != "passed":
        why += f" (findings: {', '.join(tied)})"
    return result.status, why


def _test_results(run: RunResult) -> Html:
    results = runs(run)
    if not results:
        return section(
            "Test Results", tag("p", "No scenario was executed (execution was off or the run stopped early).")
        )
    scenarios = {s.id: s for s in run.requirements.scenarios} if run.requirements else {}
    rows = []
    for r in results:
        scenario = scenarios.get(r.scenario_id)
        label, why = _run_detail(run, r)
        steps = f"{r.passed_steps}/{r.total_steps}"
        feature, title = (scenario.feature, scenario.title) if scenario else ("Other", "")
        rows.append([r.scenario_id, feature, title, tag("span", label, r.status), steps, why])
    return section(
        "Test Results", table(["Scenario", "Feature", "Title", "Status", "Steps", "Details"], rows)
    )


def _evidence(finding: Finding) -> Html:
    if not finding.evidence:
        return Html("")
    text = json.dumps(finding.evidence, indent=2, ensure_ascii=False, default=str)
    if len(text) > EVIDENCE_CHARS:
        text = text[:EVIDENCE_CHARS] + "\n… (cut here; findings.json has the whole evidence)"
    return Html(f"<details><summary>evidence</summary>{pre(text)}</details>")


def _finding_row(finding: Finding) -> list[object]:
    what = [tag("strong", finding.title), tag("p", finding.detail)]
    if finding.impact:
        what.append(tag("p", f"Impact: {finding.impact}"))
    if finding.recommendation:
        what.append(tag("p", f"Fix: {finding.recommendation}"))
    if finding.occurrences > 1 or is_flaky(finding):
        what.append(
            tag("p", f"Occurrences: {finding.occurrences}" + (" (intermittent)" if is_flaky(finding) else ""))
        )
    return [
        finding.id or "—",
        tag("span", finding.severity, finding.severity),
        finding.category,
        tag("code", operation_of(finding)),
        join(what),
        join([_evidence(finding), pre(finding.reproduce) if finding.reproduce else ""]),
    ]


def _findings(findings: Sequence[Finding]) -> Html:
    if not findings:
        return section("Identified Issues", tag("p", "None."))
    rows = [_finding_row(f) for f in by_severity_and_proof(findings)]
    header = ["ID", "Severity", "Category", "Endpoint", "Finding", "Evidence and reproduction"]
    return section(f"Identified Issues ({len(findings)})", table(header, rows))


def _endpoints(run: RunResult) -> Html:
    rows = [
        [
            tag("code", r.operation),
            STATUS_LABELS[r.status],
            r.detail or "; ".join(r.notes),
            ", ".join(r.used_by) or "—",
            ", ".join(r.finding_ids) or "—",
        ]
        for r in endpoint_rows(run)
    ]
    if not rows:
        return section("Endpoint Status", tag("p", "No endpoints were found."))
    return section("Endpoint Status", table(["Endpoint", "Status", "Detail", "Used by", "Findings"], rows))


def _item(item: CoverageItem) -> str:
    return f"{item.item} — {item.reason}" if item.reason else item.item


def _coverage(run: RunResult) -> Html:
    if run.requirements is None:
        return Html("")
    cov = run.requirements.coverage
    tested, untested = coverage_lists(run)

    return section(
        "Test Coverage Analysis",
        tag("p", f"Operations covered: {cov.operations_covered}/{cov.operations_total} ({cov.ratio:.0%})"),
        tag("h3", "What's tested"),
        bullets(map(_item, tested), "nothing"),
        tag("h3", "What's NOT tested"),
        bullets(map(_item, untested), "nothing left out"),
    )


def _security(run: RunResult) -> Html:
    rows = security_rows(run)
    if not rows:
        return Html("")
    total = ["total", sum(n for _, n, _ in rows), ""]
    return section("Security Checks", table(["Family", "Requests", "Findings"], [*rows, total]))


def _blocked_hosts(run: RunResult) -> Html:
    hosts = run.observation.blocked_hosts if run.observation else ()
    if not hosts:
        return Html("")
    intro = (
        "assay kept the browser on the target's host; these requests of the pages were aborted (not faults)."
    )
    return section(
        "Blocked third-party resources",
        tag("p", intro),
        bullets(f"{b.host}: {b.requests} request(s)" for b in hosts),
    )


def _recommendations(run: RunResult) -> Html:
    parts: list[object] = []
    for code, title, severities in PRIORITIES:
        chosen = [f for f in by_severity_and_proof(run.findings) if f.severity in severities]
        if chosen:
            items = (
                f"{f.title} ({operation_of(f)}, {f.id or f.category})"
                + (f": {f.recommendation}" if f.recommendation else "")
                for f in chosen
            )
            parts += [tag("h3", f"{title} ({code})"), bullets(items)]
    untested = coverage_lists(run)[1]
    if untested:
        parts.append(tag("p", f"Expand test coverage: {len(untested)} area(s) are not tested yet."))
    return section("Recommendations", *(parts or [tag("p", "Nothing to fix in what was tested.")]))


def render_html(run: RunResult) -> str:
    """The whole page; every value of ``run.secrets`` is redacted as the last step."""
    body = join(
        [
            _header(run),
            _summary(run),
            _test_results(run),
            _findings(run.findings),
            _endpoints(run),
            _coverage(run),
            _security(run),
            _blocked_hosts(run),
            _recommendations(run),
        ]
    )
    title = esc(f"assay report: {run.target}")
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )
    secrets = [s for s in run.secrets if s]
    return redact_secrets(page, [*secrets, *(html.escape(s, quote=True) for s in secrets)])
