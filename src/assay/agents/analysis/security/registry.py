"""The security families a run uses, in order. Each family adds itself here."""

from __future__ import annotations

from assay.agents.analysis.security.attacks import attack_families
from assay.agents.analysis.security.authz import authz_families
from assay.agents.analysis.security.base import SecurityFamily


def default_families() -> list[SecurityFamily]:
    families: list[SecurityFamily] = []
    families.extend(authz_families())
    families.extend(attack_families())
    return families
