"""The severity rubric: docs/severity-rubric.md and domain/severity.py say the same thing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from assay.domain.findings import Category
from assay.domain.severity import DEFAULTS, Impact, at_most, critical_because, rate

DOC = Path(__file__).resolve().parents[2] / "docs" / "severity-rubric.md"


def _doc_defaults() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8").split("## Defaults", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| (\w+) \| (critical|high|medium|low|info) \|$", text, re.M))


def test_every_category_has_a_default_and_the_doc_lists_it() -> None:
    assert set(DEFAULTS) == set(get_args(Category))
    assert _doc_defaults() == DEFAULTS


def test_sql_injection_that_leaks_the_admin_password_is_critical() -> None:
    assert rate("injection", Impact(secrets=True)) == "critical"
    assert rate("injection", Impact(reads_data=True)) == "critical"
    assert rate("injection") == "high"  # an interpreter error, nothing read yet


def test_anonymous_list_of_every_plaintext_password_is_critical() -> None:
    facts = Impact(anonymous=True, secrets=True, plaintext_passwords=True, others_data=True)
    assert rate("missing_authentication", facts) == "critical"
    assert rate("data_exposure", facts) == "critical"
    assert critical_because("data_exposure", facts) == "plaintext passwords exposed"


def test_authentication_bypass_and_privilege_are_critical() -> None:
    assert rate("broken_authentication", Impact(bypass=True)) == "critical"
    assert rate("broken_authentication") == "high"  # a deleted user's token still works
    assert rate("mass_assignment", Impact(privilege=True)) == "critical"
    assert rate("mass_assignment") == "high"


def test_unauthenticated_secrets_or_others_data_are_critical() -> None:
    assert rate("missing_authentication", Impact(anonymous=True, others_data=True)) == "critical"
    assert rate("missing_authentication", Impact(anonymous=True)) == "high"
    assert rate("missing_authentication", Impact(anonymous=True, writes=True)) == "critical"


def test_own_data_and_declared_public_are_lowered() -> None:
    assert rate("data_exposure", Impact(own_only=True)) == "low"
    assert rate("data_exposure", Impact(own_only=True, secrets=True)) == "medium"
    assert rate("data_exposure", Impact(others_data=True)) == "medium"  # contact data of others
    assert rate("data_exposure", Impact(secrets=True, others_data=True)) == "high"
    assert rate("data_exposure", Impact(own_only=True, plaintext_passwords=True, secrets=True)) == "medium"
    public = Impact(anonymous=True, declared_public=True)
    assert rate("missing_authentication", public) == "low"
    # Declared public or not, handing anyone secrets stays critical.
    assert rate("missing_authentication", Impact(anonymous=True, declared_public=True, secrets=True)) == (
        "critical"
    )


@pytest.mark.parametrize("category", ["server_error", "spec_drift", "ui_silent_failure", "business_flow"])
def test_critical_rules_are_for_security_categories_only(category: Category) -> None:
    assert rate(category, Impact(bypass=True, anonymous=True, secrets=True)) == DEFAULTS[category]


def test_flaky_is_capped() -> None:
    assert at_most("critical", "low") == "low"
    assert at_most("info", "low") == "info"
