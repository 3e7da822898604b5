"""Risk Priority Number (FMEA): RPN = Severity x Occurrence x Detection, each scored 1-10.

The rubric (also in docs/risk-rubric.md):

Severity (S): how bad a failure of this scenario is.
    S = scenario.severity (the Requirements agent's 1-10) + the largest bump of the operations'
    nature: payment/money +3, auth/credentials +2 (login, token, password, register ...),
    admin/permissions +2, DELETE +2, create (POST) +1, anything else 0. A ``no_auth`` scenario counts as auth.

Occurrence (O): how likely the scenario is to find the server wrong; complexity breeds bugs.
    O = 2, +1 when the request body has more than 3 properties, +2 above 10; +1 when more than
    3 fields are required; +1 per fixture (at most 3); +1 when the operation consumes another's
    output (dependency graph); +2 when no response is documented (or only "default"); +1 per spec
    issue touching the operation (at most 2); +1 for invalid-input kinds (missing_required,
    wrong_type, boundary), where validation bugs live.

Detection (D): 10 = a failure would go unnoticed, 1 = any deviation is caught at once.
    D = 10 when the operation documents no response at all. Otherwise D = 2, +4 when no success
    response has a schema (nothing to validate a body against), +2 when no 4xx is documented
    (2xx-only docs: a wrong error answer cannot be told from a right one), +1 when neither a 5xx
    nor "default" is documented, +2 for an untyped/placeholder schema spec issue, +1 when the
    scenario turns schema validation off.

Each factor is clamped to 1-10. Priority from RPN: critical >= 200, high >= 80, medium >= 30,
low below. Scenarios with RPN >= 80 (``EXECUTE_FIRST_RPN``) are executed first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assay.domain.analysis import Priority, RiskScore
from assay.domain.json import as_list, as_object
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import Scenario

CRITICAL_RPN = 200
HIGH_RPN = 80
MEDIUM_RPN = 30
EXECUTE_FIRST_RPN = HIGH_RPN  # the seed spec's "critical scenarios (RPN >= 80)" run first

PAYMENT_WORDS = (
    "pay", "payment", "payout", "checkout", "invoice", "billing", "bill", "price", "pricing", "refund",
    "charge", "wallet", "transfer", "subscription", "purchase", "order", "cart", "money", "balance",
    "credit",
)  # fmt: skip
AUTH_WORDS = (
    "auth", "authenticat", "authoriz", "login", "logout", "signin", "token", "password", "register",
    "registration", "signup", "oauth",
)  # fmt: skip
ADMIN_WORDS = ("admin", "role", "permission", "tenant", "acl", "privilege")
INVALID_KINDS = frozenset({"missing_required", "wrong_type", "boundary"})
_WORD = re.compile(r"[a-z0-9]+")


def words_of(op: Operation | None, fallback: str = "") -> set[str]:
    """Lower-case words of an operation's path, summary, tags and id (and ``fallback`` text)."""
    text = fallback
    if op is not None:
        text += " ".join((" ", op.path, op.summary, " ".join(op.tags), op.operation_id or ""))
    # camelCase and snake_case both split into words ("createPayment" -> create, payment)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()
    return set(_WORD.findall(text))


def has_word(words: set[str], vocabulary: Iterable[str]) -> bool:
    """True when a word is a vocabulary entry, its plural, or (for stems of 5+ letters) extends it.

    Short entries match exactly so "auth" does not match "authors" nor "pay" "payload".
    """
    return any(w in {v, v + "s"} or (len(v) >= 5 and w.startswith(v)) for w in words for v in vocabulary)


def operations_of(scenario: Scenario, api: ApiModel | None) -> list[Operation]:
    """The model's operations the scenario touches (those it knows about)."""
    if api is None:
        return []
    found = (api.operation(key) for key in scenario.operations)
    return [op for op in found if op is not None]


def _nature_bump(op: Operation | None, method: str, key: str) -> int:
    words = words_of(op, key)
    bumps = [0]
    if has_word(words, PAYMENT_WORDS):
        bumps.append(3)
    if has_word(words, AUTH_WORDS):
        bumps.append(2)
    if has_word(words, ADMIN_WORDS):
        bumps.append(2)
    if method == "DELETE":
        bumps.append(2)
    elif method == "POST":
        bumps.append(1)
    return max(bumps)


def severity(scenario: Scenario, api: ApiModel | None) -> int:
    """S: the scenario's own severity plus the riskiest operation nature it touches."""
    bump = 2 if scenario.kind == "no_auth" else 0
    for key in scenario.operations:
        op = api.operation(key) if api else None
        method = key.split(" ", 1)[0].upper()
        bump = max(bump, _nature_bump(op, method, key))
    return clamp(scenario.severity + bump)


def _body_counts(op: Operation) -> tuple[int, int]:
    schema = as_object(op.request_body.schema) if op.request_body else {}
    props = len(as_object(schema.get("properties")))
    required = len(as_list(schema.get("required")))
    return props, required


def occurrence(scenario: Scenario, api: ApiModel | None) -> int:
    """O: complexity of what the scenario exercises (body size, fixtures, dependencies, gaps)."""
    score = 2 + min(len(scenario.fixtures), 3)
    if scenario.kind in INVALID_KINDS:
        score += 1
    ops = operations_of(scenario, api)
    props = max((_body_counts(op)[0] for op in ops), default=0)
    required = max((_body_counts(op)[1] for op in ops), default=0)
    score += 2 if props > 10 else 1 if props > 3 else 0
    score += 1 if required > 3 else 0
    if api is not None and any(api.producers_of(op.key) for op in ops):
        score += 1
    if any(not [r for r in op.responses if r.status != "default"] for op in ops):
        score += 2
    if api is not None:
        keys = set(scenario.operations)
        score += min(sum(1 for i in api.spec_issues if i.operation in keys), 2)
    return clamp(score)


def _detection_of(op: Operation, api: ApiModel | None) -> int:
    if not op.responses:
        return 10
    statuses = op.documented_statuses()
    success = [r for r in op.responses if r.status.startswith("2") or r.status.upper() == "2XX"]
    score = 2
    if not any(r.schema for r in success):
        score += 4
    if not any(s.startswith("4") for s in statuses):
        score += 2
    if not any(s.startswith("5") or s == "default" for s in statuses):
        score += 1
    if api is not None and any(
        i.operation == op.key and i.kind in {"untyped_response", "placeholder_schema"}
        for i in api.spec_issues
    ):
        score += 2
    return score


def detection(scenario: Scenario, api: ApiModel | None) -> int:
    """D: how easily a failure would be noticed; the worst-documented operation decides."""
    ops = operations_of(scenario, api)
    # An operation we have no model of has no documented answer to check against.
    score = max((_detection_of(op, api) for op in ops), default=10 if api is None else 8)
    if scenario.actions and not any(a.expect.validate_schema for a in scenario.actions):
        score += 1
    return clamp(score)


def priority_for(rpn: int) -> Priority:
    """The priority band of an RPN (critical >= 200, high >= 80, medium >= 30, low)."""
    if rpn >= CRITICAL_RPN:
        return "critical"
    if rpn >= HIGH_RPN:
        return "high"
    if rpn >= MEDIUM_RPN:
        return "medium"
    return "low"


def clamp(value: int) -> int:
    return max(1, min(10, value))


def make_score(scenario_id: str, s: int, o: int, d: int, rationale: str) -> RiskScore:
    rpn = s * o * d
    return RiskScore(scenario_id, s, o, d, rpn, priority_for(rpn), rationale)


def score_risk(scenario: Scenario, api: ApiModel | None) -> RiskScore:
    """The RPN of one scenario, with a one-line rationale."""
    s, o, d = severity(scenario, api), occurrence(scenario, api), detection(scenario, api)
    rationale = f"S={s} ({scenario.kind}, {', '.join(scenario.operations) or 'no operation'}), O={o}, D={d}"
    return make_score(scenario.id, s, o, d, rationale)


def score_all(scenarios: Sequence[Scenario], api: ApiModel | None) -> tuple[RiskScore, ...]:
    return tuple(score_risk(s, api) for s in scenarios)


def refine_with_outcome(score: RiskScore, passed: bool | None) -> RiskScore:
    """After real execution: a failing scenario has occurred (O=10); a passing one is less likely.

    ``passed`` None (not executed, blocked) leaves the score as planned.
    """
    if passed is None:
        return score
    o = 10 if not passed else clamp(score.occurrence - 1)
    note = "failed in execution" if not passed else "passed in execution"
    return make_score(score.scenario_id, score.severity, o, score.detection, f"{score.rationale}; {note}")
