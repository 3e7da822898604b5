"""The severity rubric (docs/severity-rubric.md): one pure function from a category and the facts
of what a finding lets an attacker do, to its severity.

Families state facts (what was read, by whom, whether it holds secrets) and ask ``rate``; they do
not pick a severity of their own. The same facts always give the same severity, whichever family
found them: SQL injection that reads the admin's password and an anonymous endpoint that lists
every password are both critical.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.domain.findings import SEVERITY_ORDER, Category, Severity


@dataclass(frozen=True)
class Impact:
    """What a finding lets an attacker do (facts, not judgments)."""

    bypass: bool = False  # acts as another user without their credentials (forged token, login bypass)
    reads_data: bool = False  # reads stored data through the flaw (interpreter output, a widened result)
    secrets: bool = False  # passwords, password hashes, tokens or keys are in what they get
    plaintext_passwords: bool = False  # passwords in clear text, not hashes
    others_data: bool = False  # another user's (tenant's) private data
    anonymous: bool = False  # no credentials of any kind were needed
    writes: bool = False  # changes data that is not theirs (or without an account)
    privilege: bool = False  # gains a role, admin rights or another tenant
    own_only: bool = False  # only the caller's own data is involved
    declared_public: bool = False  # the spec documents the operation as needing no credentials
    short_code: bool = False  # the secret tried without limit is a short numeric code (4-6 digits)
    forged_request: bool = False  # another site makes the victim's browser send it (CSRF): nothing is read


# The severity of each category when no fact raises or lowers it (the rubric's "default" column).
DEFAULTS: dict[Category, Severity] = {
    "server_error": "medium",
    "missing_endpoint": "medium",
    "spec_drift": "medium",
    "response_schema": "medium",
    "status_code": "medium",
    "redirect": "low",
    "spec_quality": "low",
    "missing_authentication": "high",
    "broken_function_authorization": "high",
    "broken_object_authorization": "high",
    "broken_authentication": "high",
    "information_disclosure": "low",
    "ssrf": "high",
    "cors": "medium",
    "open_redirect": "medium",
    "security_headers": "low",
    "cookie_flags": "low",
    "session_management": "medium",
    "weak_session_secret": "high",
    "weak_password_policy": "medium",
    "resource_exhaustion": "medium",
    "data_exposure": "high",
    "injection": "high",
    "mass_assignment": "high",
    "user_enumeration": "medium",
    "rate_limiting": "medium",
    "stale_resource": "high",
    "lost_update": "high",
    "race_condition": "high",
    "business_flow": "medium",
    "slow_response": "low",
    "ui_broken_link": "medium",
    "ui_console_error": "medium",
    "ui_server_error": "high",
    "ui_accessibility": "medium",
    "ui_silent_failure": "medium",
    "ui_functional": "medium",
}

# Categories where an attacker reaches data or identities: the critical rules apply to them.
SECURITY: frozenset[Category] = frozenset(
    {
        "missing_authentication",
        "broken_function_authorization",
        "broken_object_authorization",
        "broken_authentication",
        "ssrf",
        "data_exposure",
        "injection",
        "mass_assignment",
        "cors",
    }
)


def critical_because(category: Category, impact: Impact) -> str | None:
    """Which rubric rule makes this critical, or None."""
    if category not in SECURITY:
        return None
    if impact.bypass:
        return "authentication bypass"
    if impact.plaintext_passwords and not impact.own_only:
        return "plaintext passwords exposed"
    if category == "injection" and (impact.reads_data or impact.secrets):
        return "injection that reads data"
    if impact.anonymous and (impact.secrets or impact.others_data) and not impact.own_only:
        return "unauthenticated access to secrets or other users' private data"
    if impact.privilege:
        return "privilege escalation"
    if category in {"missing_authentication", "broken_object_authorization"} and impact.writes:
        return "changes other users' data"
    if category == "broken_object_authorization" and impact.secrets:
        return "another user's secrets"
    return None


def _lowered(category: Category, impact: Impact) -> Severity | None:
    """Rules that lower a category's default: only the caller's own data, contact data of others."""
    if category == "missing_authentication" and impact.declared_public:
        return "low"  # the spec says anyone may call it: verify the design, it is no bypass
    if category == "broken_authentication" and impact.forged_request:
        return "medium"  # the attacker acts blind through the victim's browser: no token, no data
    if category == "data_exposure":
        if impact.own_only:
            return "low" if not impact.secrets else "medium"
        if not impact.secrets:
            return "medium"  # other users' contact data, no credentials
    return None


def _raised(category: Category, impact: Impact) -> Severity | None:
    """Rules that raise a category's default: an unlimited short code is a certain account takeover."""
    if category == "rate_limiting" and impact.short_code:
        return "high"  # 10^4-10^6 guesses at full speed: minutes, not years
    return None


def rate(category: Category, impact: Impact | None = None) -> Severity:
    """The rubric's severity for ``category`` given ``impact`` (the category's default without facts)."""
    impact = impact or Impact()
    if critical_because(category, impact) is not None:
        return "critical"
    return _raised(category, impact) or _lowered(category, impact) or DEFAULTS[category]


def at_most(severity: Severity, cap: Severity) -> Severity:
    """``severity``, but never above ``cap`` (a flaky finding is at most low)."""
    return cap if SEVERITY_ORDER[severity] > SEVERITY_ORDER[cap] else severity
