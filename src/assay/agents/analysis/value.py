"""Business value, execution-time estimates and ROI of each scenario. Pure and deterministic.

Business value (each 0-1, from the operations' words and the scenario's kind):
    revenue_impact     1.0 payment/money words, 0.6 commerce words (product, catalog, plan ...),
                       0.3 other writes, 0.15 reads.
    user_impact        0.9 auth/account words, 0.6 writes, 0.5 reads, +0.1 for happy paths
                       and CRUD lifecycles (what users do every day).
    compliance_impact  0.9 auth/admin words or a no_auth scenario (access control), 0.6 for
                       personal-data words (email, profile, consent, export, audit ...) or a
                       DELETE, else 0.2.
    total_value        0.4 revenue + 0.35 user + 0.25 compliance.

Time: 0.1 s per safe request, 0.25 s per write, 0.2 s per DELETE, plus 0.25 s per fixture
recipe in the chain; fast < 1 s <= medium < 3 s <= slow.

ROI: bug_detection_value = 0.6 x RPN/1000 + 0.4 x total_value (0-1); test_cost = estimated
seconds + 0.05 per action (upkeep); roi = value / cost.
"""

from __future__ import annotations

from collections.abc import Mapping

from assay.agents.analysis.risk import (
    ADMIN_WORDS,
    AUTH_WORDS,
    PAYMENT_WORDS,
    has_word,
    operations_of,
    words_of,
)
from assay.domain.analysis import BusinessValue, ExecutionTime, RiskScore, RoiScore
from assay.domain.operations import ApiModel
from assay.domain.scenarios import ResourceRecipe, Scenario
from assay.domain.target import SAFE_METHODS

COMMERCE_WORDS = ("product", "catalog", "plan", "offer", "coupon", "discount", "shop", "store", "sku")
ACCOUNT_WORDS = (*AUTH_WORDS, "account", "user", "profile", "me", "signin")
PERSONAL_WORDS = ("email", "profile", "consent", "export", "audit", "gdpr", "address", "personal", "phone")
FIXTURE_SECONDS = 0.25
FAST_BELOW = 1.0
MEDIUM_BELOW = 3.0


def _words(scenario: Scenario, api: ApiModel | None) -> set[str]:
    words = words_of(None, " ".join((scenario.title, scenario.feature, *scenario.operations)))
    for op in operations_of(scenario, api):
        words |= words_of(op)
    return words


def _methods(scenario: Scenario) -> set[str]:
    return {a.request.method.upper() for a in scenario.actions} or {
        key.split(" ", 1)[0].upper() for key in scenario.operations
    }


def business_value(scenario: Scenario, api: ApiModel | None) -> BusinessValue:
    """How much the business loses if what this scenario checks is broken."""
    words, methods = _words(scenario, api), _methods(scenario)
    writes = bool(methods - SAFE_METHODS)
    if has_word(words, PAYMENT_WORDS):
        revenue = 1.0
    elif has_word(words, COMMERCE_WORDS):
        revenue = 0.6
    else:
        revenue = 0.3 if writes else 0.15
    user = 0.9 if has_word(words, ACCOUNT_WORDS) else 0.6 if writes else 0.5
    if scenario.kind in {"happy_path", "crud_lifecycle"}:
        user = min(1.0, user + 0.1)
    if scenario.kind == "no_auth" or has_word(words, AUTH_WORDS) or has_word(words, ADMIN_WORDS):
        compliance = 0.9
    elif has_word(words, PERSONAL_WORDS) or "DELETE" in methods:
        compliance = 0.6
    else:
        compliance = 0.2
    total = 0.4 * revenue + 0.35 * user + 0.25 * compliance
    return BusinessValue(
        scenario.id, round(revenue, 3), round(user, 3), round(compliance, 3), round(total, 3)
    )


def fixture_chain(names: tuple[str, ...], recipes: Mapping[str, ResourceRecipe]) -> list[str]:
    """Recipe names to run, prerequisites first, each once; unknown names are kept (and fail later)."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered or name in visiting:
            return  # already placed, or a cycle: break it rather than loop forever
        visiting.add(name)
        recipe = recipes.get(name)
        for required in recipe.requires if recipe else ():
            visit(required)
        visiting.discard(name)
        ordered.append(name)

    for name in names:
        visit(name)
    return ordered


def _request_seconds(method: str) -> float:
    method = method.upper()
    if method in SAFE_METHODS:
        return 0.1
    return 0.2 if method == "DELETE" else 0.25


def execution_time(scenario: Scenario, recipes: Mapping[str, ResourceRecipe]) -> ExecutionTime:
    """Estimated wall time of one run of the scenario, its fixtures included."""
    seconds = sum(_request_seconds(a.request.method) for a in scenario.actions)
    seconds += FIXTURE_SECONDS * len(fixture_chain(scenario.fixtures, recipes))
    seconds = round(seconds, 3)
    if seconds < FAST_BELOW:
        return ExecutionTime(scenario.id, seconds, "fast")
    return ExecutionTime(scenario.id, seconds, "medium" if seconds < MEDIUM_BELOW else "slow")


def roi_score(scenario: Scenario, risk: RiskScore, value: BusinessValue, time: ExecutionTime) -> RoiScore:
    """Bug-finding value per second of testing."""
    detection_value = round(0.6 * risk.rpn / 1000 + 0.4 * value.total_value, 4)
    cost = round(time.estimated_seconds + 0.05 * len(scenario.actions), 4)
    roi = round(detection_value / cost, 4) if cost > 0 else 0.0
    return RoiScore(scenario.id, roi, detection_value, cost)
