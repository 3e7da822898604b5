"""Findings: the contract of findings.json (docs/findings.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assay.domain.json import JsonObject

Severity = Literal["critical", "high", "medium", "low", "info"]
# How a finding was established (FINDINGS.md): seen again on a fresh connection, a pair of requests
# differing only in the probe, an out-of-band callback, measured times, or seen once only.
Proof = Literal["reproduced", "differential", "canary", "timing", "flaky"]
ANONYMOUS = "anonymous"  # the identity that carries no credential of any kind, cookies included
SEVERITY_ORDER: dict[str, int] = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}

Category = Literal[
    "server_error",
    "missing_endpoint",
    "spec_drift",
    "response_schema",
    "status_code",
    "redirect",
    "spec_quality",
    "missing_authentication",
    "broken_function_authorization",
    "broken_object_authorization",
    "broken_authentication",
    "information_disclosure",
    "ssrf",
    "cors",
    "open_redirect",
    "security_headers",
    "cookie_flags",
    "session_management",
    "weak_session_secret",
    "weak_password_policy",
    "resource_exhaustion",
    "data_exposure",
    "injection",
    "mass_assignment",
    "user_enumeration",
    "rate_limiting",
    "stale_resource",
    "lost_update",
    "race_condition",
    "business_flow",
    "slow_response",
    "ui_broken_link",
    "ui_console_error",
    "ui_server_error",
    "ui_accessibility",
    "ui_silent_failure",
    "ui_functional",
]


@dataclass(frozen=True)
class Finding:
    category: Category
    severity: Severity
    method: str
    path: str  # the operation's template when known; never scheme, host or query
    title: str
    detail: str
    evidence: JsonObject = field(default_factory=dict)
    reproduce: str = ""
    scenario_id: str | None = None
    recommendation: str = ""
    impact: str = ""
    id: str = ""  # "F-0001", given when findings are merged
    flaky: bool = False
    occurrences: int = 1
    # None until settled: the producer may set it, else merging derives it from the category.
    proof: Proof | None = None
    # The role name of the identity that sent the request that showed it ("" until settled).
    identity: str = ""

    @property
    def dedup_key(self) -> tuple[str, str, str]:
        return (self.category, self.method.upper(), self.path)

    @property
    def blocking(self) -> bool:
        """High and critical findings make `assay run` exit 1, unless they did not reproduce."""
        unproven = self.flaky or self.proof == "flaky"
        return not unproven and SEVERITY_ORDER[self.severity] >= SEVERITY_ORDER["high"]


# How each category is established when its producer does not say. Single-exchange categories are
# "reproduced" because analysis replays them (mark_flaky turns them "flaky" when the replay fails).
PROOF_BY_CATEGORY: Mapping[str, Proof] = {
    "injection": "differential",
    "cors": "differential",
    "user_enumeration": "differential",
    "missing_authentication": "differential",  # the same request with and without credentials
    "broken_function_authorization": "differential",  # the same request as two roles
    "broken_object_authorization": "differential",  # the same request as owner and intruder
    "broken_authentication": "differential",  # a crafted token against the real one
    "mass_assignment": "differential",  # the object read back with and without the extra field
    "stale_resource": "differential",  # the same read before and after the delete
    "lost_update": "differential",  # the same read before and after the update
    "business_flow": "differential",
    "rate_limiting": "differential",
    "session_management": "differential",  # the old cookie against the anonymous and signed-in views
    "weak_session_secret": "differential",  # the forged cookie against a broken signature
    "ssrf": "canary",
    "open_redirect": "reproduced",  # the family sends the request that left the site twice
    "slow_response": "timing",
    "resource_exhaustion": "timing",
    "race_condition": "timing",
}


def default_proof(category: str) -> Proof:
    return PROOF_BY_CATEGORY.get(category, "reproduced")
