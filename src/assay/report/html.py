"""report.html: the run as one self-contained page a QA engineer would rather look at than read.

Rendered from the same RunResult and the same helpers as report.md (the tally and its one
denominator, the verdict, the endpoint table), so the two never disagree. The page loads
nothing: charts are inline SVG (``html_charts``), screenshots data: URIs, and its one script,
inline, is allowed by its hash (``html_assets``); with scripts off every section still reads.
Every value from the run is escaped (``html_markup``); secrets are redacted as the last step, in
their raw and their escaped forms.

Public: :func:`render_html` (the page) and :func:`report_body` (what goes inside ``<main>``, for
a page that embeds the same view with :data:`STYLE` and :data:`SCRIPT` from ``html_assets``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from assay.domain.partial import partial_line, skipped
from assay.domain.redaction import redact_secrets
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageItem
from assay.domain.verdict import coverage, incomplete_reasons, is_inconclusive, stopped_short, untested_line
from assay.report.common import SEVERITIES, operation_of, requests_sent, runs, severity_counts, tally
from assay.report.endpoints import STATUS_LABELS, endpoint_rows
from assay.report.html_assets import CSP, SCRIPT, SCRIPT_HASH, STYLE
from assay.report.html_charts import charts
from assay.report.html_findings import Pictures, findings_section
from assay.report.html_markup import Html, attrs, bullets, esc, join, section, table, tag
from assay.report.html_scenarios import NOT_RUN, scenarios_section
from assay.report.markdown import verdict
from assay.report.markdown_sections import PRIORITIES, coverage_lists, security_rows
from assay.report.screenshots import Shots, load_screenshots
from assay.report.trust import by_severity_and_proof
from assay.report.web_run import MAX_ROWS, crawl_counts, form_rows, is_web_run

__all__ = ["CSP", "SCRIPT", "SCRIPT_HASH", "STYLE", "render_html", "report_body"]

_CONTENTS = (
    ("summary", "Summary"),
    ("charts", "Charts"),
    ("findings", "Findings"),
    ("scenarios", "Scenarios"),
    ("endpoints", "Endpoints"),
    ("browser", "Crawl"),
    ("coverage", "Coverage"),
    ("recommendations", "Recommendations"),
)


def _header(run: RunResult) -> Html:
    facts = [("Target", run.target), ("Date", run.started_at[:10] or "unknown")]
    obs = run.observation
    if obs and obs.api:
        where = f"spec: {obs.spec_location}" if obs.spec_location else "no spec; built from probing"
        facts.append(("API", f"{obs.api.title} {obs.api.version} ({where})"))
    if is_web_run(run) and obs:
        facts.append(("Web app", f"{len(obs.pages)} page(s) crawled in the browser"))
    facts.append(
        ("Run", f"{run.started_at} → {run.finished_at or 'unfinished'}, {requests_sent(run)} requests")
    )
    if run.evolution:
        facts.append(("Generated tests", f"{len(run.evolution.test_cases)} tests in tests/"))
    items = join(Html(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>") for k, v in facts)
    return Html(f'<header class="top">{tag("h1", f"assay report: {run.target}")}<dl>{items}</dl></header>')


def _contents(run: RunResult) -> Html:
    shown = [(a, t) for a, t in _CONTENTS if a != "browser" or is_web_run(run)]
    links = join(Html(f"<a{attrs(href=f'#{a}')}>{esc(t)}</a>") for a, t in shown)
    return Html(f'<nav class="toc" aria-label="Sections">{links}</nav>')


def _headline(run: RunResult) -> Html:
    """The verdict in three words, by the rule of the exit code: high or critical, inconclusive, clean."""
    counts = severity_counts(run.findings)
    if counts["critical"] or counts["high"]:
        cls, text = "fail", f"Action needed: {counts['critical']} critical, {counts['high']} high"
    elif run.error and run.analysis is None:
        cls, text = "inconclusive", "The run did not complete"
    elif is_inconclusive(run):
        cls, text = "inconclusive", "INCONCLUSIVE: the run could not do all it planned"
    else:
        cls, text = "pass", "No high or critical finding"
    return Html(f'<div class="verdict {cls}"><strong>{esc(text)}</strong><br>{esc(verdict(run))}</div>')


def _tile(value: object, caption: str) -> Html:
    return Html(f'<div class="tile"><strong>{esc(value)}</strong><span>{esc(caption)}</span></div>')


def _summary(run: RunResult) -> Html:
    t = tally(run)
    rate = f"{t.pass_rate:.1%}" if t.counted else "n/a"
    results = t.line()  # report.md's sentence: one denominator everywhere
    counts = severity_counts(run.findings)
    rows = endpoint_rows(run)
    tiles = [
        _tile(rate, f"pass rate ({t.passed} of {t.counted} scenarios)"),
        _tile(len(run.findings), "findings: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)),
        *(_tile(counts[s], s) for s in SEVERITIES[:2]),
    ]
    if rows:
        passing = sum(1 for r in rows if r.status == "passing")
        tiles.append(_tile(f"{passing}/{len(rows)}", "endpoints passing"))
    tiles.append(_tile(requests_sent(run), "requests sent"))
    if run.evolution:
        tiles.append(_tile(len(run.evolution.test_cases), "generated tests"))
    parts: list[object] = [
        _headline(run),
        Html(f'<div class="tiles">{join(tiles)}</div>'),
        tag("p", Html(f"<strong>Test results</strong>: {esc(results)}")),
    ]
    items = skipped(run)
    if items:
        parts += [
            tag("p", Html(f"<strong>{esc(partial_line(items))}.</strong> What was skipped:")),
            bullets([s.line() for s in items]),
        ]
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
    return section("Executive Summary", *parts, anchor="summary")


def _options(field: str, label: str, values: Sequence[str]) -> Html:
    options = join([tag("option", "all", value=""), *(tag("option", v, value=v) for v in values)])
    return Html(f"<label>{esc(label)}<select{attrs(id=f'f-{field}')}>{options}</select></label>")


def _filters(run: RunResult) -> Html:
    """The filter bar: hidden until the script shows it, so it is never a dead control."""
    severities = [s for s in SEVERITIES if any(f.severity == s for f in run.findings)]
    categories = sorted({f.category for f in run.findings})
    planned = [s.id for s in run.requirements.scenarios] if run.requirements else []
    statuses = sorted({r.status for r in runs(run)} | ({NOT_RUN} if len(planned) > len(runs(run)) else set()))
    search = (
        '<label>Search findings and scenarios<input type="search" id="f-text" placeholder="text…"></label>'
    )
    return Html(
        '<div id="filters" role="search" hidden>'
        + search
        + _options("severity", "Finding severity", severities)
        + _options("category", "Finding category", categories)
        + _options("status", "Scenario result", statuses)
        + '<output id="f-count" aria-live="polite"></output></div>'
    )


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
        return section("Endpoint Status", tag("p", "No endpoints were found."), anchor="endpoints")
    header = ["Endpoint", "Status", "Detail", "Used by", "Findings"]
    return section("Endpoint Status", table(header, rows), anchor="endpoints")


def _browser(run: RunResult) -> Html:
    """What the browser saw: the pages, their routes and forms (web runs only)."""
    if not is_web_run(run) or run.observation is None:
        return Html("")
    obs = run.observation
    counts = crawl_counts(run)
    intro = (
        f"{counts.pages} page(s) visited, {counts.routes} distinct route(s), {counts.depth} level(s) deep."
    )
    pages = [
        [tag("code", p.path), p.status, p.title or p.purpose, p.depth, len(p.console_errors)]
        for p in obs.pages[:MAX_ROWS]
    ]
    parts: list[object] = [
        tag("p", intro),
        table(["Page", "Status", "Title", "Depth", "Own console errors"], pages),
    ]
    if len(obs.pages) > MAX_ROWS:
        parts.append(tag("p", f"… and {len(obs.pages) - MAX_ROWS} more (observation.json has them all)."))
    forms = form_rows(obs)
    if forms:
        parts += [tag("h3", "Forms"), table(["Page", "Form", "What assay did"], forms[:MAX_ROWS])]
    return section("What the browser saw", *parts, anchor="browser")


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
        anchor="coverage",
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
    stopped = stopped_short(run)
    if not parts and stopped:
        parts.append(tag("p", f"Make the run complete: {stopped}. Nothing can be judged until it does."))
    elif not parts:
        parts.append(tag("p", "Nothing to fix in what was tested; keep the generated suite in CI."))
    return section("Recommendations", *parts, anchor="recommendations")


def _redact(text: str, run: RunResult) -> str:
    secrets = [s for s in run.secrets if s]
    return redact_secrets(text, [*secrets, *(html.escape(s, quote=True) for s in secrets)])


def report_body(run: RunResult, *, screenshots: Shots | None = None) -> str:
    """The page's ``<main>`` content, redacted; ``screenshots`` from :func:`load_screenshots`."""
    pictures = Pictures()
    body = join(
        [
            _header(run),
            _contents(run),
            _summary(run),
            section("Charts", charts(run), anchor="charts") if run.findings or runs(run) else Html(""),
            _filters(run),
            findings_section(run, screenshots or {}, pictures),
            scenarios_section(run),
            _endpoints(run),
            _browser(run),
            _coverage(run),
            _security(run),
            _blocked_hosts(run),
            _recommendations(run),
        ]
    )
    # Pictures go in after redaction: masking a secret must never cut into an image's bytes.
    return pictures.place(_redact(body, run))


def render_html(run: RunResult, *, out_dir: Path | None = None) -> str:
    """The whole page. ``out_dir``: the run's folder, whose screenshots are embedded in the page."""
    body = report_body(run, screenshots=load_screenshots(run, out_dir))
    title = _redact(esc(f"assay report: {run.target}"), run)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main><script>{SCRIPT}</script></body></html>\n"
    )
