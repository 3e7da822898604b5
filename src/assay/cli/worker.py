"""``assay worker``: run workflows from the distributed queue (ASSAY_BROKER_URL)."""

from __future__ import annotations

from assay.bootstrap import run_worker
from assay.settings import Settings


def work(hostname: str | None) -> None:
    """Take workflows from the queue one at a time until interrupted (settings from ASSAY_*)."""
    run_worker(Settings(), None, hostname)
