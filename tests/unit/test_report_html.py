"""report.html: every section there, every value escaped, no secret, nothing loaded from anywhere,
the one script allowed by its hash, charts as SVG, screenshots embedded from the run's folder."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

from tests.unit.sample_run import SECRET, TOKEN, run_result

from assay.domain.evolution import EvolutionResult
from assay.domain.evolution import TestCase as SuiteCase
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.pages import BlockedHost, CrawlFacts, DiscoveredUrl, PageFacts
from assay.domain.run import RunResult
from assay.report.artifacts import write_artifacts
from assay.report.common import tally
from assay.report.html import SCRIPT, render_html, report_body
from assay.report.markdown import render_markdown

HOSTILE = "<script>alert('x')</script>"


class _Page(HTMLParser):
    """What a browser would see: tags with their attributes, the text, and each script's source."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG file (what Chromium's screenshots are), made here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def hostile_run() -> RunResult:
    run = run_result()
    first = run.findings[0]
    run.findings[0] = dataclasses.replace(
        first,
        title=f"title {HOSTILE}",
        detail='detail "quoted" & <b>bold</b>',
        category="server_error",
        evidence={"response": {"status": 500, "body": HOSTILE}, HOSTILE: "key"},
        reproduce=f"curl -X POST 'http://127.0.0.1:8000/items' -d '{HOSTILE}'",
    )
    assert run.requirements is not None
    scenarios = list(run.requirements.scenarios)
    scenarios[0] = dataclasses.replace(scenarios[0], feature=f"Items {HOSTILE}")
    run.requirements = dataclasses.replace(run.requirements, scenarios=tuple(scenarios))
    return run


def ui_finding(path: str) -> Finding:
    return Finding(
        "ui_console_error",
        "medium",
        "GET",
        "/dashboard",
        "The dashboard throws a script error",
        "Uncaught TypeError on load.",
        {
            "page": "/dashboard",
            "screenshot": path,
            "steps": ["open /dashboard", "read the console"],
            "errors": ["TypeError: x is undefined"],
        },
        scenario_id="SC-UI-001",
        id="F-0006",
    )


def test_hostile_values_are_escaped_and_only_our_script_is_in_the_page() -> None:
    page = render_html(hostile_run())
    seen = parsed(page)
    assert seen.scripts == [SCRIPT]  # one script, ours, verbatim
    assert [t for t, _ in seen.tags].count("script") == 1
    assert "<b>" not in page and "<script>alert" not in page
    text = "".join(seen.text)
    assert HOSTILE in text and 'detail "quoted" & <b>bold</b>' in text
    assert f"Items {HOSTILE}" in text  # a chart label from the run, escaped as SVG text
    pres = [html.unescape(p) for p in re.findall(r"<pre[^>]*>(.*?)</pre>", page, flags=re.S)]
    assert any("curl -X POST" in p and HOSTILE in p for p in pres)
    assert any(p.startswith("HTTP 500") and p.endswith(HOSTILE) for p in pres)  # the response as HTTP text


def test_the_csp_allows_exactly_the_inline_script_and_loads_nothing() -> None:
    page = render_html(run_result())
    seen = parsed(page)
    csp = next(a["content"] for t, a in seen.tags if t == "meta" and a.get("http-equiv"))
    assert csp is not None and "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(seen.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    for tag, attrs in seen.tags:
        assert tag not in {"link", "iframe", "object", "embed", "form", "base"}, tag
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:image/png;base64,")), (tag, name, value)
    assert not re.search(r"url\(|@import", page)  # no stylesheet reaches out either


def test_charts_are_inline_svg_rendered_by_pygal_without_scripts() -> None:
    page = render_html(run_result())
    figures = re.findall(r"<figure><figcaption>(.*?)</figcaption>(<svg.*?</svg>)", page, flags=re.S)
    captions = [c for c, _ in figures]
    assert captions[:2] == ["Findings by severity", "Findings by category"]
    assert "Risk matrix: severity × occurrence, one dot per scenario" in captions
    assert {"Scenario results by section", "Endpoint status"} <= set(captions)
    ids = [re.search(r'id="(chart-[^"]+)"', svg) for _, svg in figures]
    assert len({m.group(1) for m in ids if m}) == len(figures)  # each chart's CSS is its own
    for _, svg in figures:
        assert 'class="pygal-chart"' in svg and 'role="img"' in svg
        assert "<script" not in svg and "<!--" not in svg
    risk = next(svg for c, svg in figures if c.startswith("Risk matrix"))
    # SC-API-004 is the sample's one scored scenario: a dot linking to its row, with its numbers.
    assert 'xlink:href="#scenario-sc-api-004"' in risk
    assert "SC-API-004 Review an item: RPN 120 (S8 × O5 × D3), failed" in html.unescape(risk)
    assert render_html(run_result()) == page  # no random id or date: the same run, the same page


def test_summary_uses_report_md_s_one_denominator() -> None:
    run = run_result()
    text = "".join(parsed(render_html(run)).text)
    line = tally(run).line()  # the sentence the screen and report.md print
    assert line.startswith("3/7 scenarios passing (42.9% pass rate)")
    assert line in text and line in render_markdown(run)
    assert "Action needed: 1 critical, 0 high" in text
    for heading in ("Executive Summary", "Scenarios and Results", "Endpoint Status", "What's NOT tested"):
        assert heading in text, heading
    assert "✅ Passing" in text and "➖ Not tested" in text


def test_every_finding_is_a_card_with_its_facts_and_the_test_that_proves_it() -> None:
    run = run_result()
    test = SuiteCase("SC-API-004", "test_review_an_item", "test_reviews.py", "pytest-httpx", "", ("F-0001",))
    run.evolution = EvolutionResult((test,))
    page = render_html(run)
    cards = dict(
        re.findall(r'<article class="finding" id="finding-([^"]+)"(.*?)</article>', page, flags=re.S)
    )
    assert len(cards) == len(run.findings)
    for finding in run.findings:
        card = cards[finding.id.lower()]
        assert f'data-severity="{finding.severity}" data-category="{finding.category}"' in card
        assert f"<code>{html.escape(f'{finding.method} {finding.path}')}</code>" in card
    first = cards["f-0001"]
    assert "<code>tests/test_reviews.py::test_review_an_item</code>" in first
    assert "Check the server logs for the review handler." in first
    assert '<button type="button" class="copy" data-copy="curl-f-0001" hidden>Copy</button>' in first
    assert '<pre id="curl-f-0001">curl -X POST' in first
    assert "No generated test is tied to this finding." in cards["f-0002"]
    assert f"Identified Issues ({len(run.findings)})" in page


def test_the_scenarios_table_has_rpn_tier_and_result() -> None:
    page = render_html(run_result())
    rows = dict(re.findall(r'<tr id="scenario-([^"]+)" data-filter="scenarios"(.*?)</tr>', page, flags=re.S))
    assert len(rows) == 7
    assert 'data-status="failed"' in rows["sc-api-004"]
    assert "<td>120</td><td>8 × 5 × 3</td><td>critical</td>" in rows["sc-api-004"]
    assert "<td>tier1</td>" in rows["sc-api-001"] and 'class="passed">passed' in rows["sc-api-001"]
    assert 'data-status="blocked"' in rows["sc-api-007"]


def test_controls_are_hidden_until_the_script_shows_them() -> None:
    page = render_html(run_result())
    assert '<div id="filters" role="search" hidden>' in page
    assert '<option value="critical">critical</option>' in page  # severities present in the run
    assert '<option value="high">' not in page
    assert all(" hidden>" in b for b in re.findall(r'<button type="button" class="copy"[^>]*>', page))


def test_secrets_are_redacted_raw_and_escaped_everywhere() -> None:
    run = hostile_run()
    run.secrets = (*run.secrets, "p&ss<word>")
    run.findings[0] = dataclasses.replace(run.findings[0], detail="sent p&ss<word> as the password")
    run.findings[1] = dataclasses.replace(
        run.findings[1], evidence={"request": {"headers": {"X-Key": TOKEN}}}
    )
    page = render_html(run)
    assert SECRET not in page and TOKEN not in page
    assert "p&ss<word>" not in page and "p&amp;ss&lt;word&gt;" not in page
    assert SECRET not in report_body(run)


def test_a_ui_finding_shows_its_screenshot_from_the_run_folder(tmp_path: Path) -> None:
    picture = png()
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "page-dashboard.png").write_bytes(picture)
    uri = "data:image/png;base64," + base64.b64encode(picture).decode()
    run = run_result()
    run.findings.append(ui_finding("/elsewhere/run/screenshots/page-dashboard.png"))
    run.findings.append(dataclasses.replace(ui_finding("/x/screenshots/gone.png"), id="F-0007"))
    # A secret that happens to be part of the picture's base64 must not cut into the picture.
    run.secrets = (*run.secrets, uri[30:36])
    page = render_html(run, out_dir=tmp_path)
    assert f'<img src="{uri}" alt="screenshot: The dashboard throws a script error">' in page
    assert "<figcaption>screenshot: screenshots/page-dashboard.png</figcaption>" in page
    assert "<ol><li>open /dashboard</li><li>read the console</li></ol>" in page
    assert "screenshots/gone.png: the file is missing from this run&#x27;s screenshots folder" in page
    without = render_html(run)  # served from the store: no folder, so it says so
    assert "<img" not in without and "screenshots/page-dashboard.png: the file is missing" in without


def test_write_artifacts_embeds_the_screenshots(tmp_path: Path) -> None:
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "page-dashboard.png").write_bytes(png())
    run = run_result()
    run.findings.append(ui_finding(str(tmp_path / "screenshots" / "page-dashboard.png")))
    write_artifacts(run, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') == 1 and SECRET not in page


def web_run() -> RunResult:
    pages = (
        PageFacts("/", "http://127.0.0.1:9/", 200, "Home", depth=1),
        PageFacts("/items/1", "http://127.0.0.1:9/items/1", 200, "Item", depth=2),
        PageFacts("/items/2", "http://127.0.0.1:9/items/2", 200, "Item", depth=2),
    )
    found = (
        DiscoveredUrl("/", "start", 0, status=200, visited=True),
        DiscoveredUrl("/items/1", "anchor", 1, "/", status=200, visited=True),
        DiscoveredUrl("/items/2", "anchor", 1, "/", status=200, visited=True),
        DiscoveredUrl("/api/stats", "script", 1, "/"),
    )
    obs = Observation(
        target="http://127.0.0.1:9",
        kind="web",
        pages=pages,
        crawl=CrawlFacts("http://127.0.0.1:9/", discovered=found),
        blocked_hosts=(BlockedHost("cdn.example-assets.test", 3),),
    )
    return RunResult(target="http://127.0.0.1:9", started_at="t", observation=obs, findings=[ui_finding("")])


def test_a_web_run_shows_its_crawl_coverage_and_blocked_hosts() -> None:
    page = render_html(web_run())
    text = "".join(parsed(page).text)
    assert "Crawl coverage: URLs by where they were found" in text
    assert "3 page(s) visited, 2 distinct route(s), 4 URL(s) found on the target's origin." in text
    assert "Blocked third-party hosts (requests aborted)" in text and "cdn.example-assets.test" in text
    assert "What the browser saw" in text and '<a href="#browser">Crawl</a>' in page


def test_an_empty_run_renders_and_does_not_claim_there_is_nothing_to_fix() -> None:
    page = render_html(RunResult(target="http://x/<y>", started_at="t"))
    assert "http://x/&lt;y&gt;" in page and "<y>" not in page
    assert "No scenario was executed" in page and "INCONCLUSIVE" in page
    assert "None found, and none could be: nothing to test was found" in page
    assert "Make the run complete" in page and "Nothing to fix" not in page
    assert "<svg" not in page  # no data, no chart
    clean = run_result()
    clean.findings = []
    assert "<p>None.</p>" in render_html(clean) and "No high or critical finding" in render_html(clean)


def test_a_broken_behaviour_shows_its_steps_and_both_pictures(tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (shots / "SC-UI-004-before.png").write_bytes(png(2, 2))
    (shots / "SC-UI-004-after.png").write_bytes(png(3, 3))
    behaviour: JsonObject = {
        "title": "Searching 'zzz' narrows the list: it does not",
        "steps": ["open /items", "type zzz in Search"],
        "expectation": "fewer items are listed",
        "observed": "list: the same 12 items",
        "screenshot_before": str(shots / "SC-UI-004-before.png"),
        "screenshot_after": str(shots / "SC-UI-004-after.png"),
    }
    run = run_result()
    run.findings.append(
        Finding(
            "ui_functional", "high", "GET", "/items", "Search does nothing", "", {"behaviours": [behaviour]}
        )
    )
    page = render_html(run, out_dir=tmp_path)
    assert "<h4>Searching &#x27;zzz&#x27; narrows the list</h4>" in page
    assert "<ol><li>open /items</li><li>type zzz in Search</li></ol>" in page
    assert "<p>Expectation: fewer items are listed</p>" in page
    assert page.count('<img src="data:image/png;base64,') == 2
    assert (
        "before: screenshots/SC-UI-004-before.png" in page
        and "after: screenshots/SC-UI-004-after.png" in page
    )
