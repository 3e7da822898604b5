"""Attack families (issue 4): injection, SSRF, broken authentication, disclosure, exposure,
enumeration, rate limiting, resource exhaustion, CORS, open redirects and business-flow abuse."""

from __future__ import annotations

from assay.agents.analysis.security.attacks.broken_auth import BrokenAuthenticationFamily
from assay.agents.analysis.security.attacks.business import BusinessFlowFamily
from assay.agents.analysis.security.attacks.cors import CorsFamily
from assay.agents.analysis.security.attacks.disclosure import InformationDisclosureFamily
from assay.agents.analysis.security.attacks.exhaustion import ResourceExhaustionFamily
from assay.agents.analysis.security.attacks.exposure import DataExposureFamily
from assay.agents.analysis.security.attacks.injection import InjectionFamily
from assay.agents.analysis.security.attacks.login import RateLimitingFamily, UserEnumerationFamily
from assay.agents.analysis.security.attacks.redirects import OpenRedirectFamily
from assay.agents.analysis.security.attacks.ssrf import SsrfFamily
from assay.agents.analysis.security.base import SecurityFamily


def attack_families() -> list[SecurityFamily]:
    """In run order; the failed-login burst goes last so nothing after it meets a throttled login."""
    return [
        InformationDisclosureFamily(),
        DataExposureFamily(),
        CorsFamily(),
        OpenRedirectFamily(),
        BrokenAuthenticationFamily(),
        InjectionFamily(),
        SsrfFamily(),
        ResourceExhaustionFamily(),
        BusinessFlowFamily(),
        UserEnumerationFamily(),
        RateLimitingFamily(),
    ]
