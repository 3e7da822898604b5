"""ui_console_error: a page that throws or logs errors in the browser console.

The proof is the console errors the crawler recorded while the page loaded.
"""

from __future__ import annotations

from assay.domain.findings import Finding
from assay.domain.pages import PageFacts
from assay.oracles.ui_common import evidence


def judge(page: PageFacts) -> list[Finding]:
    if not page.console_errors:
        return []
    steps = [f"open {page.path}", "read the browser console"]
    return [
        Finding(
            category="ui_console_error",
            severity="medium",
            method="GET",
            path=page.path,
            title=f"{page.path} logs {len(page.console_errors)} console error(s)",
            detail="The page throws or logs errors in the browser: " + " | ".join(page.console_errors[:3]),
            evidence=evidence(page.path, "", page.screenshot, steps, errors=list(page.console_errors[:10])),
            reproduce="; ".join(steps),
            recommendation="Fix the script error; a page that throws may leave features half-initialised.",
        )
    ]
