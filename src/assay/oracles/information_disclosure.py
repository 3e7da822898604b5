"""information_disclosure: answers that tell an attacker how the service is built or run.

Version banners in headers and stack traces in error answers are judged over any recorded
exchanges (the analysis judges every answer of the run: scenarios and security probes; a banner
is one finding for the whole target). A debug path needs a 2xx with content of its kind
(``.env`` must hold ``KEY=VALUE`` lines, ``.git/config`` a ``[core]`` section, ...) unlike a
random nonexistent path, so a single-page app answering index.html for everything shows nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding, Severity
from assay.oracles.attack_common import VERSIONED, banners, stack_trace
from assay.oracles.base import (
    Draft,
    OracleContext,
    build,
    concrete_path,
    group_by_route,
    path_of,
    route,
)


@dataclass(frozen=True)
class DebugPath:
    """A path a debug build may serve, and what its content must look like to count."""

    path: str
    content: re.Pattern[str]
    severity: Severity
    what: str
    min_matches: int = 1


DEBUG_PATHS: tuple[DebugPath, ...] = (
    DebugPath("/.env", re.compile(r"(?m)^[A-Z][A-Z0-9_]*=\S*$"), "high", "an environment file", 2),
    DebugPath("/.git/config", re.compile(r"(?m)^\[core\]"), "high", "the git repository's config"),
    DebugPath(
        "/actuator/env", re.compile(r'"(?:propertySources|activeProfiles)"'), "high", "Spring's environment"
    ),
    DebugPath("/actuator", re.compile(r'"_links"\s*:'), "medium", "Spring Boot's actuator index"),
    DebugPath("/phpinfo.php", re.compile(r"phpinfo\(\)|PHP Version \d"), "high", "phpinfo()"),
    DebugPath("/server-status", re.compile(r"Apache Server Status|Server uptime"), "medium", "server status"),
    DebugPath(
        "/debug",
        re.compile(r"(?i)\b(?:debug|traceback|environ\w*|settings|config\w*)\b"),
        "medium",
        "a debug page",
    ),
    DebugPath(
        "/_debug",
        re.compile(r"(?i)\b(?:debug|traceback|environ\w*|settings|config\w*)\b"),
        "medium",
        "a debug page",
    ),
    DebugPath(
        "/console", re.compile(r"(?i)\b(?:console|debugger|werkzeug|interactive)\b"), "high", "a console"
    ),
    DebugPath("/admin", re.compile(r"(?i)\badmin"), "medium", "an admin interface"),
)


def _text(exchange: Exchange) -> str:
    return exchange.response.text if exchange.response is not None else ""


def _shown_first(exchange: Exchange) -> tuple[int, int, str, str]:
    """Which of many bannered answers shows the finding: a GET, the shortest path; never arrival order."""
    get = 0 if exchange.request.method.upper() == "GET" else 1
    return (get, len(path_of(exchange)), route(exchange), exchange.request.url)


def judge_banners(exchanges: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """At most one finding for the whole target: the headers that name server software, on any answer."""
    seen: dict[str, str] = {}
    shown: list[Exchange] = []
    for exchange in sorted(exchanges, key=_shown_first):
        found = banners(exchange.response.headers if exchange.response else {})
        for banner in found:
            seen.setdefault(banner.header, banner.value)
        shown.extend([exchange] if found else [])
    if not shown:
        return []
    first = shown[0]
    routes = sorted(group_by_route(shown))
    listed = "; ".join(f"{name}: {value}" for name, value in seen.items())
    # A version is what an attacker matches against advisories; a bare product name
    # ("X-Powered-By: Express") says little more than the answers' shape already does.
    versioned = any(VERSIONED.search(value) for value in seen.values())
    draft = Draft(
        category="information_disclosure",
        severity="low" if versioned else "info",
        title="Responses name the server software and its version"
        if versioned
        else "Responses name the server software (no version)",
        detail=f"Response headers tell an attacker how the service is built: {listed}.",
        recommendation="Drop X-Powered-By and similar headers, and strip the version from Server.",
        impact="Attackers match the versions against known vulnerabilities without probing further.",
        extra={"banners": dict(seen), "routes": len(routes), "target_wide": True},
    )
    return [build(draft, first, context, occurrences=len(routes))]


def is_banner_finding(finding: Finding) -> bool:
    """The target-wide banner finding (judged once over every answer of the run)."""
    return finding.category == "information_disclosure" and finding.evidence.get("target_wide") is True


def judge_stack_traces(exchanges: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """One finding per route whose error answers show a stack trace or a debugger page."""
    shown = [e for e in exchanges if (e.status or 0) >= 400 and stack_trace(_text(e))]
    findings: list[Finding] = []
    for group in group_by_route(shown).values():
        kind = stack_trace(_text(group[0])) or "stack trace"
        draft = Draft(
            category="information_disclosure",
            severity="medium",
            title=f"{route(group[0])} shows a {kind} in its error answer",
            detail=f"An error answer of `{route(group[0])}` ({group[0].status}) carries a {kind}.",
            recommendation="Turn off debug mode and answer errors with a short structured message.",
            impact="Source paths, library versions and code leak to anyone who can trigger an error.",
            extra={"trace_kind": kind},
        )
        findings.append(build(draft, group[0], context, occurrences=len(group)))
    return findings


def judge_disclosure(exchanges: Sequence[Exchange], context: OracleContext) -> list[Finding]:
    """Banners and stack traces over any recorded exchanges; pure."""
    return judge_banners(exchanges, context) + judge_stack_traces(exchanges, context)


def _normalized(exchange: Exchange) -> str:
    return _text(exchange).replace(concrete_path(exchange), "").strip()


def debug_path_verdict(item: DebugPath, probe: Exchange, not_found: Exchange | None) -> bool:
    """The path answers 2xx with content of its kind, unlike a random nonexistent path."""
    if (probe.status or 0) // 100 != 2 or not _text(probe).strip():
        return False
    if (
        not_found is not None
        and (not_found.status or 0) // 100 == 2
        and _normalized(not_found) == _normalized(probe)
    ):
        return False
    return len(item.content.findall(_text(probe))) >= item.min_matches


def judge_debug_paths(
    probes: Sequence[tuple[DebugPath, Exchange]], not_found: Exchange | None, context: OracleContext
) -> list[Finding]:
    findings: list[Finding] = []
    for item, probe in probes:
        if not debug_path_verdict(item, probe, not_found):
            continue
        draft = Draft(
            category="information_disclosure",
            severity=item.severity,
            title=f"{item.path} serves {item.what}",
            detail=(
                f"GET {item.path} answers {probe.status} with {item.what}; the API description does not "
                "list it, and a random nonexistent path answers differently."
            ),
            recommendation=f"Remove {item.path} from production builds or put it behind authentication.",
            impact="Configuration, secrets or internal controls are reachable by anyone.",
        )
        findings.append(build(draft, probe, context))
    return findings
