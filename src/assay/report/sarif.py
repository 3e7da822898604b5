"""findings.sarif: the run's findings as SARIF 2.1.0, the format GitHub code scanning and ZAP read.

One rule per finding category (its help from ``category_help``), one result per finding, located
at the operation (``METHOD /path`` as a logical location, the URL it was seen on as the artifact).
``partialFingerprints`` hash only what names the fault (category, method, path template and a
stable evidence key), never times, ids or bodies, so code scanning tracks a finding across runs.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, urlsplit, urlunsplit

from assay import __version__
from assay.domain import clock
from assay.domain.findings import SEVERITY_ORDER, Category, Finding
from assay.domain.json import Json, JsonObject, as_str
from assay.domain.redaction import redact_secrets, redact_strings
from assay.domain.run import RunResult
from assay.domain.severity import DEFAULTS, SECURITY
from assay.domain.verdict import incomplete_reasons
from assay.report.category_help import HELP
from assay.report.common import operation_of

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# assay has no public home page; a URN keeps the required URI honest instead of inventing a site.
INFORMATION_URI = "urn:assay:docs:machine-formats"
FINGERPRINT_KEY = "assayFinding/v1"
BASE_ID = "TARGET"  # the uriBaseId of every location: the target's origin

_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub's bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}
# Evidence keys that name *where* a fault is (a parameter, a field, a header or cookie name): they
# tell apart findings of one operation and stay the same from run to run.
_STABLE_EVIDENCE = ("parameter", "field", "header", "cookie")
_UI_PREFIX = "ui_"
# What an attacker exploits (the rubric's SECURITY set, plus the hardening and abuse categories).
_SECURITY_TAGGED: frozenset[str] = SECURITY | {
    "open_redirect", "security_headers", "cookie_flags", "session_management", "weak_session_secret",
    "weak_password_policy", "resource_exhaustion", "user_enumeration", "rate_limiting",
    "information_disclosure", "race_condition", "business_flow",
}  # fmt: skip


def level(severity: str) -> str:
    return _LEVELS.get(severity, "note")


def fingerprint(finding: Finding) -> str:
    """A hash of what names the fault: the same fault gives the same value in every run."""
    key = next(
        (as_str(finding.evidence.get(k)) for k in _STABLE_EVIDENCE if as_str(finding.evidence.get(k))), ""
    )
    material = "\n".join((finding.category, finding.method.upper(), finding.path, key))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _rule_name(category: str) -> str:
    return "".join(part.capitalize() for part in category.split("_"))


def _tags(category: Category) -> list[Json]:
    # GitHub shows security-severity only for rules tagged "security".
    if category in _SECURITY_TAGGED:
        return ["security", category]
    return ["ui" if category.startswith(_UI_PREFIX) else "api", "correctness", category]


def _rule(category: Category) -> JsonObject:
    help_ = HELP[category]
    severity = DEFAULTS[category]
    return {
        "id": category,
        "name": _rule_name(category),
        "shortDescription": {"text": help_.meaning},
        "fullDescription": {"text": f"{help_.meaning} Fix: {help_.fix}"},
        "help": {
            "text": f"{help_.meaning}\n\nHow to fix: {help_.fix}",
            "markdown": f"**{category}**: {help_.meaning}\n\n**How to fix:** {help_.fix}",
        },
        "defaultConfiguration": {"level": level(severity)},
        "properties": {
            "tags": _tags(category),
            "security-severity": _SECURITY_SEVERITY[severity],
            "precision": "high",
        },
    }


def _origin(target: str) -> str:
    """``scheme://host:port/``: what every result's location is relative to."""
    parts = urlsplit(target)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def location_uri(finding: Finding) -> str:
    """The operation's path template (or the page's path), relative to the target's origin.

    Relative and templated, so a finding keeps its location from run to run: the concrete URL it
    was seen on (ids the target gave, a restarted server's port) changes, and is in the message.
    """
    return quote(finding.path.lstrip("/"), safe="/%:@!$&'()*+,;=-._~")


def _message(finding: Finding) -> str:
    parts = [f"{finding.title} ({operation_of(finding)})", finding.detail]
    if finding.recommendation:
        parts.append(f"Fix: {finding.recommendation}")
    if finding.reproduce:
        parts.append(f"Reproduce: {finding.reproduce}")
    return "\n\n".join(p for p in parts if p)


def _result(finding: Finding, rule_index: int) -> JsonObject:
    operation = operation_of(finding)
    kind = "resource" if finding.category.startswith(_UI_PREFIX) else "function"
    properties: JsonObject = {
        "severity": finding.severity,
        "security-severity": _SECURITY_SEVERITY[finding.severity],
        "method": finding.method.upper(),
        "path": finding.path,
        "proof": finding.proof or "",
        "identity": finding.identity,
        "occurrences": finding.occurrences,
        "flaky": finding.flaky,
    }
    if finding.id:
        properties["findingId"] = finding.id
    if finding.scenario_id:
        properties["scenarioId"] = finding.scenario_id
    return {
        "ruleId": finding.category,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": location_uri(finding), "uriBaseId": BASE_ID}
                },
                "logicalLocations": [{"name": operation, "fullyQualifiedName": operation, "kind": kind}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "rank": float(SEVERITY_ORDER[finding.severity] * 25),
        "properties": properties,
    }


def _invocation(run: RunResult) -> JsonObject:
    reasons = incomplete_reasons(run)
    invocation: JsonObject = {
        "executionSuccessful": run.error is None and not run.cancelled,
    }
    if clock.is_stamp(run.started_at):
        invocation["startTimeUtc"] = run.started_at
    if clock.is_stamp(run.finished_at):
        invocation["endTimeUtc"] = run.finished_at
    notes: list[Json] = [{"message": {"text": r}, "level": "warning"} for r in reasons]
    if run.error:
        notes.append({"message": {"text": run.error}, "level": "error"})
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def sarif_document(run: RunResult) -> JsonObject:
    """The SARIF 2.1.0 log of ``run``; run.secrets never appear in it."""
    categories: list[Category] = list(dict.fromkeys(f.category for f in run.findings))
    index = {c: i for i, c in enumerate(categories)}
    results: list[Json] = [_result(f, index[f.category]) for f in run.findings]
    netloc = urlsplit(run.target).netloc
    document: JsonObject = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "assay",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(c) for c in categories],
                    }
                },
                "automationDetails": {"id": f"assay/{netloc}/"},
                "invocations": [_invocation(run)],
                "originalUriBaseIds": {BASE_ID: {"uri": _origin(run.target)}},
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": {"target": run.target},
            }
        ],
    }
    redacted = redact_strings(document, run.secrets, redact_secrets)
    return redacted if isinstance(redacted, dict) else document
