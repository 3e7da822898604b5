"""Attack families (issue 4): injection, SSRF, broken authentication, disclosure, exposure,
enumeration, rate limiting, resource exhaustion, CORS and business-flow abuse."""

from __future__ import annotations

from assay.security.attacks.broken_auth import BrokenAuthenticationFamily
from assay.security.attacks.business import BusinessFlowFamily
from assay.security.attacks.cors import CorsFamily
from assay.security.attacks.disclosure import InformationDisclosureFamily
from assay.security.attacks.exhaustion import ResourceExhaustionFamily
from assay.security.attacks.exposure import DataExposureFamily
from assay.security.attacks.injection import InjectionFamily
from assay.security.attacks.login import RateLimitingFamily, UserEnumerationFamily
from assay.security.attacks.ssrf import SsrfFamily
from assay.security.base import SecurityFamily


def attack_families() -> list[SecurityFamily]:
    """In run order; the failed-login burst goes last so nothing after it meets a throttled login."""
    return [
        InformationDisclosureFamily(),
        DataExposureFamily(),
        CorsFamily(),
        BrokenAuthenticationFamily(),
        InjectionFamily(),
        SsrfFamily(),
        ResourceExhaustionFamily(),
        BusinessFlowFamily(),
        UserEnumerationFamily(),
        RateLimitingFamily(),
    ]
