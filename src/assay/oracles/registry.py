"""Every finding category and the oracle that judges it; the HTTP oracles in the order they run.

``ORACLES`` is the map a reader (and a test) checks: one module per category, named after it.
The HTTP oracles judge every recorded exchange (``judge_all``); the security oracles judge the
trials their probe families record (``assay.agents.analysis.security``); the UI oracles judge
the crawled pages (``ui.judge_pages``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from types import ModuleType

from assay.domain.crashes import isolated
from assay.domain.exchanges import Exchange
from assay.domain.findings import Category, Finding
from assay.domain.operations import ApiModel
from assay.oracles import (
    broken_authentication,
    broken_function_authorization,
    broken_object_authorization,
    business_flow,
    cookie_flags,
    cors,
    data_exposure,
    information_disclosure,
    injection,
    lost_update,
    mass_assignment,
    missing_authentication,
    missing_endpoint,
    open_redirect,
    race_condition,
    rate_limiting,
    redirect,
    resource_exhaustion,
    response_schema,
    security_headers,
    server_error,
    session_management,
    slow_response,
    spec_drift,
    spec_quality,
    ssrf,
    stale_resource,
    status_code,
    ui_accessibility,
    ui_broken_link,
    ui_console_error,
    ui_functional,
    ui_server_error,
    ui_silent_failure,
    user_enumeration,
    weak_password_policy,
    weak_session_secret,
)
from assay.oracles.base import Judge, OracleContext

ORACLES: dict[Category, ModuleType] = {
    "server_error": server_error,
    "missing_endpoint": missing_endpoint,
    "spec_drift": spec_drift,
    "response_schema": response_schema,
    "status_code": status_code,
    "redirect": redirect,
    "spec_quality": spec_quality,
    "slow_response": slow_response,
    "missing_authentication": missing_authentication,
    "broken_function_authorization": broken_function_authorization,
    "broken_object_authorization": broken_object_authorization,
    "broken_authentication": broken_authentication,
    "information_disclosure": information_disclosure,
    "ssrf": ssrf,
    "cors": cors,
    "open_redirect": open_redirect,
    "security_headers": security_headers,
    "cookie_flags": cookie_flags,
    "session_management": session_management,
    "weak_session_secret": weak_session_secret,
    "weak_password_policy": weak_password_policy,
    "resource_exhaustion": resource_exhaustion,
    "data_exposure": data_exposure,
    "injection": injection,
    "mass_assignment": mass_assignment,
    "user_enumeration": user_enumeration,
    "rate_limiting": rate_limiting,
    "stale_resource": stale_resource,
    "lost_update": lost_update,
    "race_condition": race_condition,
    "business_flow": business_flow,
    "ui_broken_link": ui_broken_link,
    "ui_console_error": ui_console_error,
    "ui_server_error": ui_server_error,
    "ui_accessibility": ui_accessibility,
    "ui_silent_failure": ui_silent_failure,
    "ui_functional": ui_functional,
}

HTTP_ORACLES: tuple[tuple[str, Judge], ...] = (
    ("server_error", server_error.judge),
    ("missing_endpoint", missing_endpoint.judge),
    ("spec_drift", spec_drift.judge),
    ("response_schema", response_schema.judge),
    ("status_code", status_code.judge),
    ("redirect", redirect.judge),
    ("spec_quality", spec_quality.judge),
    ("slow_response", slow_response.judge),
)


def judge_all(
    exchanges: Sequence[Exchange],
    api: ApiModel | None,
    context: OracleContext,
    crashes: list[str] | None = None,
) -> list[Finding]:
    """Every HTTP oracle's findings, unmerged (``merge.merge_findings`` dedups and numbers them).

    An oracle that raises judges nothing; the others still run, and the crash is one line in
    ``crashes`` (when given) and a traceback in the log.
    """
    findings: list[Finding] = []
    notes = crashes if crashes is not None else []
    for name, judge in HTTP_ORACLES:
        work = partial(judge, exchanges, api, context)
        findings.extend(isolated(f"oracle {name}", f"no {name} findings were judged", work, [], notes))
    return findings
