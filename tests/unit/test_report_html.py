"""report.html: every value escaped, every finding present, no script or external asset, no secret."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser

from tests.unit.sample_run import SECRET, TOKEN, run_result

from assay.domain.run import RunResult
from assay.report.html import render_html

HOSTILE = "<script>alert('x')</script>"


class _Page(HTMLParser):
    """What a browser would see: tags with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def hostile_run() -> RunResult:
    run = run_result()
    first = run.findings[0]
    run.findings[0] = dataclasses.replace(
        first,
        title=f"title {HOSTILE}",
        detail='detail "quoted" & <b>bold</b>',
        evidence={"response": {"status": 500, "body": HOSTILE}, HOSTILE: "key"},
        reproduce=f"curl -X POST 'http://127.0.0.1:8000/items' -d '{HOSTILE}'",
    )
    return run


def test_hostile_values_are_escaped_and_no_script_is_in_the_page() -> None:
    page = render_html(hostile_run())
    seen = parsed(page)
    assert "script" not in {tag for tag, _ in seen.tags}
    assert "<b>" not in page and "<script" not in page.lower()
    assert "&lt;script&gt;" in page  # the value is there, shown as text
    text = "".join(seen.text)
    assert HOSTILE in text and 'detail "quoted" & <b>bold</b>' in text
    # The curl line and the evidence are shown verbatim in <pre> blocks.
    pres = re.findall(r"<pre>(.*?)</pre>", page, flags=re.S)
    assert any("curl -X POST" in p and "&lt;script&gt;" in p for p in pres)
    assert any(f'"body": "{HOSTILE}"' in html.unescape(p) for p in pres)


def test_every_finding_appears_with_its_severity_category_and_endpoint() -> None:
    run = run_result()
    page = render_html(run)
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    for finding in run.findings:
        row = next((r for r in rows if f"<td>{finding.id}</td>" in r), None)
        assert row is not None, finding.id
        assert f'class="{finding.severity}"' in row and f"<td>{finding.category}</td>" in row
        assert f"{finding.method.upper()} {finding.path}" in row
    assert f"Identified Issues ({len(run.findings)})" in page


def test_summary_endpoints_and_coverage_are_there() -> None:
    page = render_html(run_result())
    text = "".join(parsed(page).text)
    assert "3/7 scenarios passing (42.9% pass rate)" in text
    headings = ("Executive Summary", "Test Results", "Endpoint Status", "What's tested", "What's NOT tested")
    for heading in headings:
        assert heading in text, heading
    assert "✅ Passing" in text and "➖ Not tested" in text


def test_self_contained_and_no_secret() -> None:
    run = run_result()
    run.secrets = (*run.secrets, "p&ss<word>")
    run.findings[0] = dataclasses.replace(run.findings[0], detail="sent p&ss<word> as the password")
    page = render_html(run)
    assert SECRET not in page and TOKEN not in page
    assert "p&ss<word>" not in page and "p&amp;ss&lt;word&gt;" not in page
    for tag, attrs in parsed(page).tags:
        assert not {"src", "href"} & set(attrs), (tag, attrs)  # nothing is loaded from anywhere
        assert tag not in {"link", "img", "iframe", "object", "embed", "form"}
    assert "default-src 'none'" in page


def test_an_empty_run_renders() -> None:
    page = render_html(RunResult(target="http://x/<y>", started_at="t"))
    assert "http://x/&lt;y&gt;" in page and "<y>" not in page
    assert "No scenario was executed" in page and "None." in page
