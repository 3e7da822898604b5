"""The security families a run uses, in order. Each family adds itself here."""

from __future__ import annotations

from assay.security.base import SecurityFamily


def default_families() -> list[SecurityFamily]:
    families: list[SecurityFamily] = []
    return families
