"""security_headers: the HTML pages of a site go out without the headers that let a browser defend
them — it may be framed by any site (no ``frame-ancestors`` in a Content-Security-Policy and no
``X-Frame-Options``: clickjacking), it may sniff a response into another type (no
``X-Content-Type-Options: nosniff``), it has no Content-Security-Policy at all, or, served over
https, no ``Strict-Transport-Security``.

The proof is the headers of 2xx HTML answers the site sent; a header missing from every page
judged is one finding for the site (low: a hardening gap, not a fault that reads or changes
anything by itself; info when only the Content-Security-Policy is missing, which many sound
sites still lack), counting the pages it was seen on. Error pages and redirects are not
judged: frameworks often answer them from a layer that skips the app's middleware.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.json import JsonObject
from assay.oracles.base import Draft, OracleContext, build


@dataclass(frozen=True)
class Missing:
    header: str
    why: str


def _is_page(exchange: Exchange) -> bool:
    response = exchange.response
    if response is None or not 200 <= response.status < 300:
        return False
    return "text/html" in (response.header("content-type") or "").lower()


def missing_headers(exchange: Exchange) -> list[Missing]:
    """What one HTML answer lacks; pure."""
    response = exchange.response
    if response is None:
        return []
    csp = (response.header("content-security-policy") or "").lower()
    found: list[Missing] = []
    if "frame-ancestors" not in csp and not response.header("x-frame-options"):
        found.append(
            Missing("X-Frame-Options / CSP frame-ancestors", "any site may frame the page (clickjacking)")
        )
    if (response.header("x-content-type-options") or "").strip().lower() != "nosniff":
        found.append(
            Missing("X-Content-Type-Options: nosniff", "browsers may sniff answers into another type")
        )
    if not csp:
        found.append(Missing("Content-Security-Policy", "no policy limits where scripts may come from"))
    if exchange.request.url.lower().startswith("https://") and not response.header(
        "strict-transport-security"
    ):
        found.append(Missing("Strict-Transport-Security", "a first visit over http can be downgraded"))
    return found


def judge_security_headers(exchanges: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """One finding for the headers missing from every HTML page judged, or none; pure."""
    pages = [e for e in exchanges if _is_page(e)]
    if not pages:
        return []
    per_page = [{m.header: m for m in missing_headers(e)} for e in pages]
    common = [m for name, m in per_page[0].items() if all(name in other for other in per_page[1:])]
    if not common:
        return []
    # A missing policy alone is advice (many sound sites have none yet): info, not a fault.
    severity: Severity = "info" if [m.header for m in common] == ["Content-Security-Policy"] else "low"
    names = ", ".join(m.header for m in common)
    reasons = "; ".join(f"without {m.header}, {m.why}" for m in common)
    extra: JsonObject = {"missing": [m.header for m in common], "pages": len(pages)}
    draft = Draft(
        "security_headers",
        severity,
        f"HTML pages are served without {names}",
        f"None of the {len(pages)} HTML page(s) read carries {names}: {reasons}.",
        "Send these headers on every HTML answer (a middleware of the framework or the reverse proxy).",
        "a browser cannot apply its defences to the site's pages",
        extra,
    )
    return [build(draft, pages[0], context)]
