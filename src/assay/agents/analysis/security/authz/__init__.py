"""Identities, authorization and state: the families of issue 3, sharing one identity pool."""

from __future__ import annotations

from assay.agents.analysis.security.authz.bfla import BrokenFunctionAuthorization
from assay.agents.analysis.security.authz.bola import BrokenObjectAuthorization
from assay.agents.analysis.security.authz.concurrency import Concurrency
from assay.agents.analysis.security.authz.mass_assignment import MassAssignment
from assay.agents.analysis.security.authz.missing_auth import MissingAuthentication
from assay.agents.analysis.security.authz.reach import IdentityReach
from assay.agents.analysis.security.authz.state import LostUpdate, StaleResource
from assay.agents.analysis.security.base import SecurityFamily
from assay.agents.analysis.security.identities import IdentityPool


def authz_families() -> list[SecurityFamily]:
    """The authorization and state families, in the order they run, sharing their identities."""
    pool = IdentityPool()
    return [
        IdentityReach(pool),  # first: the attack families use what it learns
        MissingAuthentication(pool),
        BrokenObjectAuthorization(pool),
        BrokenFunctionAuthorization(pool),
        MassAssignment(pool),
        StaleResource(pool),
        LostUpdate(pool),
        Concurrency(pool),
    ]
