"""cors: an answer that lets a foreign origin read it with the user's credentials.

Only the response *headers* count as proof: ``Access-Control-Allow-Origin`` equal to the
origin sent, together with ``Access-Control-Allow-Credentials: true``. A wildcard without
credentials is fine, and an origin echoed in the body (httpbin's ``/headers``) is not CORS.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.domain.operations import AuthKind
from assay.oracles.base import Draft, OracleContext, build, group_by_route, route


def reflects_with_credentials(origin: str, exchange: Exchange) -> bool:
    response = exchange.response
    if response is None:
        return False
    allowed = (response.header("access-control-allow-origin") or "").strip()
    credentials = (response.header("access-control-allow-credentials") or "").strip().lower()
    return allowed.lower() == origin.lower() and credentials == "true"


def severity_for(auth: AuthKind) -> Severity:
    """Cookies and HTTP auth travel with credentialed requests; bearer tokens in JS storage do not."""
    if auth in {"cookie", "basic"}:
        return "high"
    return "medium" if auth != "none" else "low"


def judge_cors(
    probes: Sequence[tuple[str, Exchange]], auth: AuthKind, context: OracleContext
) -> list[Finding]:
    """One finding per route that grants credentialed access to a foreign origin; pure."""
    bad = [(o, e) for o, e in probes if reflects_with_credentials(o, e)]
    findings: list[Finding] = []
    for group in group_by_route(e for _o, e in bad).values():
        granted = [o for o, e in bad if e in group]
        draft = Draft(
            category="cors",
            severity=severity_for(auth),
            title=f"{route(group[0])} grants credentialed access to foreign origins",
            detail=(
                f"For Origin {', '.join(granted)} the answer carries that origin in "
                "Access-Control-Allow-Origin together with Access-Control-Allow-Credentials: true, so "
                "any site a logged-in user visits can read this API's answers with the user's cookies."
                + (
                    " The API declares no authentication: verify whether cookies matter here."
                    if auth == "none"
                    else ""
                )
            ),
            recommendation="Allow only a fixed list of trusted origins; never reflect Origin or allow null.",
            impact="Cross-site reading of users' data (session riding) from a malicious page.",
            extra={"origins": list(granted)},
        )
        findings.append(build(draft, group[0], context, occurrences=len(granted)))
    return findings
