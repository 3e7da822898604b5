"""The UI oracles in one call: every finding the crawler's recorded pages show.

Each category is judged in its own module (``ui_broken_link``, ``ui_console_error``,
``ui_accessibility``, ``ui_server_error``, ``ui_silent_failure``); this runs them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.findings import Finding
from assay.domain.pages import PageFacts
from assay.oracles.ui_accessibility import accessibility
from assay.oracles.ui_broken_link import broken_links
from assay.oracles.ui_console_error import console_errors
from assay.oracles.ui_server_error import server_error
from assay.oracles.ui_silent_failure import silent_failure


def judge_pages(pages: Sequence[PageFacts]) -> list[Finding]:
    """Every UI finding the recorded pages show, one per (category, method, path)."""
    found: list[Finding] = []
    for page in pages:
        found.extend(broken_links(page))
        found.extend(console_errors(page))
        found.extend(accessibility(page))
        for probe in page.actions:
            found.extend(server_error(probe))
            found.extend(silent_failure(probe))
    unique: dict[tuple[str, str, str], Finding] = {}
    for finding in found:
        unique.setdefault(finding.dedup_key, finding)
    return list(unique.values())
