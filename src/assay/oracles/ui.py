"""The UI oracles in one call: every finding the crawler's recorded pages show.

Each category is judged in its own module (``ui_broken_link``, ``ui_console_error``,
``ui_accessibility``, ``ui_server_error``, ``ui_silent_failure``); this runs them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.findings import Finding
from assay.domain.pages import PageFacts
from assay.oracles import (
    ui_accessibility,
    ui_broken_link,
    ui_console_error,
    ui_server_error,
    ui_silent_failure,
)


def judge_pages(pages: Sequence[PageFacts]) -> list[Finding]:
    """Every UI finding the recorded pages show, one per (category, method, path)."""
    found: list[Finding] = []
    for page in pages:
        found.extend(ui_broken_link.judge(page))
        found.extend(ui_console_error.judge(page))
        found.extend(ui_accessibility.judge(page))
        for probe in page.actions:
            found.extend(ui_server_error.judge(probe))
            found.extend(ui_silent_failure.judge(probe))
    unique: dict[tuple[str, str, str], Finding] = {}
    for finding in found:
        unique.setdefault(finding.dedup_key, finding)
    return list(unique.values())
