"""Issue 10's injection, CORS, ReDoS and business-logic shapes, against a real app and its twin.

``tests/apps/attack_shapes.py`` holds the app: each fault is a shape a real API had (a boolean
pair through a path key whose errors are swallowed, an optional list filter, a careless CORS
pattern, a format-checked field validated with a backtracking regex, a wallet whose coupon,
referral and transfer rules are missing). The healthy twin fixes each one and must yield none.
"""

import asyncio
import time

import pytest
from tests.apps.attack_shapes import build_shapes_app
from tests.apps.trust_apps import serving

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.attacks.business import BusinessFlowFamily
from assay.agents.analysis.security.attacks.cors import CorsFamily
from assay.agents.analysis.security.attacks.exhaustion import ResourceExhaustionFamily
from assay.agents.analysis.security.attacks.injection import InjectionFamily
from assay.agents.analysis.security.base import FamilyReport, SecurityContext, run_families
from assay.agents.requirements.assemble import from_api
from assay.domain.findings import Finding
from assay.domain.host_policy import SafetyPolicy
from assay.domain.target import Credentials, Target
from assay.spec import build_api_model

pytestmark = pytest.mark.integration


async def _run(url: str, healthy: bool) -> list[FamilyReport]:
    api = build_api_model(build_shapes_app(healthy).openapi())
    target = Target(base_url=url, credentials=(Credentials("alice", "alice-Passw0rd!"),))
    recipes = {r.name: r for r in from_api(api).recipes}
    families = [InjectionFamily(), CorsFamily(), BusinessFlowFamily(), ResourceExhaustionFamily()]
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(api, target, transport)
        await auth.login()
        assert auth.session.authenticated, auth.session.notes
        ctx = SecurityContext(api, target, transport, recipes, auth, deadline=time.monotonic() + 300)
        return await run_families(ctx, families)


def _reports(healthy: bool) -> list[FamilyReport]:
    with serving(build_shapes_app(healthy)) as url:
        return asyncio.run(_run(url, healthy))


@pytest.fixture(scope="module")
def faulty() -> list[FamilyReport]:
    return _reports(healthy=False)


@pytest.fixture(scope="module")
def healthy() -> list[FamilyReport]:
    return _reports(healthy=True)


def found(reports: list[FamilyReport], category: str) -> list[Finding]:
    return [f for r in reports for f in r.findings if f.category == category]


def routes(findings: list[Finding]) -> set[str]:
    return {f"{f.method} {f.path}" for f in findings}


def test_no_family_crashed(faulty: list[FamilyReport], healthy: list[FamilyReport]) -> None:
    for report in (*faulty, *healthy):
        assert report.crash is None, (report.family, report.notes)


def test_a_boolean_pair_through_a_path_key_is_sql_injection(faulty: list[FamilyReport]) -> None:
    [profile] = [f for f in found(faulty, "injection") if f.path == "/users/{username}"]
    assert profile.title.startswith("SQL injection in path username"), profile.title
    assert profile.evidence["signal"] == "tautology"


def test_an_integer_path_id_formatted_unquoted_is_sql_injection(faulty: list[FamilyReport]) -> None:
    [order] = [f for f in found(faulty, "injection") if f.path == "/orders/{order_id}"]
    assert order.evidence["signal"] == "tautology" and "path order_id" in order.title, order.title


def test_an_optional_list_filter_is_an_injection_point_named_by_its_engine(
    faulty: list[FamilyReport],
) -> None:
    [items] = [f for f in found(faulty, "injection") if f.path == "/items"]
    assert "query name" in items.title and items.evidence["engine"] == "SQLite", items.title
    assert items.evidence["interpreter"] == "SQL"


def test_a_list_filter_whose_errors_are_swallowed_shows_by_its_true_false_pair(
    faulty: list[FamilyReport],
) -> None:
    [notes] = [f for f in found(faulty, "injection") if f.path == "/notes"]
    assert notes.evidence["signal"] == "tautology" and "query tag" in notes.title, notes.title


def test_a_query_operator_reaching_a_document_filter_is_nosql_injection(faulty: list[FamilyReport]) -> None:
    [products] = [f for f in found(faulty, "injection") if f.path == "/products"]
    assert products.title.startswith("NoSQL injection in query category"), products.title


def test_cors_origins_that_defeat_a_careless_pattern(faulty: list[FamilyReport]) -> None:
    [cors] = found(faulty, "cors")
    granted = set(cors.evidence["origins"])  # type: ignore[arg-type]
    assert "https://eviltarget.com" in granted and "https://app.target.com.evil.test" in granted
    assert "https://app.targetxcom" in granted
    assert "https://app.target.com" not in granted  # the app's own origin is never a finding


def test_redos_on_a_format_checked_field(faulty: list[FamilyReport]) -> None:
    exhaustion = found(faulty, "resource_exhaustion")
    assert routes(exhaustion) == {"POST /subscribe"}
    assert "body email" in exhaustion[0].title


def test_business_abuse_judged_by_the_balance_read_back(faulty: list[FamilyReport]) -> None:
    business = {f.path: f for f in found(faulty, "business_flow")}
    assert set(business) == {"/coupons/apply", "/referrals", "/transfers"}
    assert business["/coupons/apply"].evidence["probes"] == ["reuse"]
    assert business["/referrals"].evidence["probes"] == ["self_referral", "reuse"]
    assert business["/transfers"].evidence["probes"] == ["self_transfer", "negative_amount"]
    assert all(f.severity == "high" for f in business.values())


def test_the_healthy_twin_yields_none_of_these(healthy: list[FamilyReport]) -> None:
    for category in ("injection", "cors", "resource_exhaustion", "business_flow"):
        assert found(healthy, category) == [], (category, [f.title for f in found(healthy, category)])
