"""injection (in the page): input a page writes back into its HTML — markup that becomes elements
(reflected or stored cross-site scripting), text from the URL shown on an error page (content
injection), and template expressions the server evaluated (server-side template injection).

The proofs are read from the answer's HTML, never from a status:
- **XSS**: the probe sends ``'"><i id=MARK>`` and the answer, parsed as a browser's tokenizer
  would, holds an element whose id is MARK, outside the places where markup is inert (textarea,
  title, script, style, comments). An escaped echo (``&lt;i id=MARK&gt;``) is no element, and a
  JSON answer is no page at all.
- **content injection**: a made-up path segment MARK is answered 4xx with an HTML page whose text
  repeats MARK (a page saying "Database not found: <whatever the link said>" lets anyone put words
  in the site's mouth). Low severity: it is text, not markup.
- **template injection**: ``{{1337*7331}}{{''.__class__.__name__}}`` behind a marker comes back as
  ``MARK9801547str``: the expression was evaluated, and the attribute walk that sandboxes refuse
  (Jinja2's SandboxedEnvironment, the fix of CVE-2024-32651) was allowed — a path to the
  interpreter. The product alone (a sandboxed engine) is no finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.oracles.base import Draft, OracleContext, build

ReflectionKind = Literal["markup", "text", "template"]
_INERT = frozenset(
    {"textarea", "title", "script", "style", "noscript", "xmp", "iframe", "noembed", "template"}
)
TEMPLATE_PRODUCT = "9801547"  # 1337*7331: a number an ordinary page does not hold by chance
TEMPLATE_WALK = "str"  # ''.__class__.__name__ in Jinja2 (and in any Python-object template engine)


def markup_payload(mark: str) -> str:
    """Breaks out of a quoted attribute and of text alike, and names itself by ``mark``."""
    return f"'\"><i id={mark}>{mark}</i>"


def template_payload(mark: str) -> str:
    return f"{mark}{{{{1337*7331}}}}{{{{''.__class__.__name__}}}}"


@dataclass(frozen=True)
class ReflectionTrial:
    """One input given a marked value, and the page that came back (after its redirects)."""

    kind: ReflectionKind
    exchange: Exchange  # the request that carried the value
    shown: Exchange  # the page read for the mark (the same, a redirect's target, or a list page)
    field: str  # the parameter or form field ('' for a path segment)
    mark: str
    where: str  # "the search form on /", "the query of /plans?_trace=1"…
    note: str = ""  # what made the page reflect (a debug switch), '' when nothing
    page: str = ""  # the page the input was found on (a form's tokens are read from it afresh)


class _Elements(HTMLParser):
    def __init__(self, mark: str) -> None:
        super().__init__(convert_charrefs=True)
        self.mark = mark
        self.inert = 0
        self.found = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INERT:
            self.inert += 1
            return
        if not self.inert and any(k == "id" and v == self.mark for k, v in attrs):
            self.found += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _INERT and self.inert:
            self.inert -= 1


def _html(exchange: Exchange) -> str:
    response = exchange.response
    if response is None or "html" not in (response.header("content-type") or "").lower():
        return ""
    return response.text


def markup_elements(html: str, mark: str) -> int:
    """How many live elements in ``html`` carry ``id=mark`` (0 when the mark is only text)."""
    if mark not in html:
        return 0
    parser = _Elements(mark)
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        return 0
    return parser.found


def _visible_text(html: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]*>", " ", text)


def _shows_markup(trial: ReflectionTrial) -> bool:
    return markup_elements(_html(trial.shown), trial.mark) > 0


def _shows_text(trial: ReflectionTrial) -> bool:
    response = trial.shown.response
    if response is None or not 400 <= response.status < 500:
        return False
    return trial.mark in _visible_text(_html(trial.shown))


def _evaluated(trial: ReflectionTrial) -> bool:
    return (
        f"{trial.mark}{TEMPLATE_PRODUCT}{TEMPLATE_WALK}" in trial.shown.response.text
        if trial.shown.response
        else False
    )


_JUDGES = {"markup": _shows_markup, "text": _shows_text, "template": _evaluated}


def judge_reflections(trials: Sequence[ReflectionTrial], context: OracleContext) -> list[Finding]:
    """One finding per (kind, page route) whose trial the answer proves; pure."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for trial in trials:
        if not _JUDGES[trial.kind](trial):
            continue
        # An error page that echoes the path does so everywhere: one finding says it.
        key = (trial.kind, "" if trial.kind == "text" else _route(trial.exchange))
        if key in seen:
            continue
        seen.add(key)
        findings.append(build(_draft(trial), trial.exchange, context))
    return findings


def _route(exchange: Exchange) -> str:
    return f"{exchange.request.method} {exchange.request.url.split('?', 1)[0]}"


def _draft(trial: ReflectionTrial) -> Draft:
    field = f"`{trial.field}`" if trial.field else "the path"
    switch = f" ({trial.note})" if trial.note else ""
    stored = trial.shown.request.url != trial.exchange.request.url
    shown_at = f" and shown again at {trial.shown.request.url}" if stored else ""
    extra: JsonObject = {
        "field": trial.field,
        "marker": trial.mark,
        "where": trial.where,
        "shown_at": trial.shown.request.url,
        "page": trial.page,
        "reflection": trial.kind,
    }
    if trial.kind == "markup":
        kind = "Stored" if stored and trial.exchange.request.method != "GET" else "Reflected"
        return Draft(
            "injection",
            "high",
            f"{kind} cross-site scripting (XSS): {field} is written into the page unescaped",
            f"Markup sent in {field} of {trial.where}{switch} came back as a live element "
            f"(`<i id={trial.mark}>`) in the HTML answer{shown_at}: a link or form on another site "
            "can run script in this site's origin, with the victim's session.",
            "Escape every value written into HTML for its context (text, attribute, URL); use the "
            "template engine's autoescaping and a Content-Security-Policy.",
            "script injection in the victim's browser (session theft, actions as the victim)",
            extra,
        )
    if trial.kind == "text":
        return Draft(
            "injection",
            "low",
            "Content injection: text from the URL is echoed on the error page",
            f"A made-up path segment (`{trial.mark}`) is shown back in the text of the "
            f"{trial.shown.response.status if trial.shown.response else ''} error page: a crafted link makes "
            "the site display words of the attacker's choosing (content spoofing). Escaped, so not markup.",
            "Do not echo the request's path or parameters in error pages; name what was missing generically.",
            "spoofed text on a trusted page (phishing)",
            extra,
        )
    return Draft(
        "injection",
        "high",
        f"Server-side template injection: {field} is evaluated as a template, without a sandbox",
        f"`{template_payload(trial.mark)}` sent in {field} of {trial.where} came back as "
        f"`{trial.mark}{TEMPLATE_PRODUCT}{TEMPLATE_WALK}`{shown_at}: the server evaluated the "
        "expression (1337*7331) and allowed an attribute walk from a string to its class, which a "
        "sandboxed engine refuses; from there the interpreter (and the host) is reachable.",
        "Never render user input as a template; where users must write templates, render them in "
        "a sandboxed environment (Jinja2's SandboxedEnvironment) with no access to object internals.",
        "code execution on the server through the template engine",
        extra,
    )
