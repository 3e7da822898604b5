"""report.html's charts: inline SVG rendered here by pygal, so the page draws them with no script.

Each chart is a pure function of the run that returns its figure (or nothing, when the run has
no data for it). pygal builds the SVG with an XML library, so every label from the run is escaped
as XML text; :func:`_clean` then drops what the page must not carry (pygal's config script, its
comments with the render date) and turns pygal's tooltip data into ``<title>`` elements, which a
browser shows on hover without any script.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from assay.domain.findings import Finding
from assay.domain.run import RunResult
from assay.report.common import SEVERITIES, runs, severity_counts
from assay.report.endpoints import STATUS_LABELS, endpoint_rows
from assay.report.html_markup import Html, esc, join, slug, tag
from assay.report.web_run import crawl_counts, source_counts

SEVERITY_COLORS = {
    "critical": "#8b0000",
    "high": "#c0392b",
    "medium": "#f39c12",
    "low": "#e5c700",
    "info": "#5dade2",
}
RESULT_COLORS = {
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "error": "#82071e",
    "blocked": "#d4a72c",
    "skipped": "#8c959f",
    "not run": "#d0d7de",
}
ENDPOINT_COLORS = {
    "missing": "#8b0000",
    "broken": "#cf222e",
    "failing": "#f39c12",
    "blocked": "#d4a72c",
    "passing": "#1a7f37",
    "untested": "#8c959f",
}
MAX_BARS = 15  # sections, categories or hosts beyond these are summed into "other"
_WIDTH = 640


@dataclass(frozen=True)
class Figure:
    title: str
    svg: Html
    note: str  # the chart's numbers in one sentence, for a reader without the picture


def _style(colors: Sequence[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        font_family="system-ui, sans-serif",
        colors=tuple(colors),
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        value_font_size=11,
        tooltip_font_size=12,
    )


def _clean(label: str) -> Callable[[Any], Any]:
    """pygal's ``xml_filters`` entry: no script, no comment, native tooltips, an accessible name."""

    def apply(root: Any) -> Any:
        root.set("role", "img")
        root.set("aria-label", label)
        for element in list(root.iter()):
            for child in list(element):
                if not isinstance(child.tag, str) or child.tag.endswith("script"):
                    element.remove(child)
            descs = {str(c.get("class", "")).split(" ")[0]: c.text or "" for c in element if c.tag == "desc"}
            if "value" in descs:
                title = element.makeelement("title", {})
                title.text = ": ".join(t for t in (descs.get("label"), descs["value"]) if t)
                element.insert(0, title)
        return root

    return apply


def _render(chart: Any, name: str, label: str) -> Html:
    # A fixed id (pygal draws a random one) keeps the page the same from run to run; each chart's
    # CSS is scoped by it, so the ids differ between the charts of one page.
    chart.uuid = name
    chart.add_xml_filter(_clean(label))
    return Html(str(chart.render(is_unicode=True)))


def _config(colors: Sequence[str], height: int, **extra: Any) -> dict[str, Any]:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": _style(colors),
        "width": _WIDTH,
        "height": height,
        "legend_at_bottom": True,
        "truncate_label": 40,
        "margin": 12,
        **extra,
    }


def _counts_axis(top: int) -> dict[str, Any]:
    """Whole numbers on the value axis (pygal would label 0.2, 0.4… for counts of one or two)."""
    step = max(1, math.ceil(top / 8))
    return {"y_labels": list(range(0, top + step, step))}


def _capped(counts: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    if len(counts) <= MAX_BARS:
        return list(counts)
    rest = sum(n for _, n in counts[MAX_BARS - 1 :])
    return [*counts[: MAX_BARS - 1], ("other", rest)]


def severity_figure(findings: Sequence[Finding]) -> Figure | None:
    if not findings:
        return None
    counts = severity_counts(findings)
    label = "Findings by severity"
    axis = _counts_axis(max(counts.values()))
    chart = pygal.Bar(**_config(["#888"], 300, show_legend=False, print_values=True, **axis))
    chart.x_labels = list(SEVERITIES)
    chart.add("findings", [{"value": n, "color": SEVERITY_COLORS[s], "label": s} for s, n in counts.items()])
    note = ", ".join(f"{n} {s}" for s, n in counts.items())
    return Figure(label, _render(chart, "severity", label), note)


def category_figure(findings: Sequence[Finding]) -> Figure | None:
    if not findings:
        return None
    totals = _capped(Counter(f.category for f in findings).most_common())
    shown = {c for c, _ in totals}
    label = "Findings by category"
    height = 90 + 26 * len(totals)
    axis = _counts_axis(totals[0][1])
    chart = pygal.HorizontalStackedBar(
        **_config([SEVERITY_COLORS[s] for s in SEVERITIES], height, show_y_guides=False, **axis)
    )
    # pygal draws the first label at the bottom: reversed, the largest category is on top.
    upward = list(reversed(totals))
    chart.x_labels = [c for c, _ in upward]
    for severity in SEVERITIES:
        per = Counter(
            f.category if f.category in shown else "other" for f in findings if f.severity == severity
        )
        chart.add(severity, [per.get(c) or None for c, _ in upward])
    note = ", ".join(f"{c}: {n}" for c, n in totals)
    return Figure(label, _render(chart, "category", label), note)


def _spread(k: int, n: int) -> tuple[float, float]:
    """Where the k-th of n dots in one matrix cell sits, so that none hides another."""
    if n == 1:
        return 0.0, 0.0
    angle = 2 * math.pi * k / n
    return 0.28 * math.cos(angle), 0.28 * math.sin(angle)


def risk_figure(run: RunResult) -> Figure | None:
    scores = run.analysis.risk_scores if run.analysis else ()
    if not scores:
        return None
    status = {r.scenario_id: r.status for r in runs(run)}
    titles = {s.id: s.title for s in run.requirements.scenarios} if run.requirements else {}
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for score in scores:
        cells[(score.occurrence, score.severity)].append(score.scenario_id)
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for score in scores:
        cell = cells[(score.occurrence, score.severity)]
        dx, dy = _spread(cell.index(score.scenario_id), len(cell))
        result = status.get(score.scenario_id, "not run")
        text = f"{score.scenario_id} {titles.get(score.scenario_id, '')}".strip()
        series[result].append(
            {
                "value": (round(score.occurrence + dx, 3), round(score.severity + dy, 3)),
                "label": f"{text}: RPN {score.rpn} (S{score.severity} × O{score.occurrence} × "
                f"D{score.detection}), {result}",
                "xlink": {"href": f"#scenario-{slug(score.scenario_id)}"},
            }
        )
    order = [r for r in RESULT_COLORS if r in series]
    label = "Risk matrix: severity × occurrence, one dot per scenario"
    chart = pygal.XY(
        **_config(
            [RESULT_COLORS[r] for r in order],
            420,
            stroke=False,
            dots_size=5,
            range=(0, 10.5),
            xrange=(0, 10.5),
            x_title="occurrence (1-10)",
            y_title="severity (1-10)",
            show_x_guides=True,
        )
    )
    for result in order:
        chart.add(result, series[result])
    high = sum(1 for s in scores if s.severity >= 7 and s.occurrence >= 7)
    note = f"{len(scores)} scenario(s) scored; {high} in the high-severity, high-occurrence corner."
    return Figure(label, _render(chart, "risk", label), note)


def sections_figure(run: RunResult) -> Figure | None:
    """Scenario results per feature (the report's sections), not-executed scenarios included."""
    scenarios = run.requirements.scenarios if run.requirements else ()
    status = {r.scenario_id: r.status for r in runs(run)}
    if not status:
        return None
    feature = {s.id: s.feature for s in scenarios}
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for sid in dict.fromkeys([*(s.id for s in scenarios), *status]):
        per[feature.get(sid, "Other")][status.get(sid, "not run")] += 1
    totals = _capped(sorted(((f, sum(c.values())) for f, c in per.items()), key=lambda t: (-t[1], t[0])))
    names = [f for f, _ in totals]
    for f in list(per):
        if f not in names:
            per["other"].update(per.pop(f))
    order = [r for r in RESULT_COLORS if any(per[f][r] for f in names)]
    label = "Scenario results by section"
    axis = _counts_axis(totals[0][1])
    chart = pygal.HorizontalStackedBar(
        **_config([RESULT_COLORS[r] for r in order], 90 + 26 * len(names), show_y_guides=False, **axis)
    )
    upward = list(reversed(names))
    chart.x_labels = upward
    for result in order:
        chart.add(result, [per[f][result] or None for f in upward])
    passed = sum(per[f]["passed"] for f in names)
    note = f"{passed} of {sum(n for _, n in totals)} scenario(s) passed across {len(names)} section(s)."
    return Figure(label, _render(chart, "sections", label), note)


def endpoint_label(status: str) -> str:
    """A status label without its emoji (an SVG font may lack it)."""
    return STATUS_LABELS[status].split(" ", 1)[-1]


def endpoint_figure(run: RunResult) -> Figure | None:
    counts: Counter[str] = Counter(r.status for r in endpoint_rows(run))
    if not counts:
        return None
    present = [s for s in reversed(ENDPOINT_COLORS) if counts[s]]
    label = "Endpoint status"
    axis = _counts_axis(max(counts.values()))
    chart = pygal.HorizontalBar(
        **_config(["#888"], 80 + 30 * len(present), show_legend=False, print_values=True, **axis)
    )
    chart.x_labels = [endpoint_label(s) for s in present]
    chart.add("endpoints", [{"value": counts[s], "color": ENDPOINT_COLORS[s]} for s in present])
    note = ", ".join(f"{counts[s]} {endpoint_label(s).lower()}" for s in reversed(present))
    return Figure(label, _render(chart, "endpoints", label), note)


def crawl_figure(run: RunResult) -> Figure | None:
    rows = source_counts(run)
    if not rows:
        return None
    counts = crawl_counts(run)
    label = "Crawl coverage: URLs by where they were found"
    rows = list(reversed(rows))
    axis = _counts_axis(max(found for _, found, _, _ in rows))
    chart = pygal.HorizontalBar(
        **_config(["#8c959f", "#0969da", "#1a7f37"], 110 + 34 * len(rows), show_y_guides=False, **axis)
    )
    chart.x_labels = [source for source, *_ in rows]
    chart.add("found", [found for _, found, _, _ in rows])
    chart.add("fetched", [fetched for _, _, fetched, _ in rows])
    chart.add("opened as pages", [opened for _, _, _, opened in rows])
    note = (
        f"{counts.pages} page(s) visited, {counts.routes} distinct route(s), "
        f"{sum(found for _, found, _, _ in rows)} URL(s) found on the target's origin."
    )
    return Figure(label, _render(chart, "crawl", label), note)


def blocked_figure(run: RunResult) -> Figure | None:
    hosts = run.observation.blocked_hosts if run.observation else ()
    if not hosts:
        return None
    totals = _capped(sorted(((b.host, b.requests) for b in hosts), key=lambda t: (-t[1], t[0])))
    label = "Blocked third-party hosts (requests aborted)"
    axis = _counts_axis(totals[0][1])
    chart = pygal.HorizontalBar(
        **_config(["#8c959f"], 80 + 30 * len(totals), show_legend=False, print_values=True, **axis)
    )
    upward = list(reversed(totals))
    chart.x_labels = [host for host, _ in upward]
    chart.add("requests", [n for _, n in upward])
    note = f"{len(hosts)} host(s) kept out; they are not faults of the target."
    return Figure(label, _render(chart, "blocked", label), note)


def figure_html(figure: Figure) -> Html:
    return Html(f"<figure>{tag('figcaption', figure.title)}{figure.svg}{tag('p', figure.note)}</figure>")


def charts(run: RunResult) -> Html:
    """Every chart the run has data for, in the order a reader asks: how bad, where, how risky."""
    figures = [
        severity_figure(run.findings),
        category_figure(run.findings),
        risk_figure(run),
        sections_figure(run),
        endpoint_figure(run),
        crawl_figure(run),
        blocked_figure(run),
    ]
    shown = [f for f in figures if f is not None]
    if not shown:
        return esc("")
    return Html(f'<div class="charts">{join(figure_html(f) for f in shown)}</div>')
