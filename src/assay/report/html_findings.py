"""report.html's findings: one card each, with everything a reader needs to act on it.

Severity, category, the operation or page, the evidence (request and response as HTTP text,
credentials masked, each block cut at :data:`EVIDENCE_CHARS`), the pictures of a UI finding, the
curl line with a copy button, the fix, and the generated test that fails while the fault is there.
Pictures are not placed in the markup here: :class:`Pictures` hands out a marker for each, and the
page puts the data: URIs in after redaction, so masking a short secret can never corrupt an image.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

from assay.domain.evolution import TestCase
from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.domain.redaction import redact_json
from assay.domain.run import RunResult
from assay.domain.verdict import stopped_short
from assay.report.common import operation_of
from assay.report.html_markup import Html, attrs, bullets, esc, join, pre, section, slug, tag
from assay.report.screenshots import Shots, relative, screenshot_refs
from assay.report.trust import by_severity_and_proof, is_flaky, proof_of

EVIDENCE_CHARS = 4000  # a block of evidence beyond this is cut here; findings.json has all of it
_SHOWN_APART = frozenset(
    {"request", "response", "screenshot", "screenshot_before", "screenshot_after", "steps", "behaviours"}
)


class Pictures:
    """The page's images, each behind a marker of private-use characters (no secret contains them)."""

    def __init__(self) -> None:
        self.uris: list[str] = []

    def add(self, png: bytes) -> str:
        self.uris.append("data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        return self.marker(len(self.uris) - 1)

    @staticmethod
    def marker(index: int) -> str:
        return "\ue000" + "".join(chr(0xE100 + int(d)) for d in str(index)) + "\ue001"

    def place(self, page: str) -> str:
        for index, uri in enumerate(self.uris):
            page = page.replace(self.marker(index), uri)
        return page


def _cut(text: str) -> str:
    if len(text) <= EVIDENCE_CHARS:
        return text
    return text[:EVIDENCE_CHARS] + "\n… (cut here; findings.json has the whole evidence)"


def _body(value: Json) -> str:
    if value is None or value == "":
        return ""
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _headers(value: Json) -> list[str]:
    return [f"{k}: {v}" for k, v in as_object(value).items()]


def http_text(part: JsonObject, first_line: str) -> str:
    """A request or response of the evidence as HTTP text: first line, headers, blank line, body."""
    lines = [first_line, *_headers(part.get("headers"))]
    body = _body(part.get("body"))
    return _cut("\n".join(lines) + (f"\n\n{body}" if body else ""))


def _steps(steps: Json) -> Html:
    listed = [tag("li", as_str(step)) for step in as_list(steps)]
    return Html(f"<ol>{join(listed)}</ol>") if listed else Html("")


def _behaviours(evidence: JsonObject) -> Html:
    """A ui_functional finding's broken behaviours: what was done, expected and seen, each."""
    parts: list[object] = []
    for raw in as_list(evidence.get("behaviours")):
        behaviour = as_object(raw)
        title = as_str(behaviour.get("title")).removesuffix(": it does not") or "Behaviour"
        parts += [tag("h4", title), _steps(behaviour.get("steps"))]
        for key in ("expectation", "observed"):
            if behaviour.get(key):
                parts.append(tag("p", f"{key.capitalize()}: {as_str(behaviour.get(key))}"))
    return join(parts)


def _evidence(evidence: JsonObject) -> Html:
    parts: list[object] = []
    if as_list(evidence.get("steps")):
        parts += [tag("h4", "Steps"), _steps(evidence.get("steps"))]
    parts.append(_behaviours(evidence))
    request = as_object(evidence.get("request"))
    if request:
        line = f"{request.get('method') or ''} {request.get('url') or request.get('path') or ''}".strip()
        parts += [tag("h4", "Request"), pre(http_text(request, line))]
    response = as_object(evidence.get("response"))
    if response:
        parts += [tag("h4", "Response"), pre(http_text(response, f"HTTP {response.get('status', '')}"))]
    rest = {k: v for k, v in evidence.items() if k not in _SHOWN_APART}
    if rest:
        text = _cut(json.dumps(rest, indent=2, ensure_ascii=False, default=str))
        parts.append(Html(f"<details><summary>Evidence</summary>{pre(text)}</details>"))
    return join(parts)


def _screenshots(finding: Finding, shots: Shots, pictures: Pictures) -> Html:
    refs = screenshot_refs(finding)
    if not refs:
        return Html("")
    figures = []
    for caption, path in refs:
        name = relative(path) or path
        shot = shots.get(path, "the file is not available to this page")
        if isinstance(shot, bytes):
            img = f"<img{attrs(src=pictures.add(shot), alt=f'{caption}: {finding.title}')}>"
            figures.append(Html(f"<figure>{img}{tag('figcaption', f'{caption}: {name}')}</figure>"))
        else:
            figures.append(tag("p", f"Screenshot ({caption}) {name}: {shot}.", "missing"))
    return join([tag("h4", "Screenshots"), Html(f'<div class="shots">{join(figures)}</div>')])


def _reproduce(finding: Finding) -> Html:
    if not finding.reproduce:
        return Html("")
    anchor = f"curl-{slug(finding.id or finding.title)}"
    button = f'<button type="button" class="copy"{attrs(data_copy=anchor)} hidden>Copy</button>'
    return join(
        [tag("h4", "Reproduce"), Html(f'<div class="curl">{button}{pre(finding.reproduce, id=anchor)}</div>')]
    )


def tests_for(run: RunResult, finding: Finding) -> list[TestCase]:
    """The generated tests that fail while the finding's fault is there.

    HTTP tests name their findings; a browser test is the test of the scenario that showed it.
    """
    cases = run.evolution.test_cases if run.evolution else ()
    return [
        c
        for c in cases
        if (finding.id and finding.id in c.finding_ids)
        or (
            c.framework == "pytest-playwright"
            and finding.scenario_id
            and c.scenario_id == finding.scenario_id
        )
    ]


def _tests(run: RunResult, finding: Finding) -> Html:
    cases = tests_for(run, finding)
    items = [Html(f"<code>{esc(f'tests/{c.file}::{c.name}')}</code> ({esc(c.framework)})") for c in cases]
    return join([tag("h4", "Generated test"), bullets(items, "No generated test is tied to this finding.")])


def _meta(finding: Finding) -> Html:
    facts: list[object] = [
        tag("span", finding.severity, f"badge {finding.severity}"),
        tag("span", finding.category),
        tag("code", operation_of(finding)),
    ]
    proof = proof_of(finding)
    if proof:
        facts.append(tag("span", f"proof: {proof}" + (" (intermittent)" if is_flaky(finding) else "")))
    if finding.identity:
        facts.append(tag("span", f"as: {finding.identity}"))
    if finding.occurrences > 1:
        facts.append(tag("span", f"seen {finding.occurrences} times"))
    if finding.scenario_id:
        link = f"<a{attrs(href=f'#scenario-{slug(finding.scenario_id)}')}>{esc(finding.scenario_id)}</a>"
        facts.append(Html(f"<span>scenario {link}</span>"))
    return Html(f'<div class="meta">{join(facts)}</div>')


def finding_card(run: RunResult, finding: Finding, shots: Shots, pictures: Pictures) -> Html:
    evidence = as_object(redact_json(finding.evidence, run.secrets))
    parts: list[object] = [
        tag("h3", f"{finding.id or '—'} · {finding.title}"),
        _meta(finding),
        tag("p", finding.detail),
    ]
    if finding.impact:
        parts.append(tag("p", Html(f"<strong>Impact</strong>: {esc(finding.impact)}")))
    parts += [_evidence(evidence), _screenshots(finding, shots, pictures), _reproduce(finding)]
    if finding.recommendation:
        parts += [tag("h4", "Recommended fix"), tag("p", finding.recommendation)]
    parts.append(_tests(run, finding))
    box = attrs(
        class_="finding",
        id=f"finding-{slug(finding.id or finding.title)}",
        data_filter="findings",
        data_severity=finding.severity,
        data_category=finding.category,
    )
    return Html(f"<article{box}>{join(parts)}</article>")


def findings_section(run: RunResult, shots: Shots, pictures: Pictures) -> Html:
    findings: Sequence[Finding] = by_severity_and_proof(run.findings)
    if not findings:
        # A run that failed or tested nothing has found nothing, which is not "none" (as report.md says).
        stopped = stopped_short(run)
        none = f"None found, and none could be: {stopped}. This is no clean bill." if stopped else "None."
        return section("Identified Issues", tag("p", none), anchor="findings")
    cards = join(finding_card(run, f, shots, pictures) for f in findings)
    return section(f"Identified Issues ({len(findings)})", cards, anchor="findings")
