"""ui_accessibility: controls without an accessible name, images without alt text.

The proof is the unnamed controls and alt-less images the crawler read off the page.
"""

from __future__ import annotations

from assay.domain.findings import Finding
from assay.domain.pages import PageFacts
from assay.oracles.ui_common import evidence


def judge(page: PageFacts) -> list[Finding]:
    problems = [f"{c} has no accessible name" for c in page.unnamed_controls]
    problems += [f"image {src or '(inline)'} has no alt text" for src in page.images_without_alt]
    if not problems:
        return []
    steps = [f"open {page.path}", "inspect the accessibility tree"]
    element = (page.unnamed_controls or page.images_without_alt)[0]
    return [
        Finding(
            category="ui_accessibility",
            severity="medium" if page.unnamed_controls else "low",
            method="GET",
            path=page.path,
            title=f"{page.path}: {len(problems)} control(s) or image(s) without an accessible name",
            detail="; ".join(problems[:10]),
            evidence=evidence(page.path, element, page.screenshot, steps, problems=list(problems[:20])),
            reproduce="; ".join(steps),
            recommendation="Give every control a <label>, aria-label or text, and every image an alt.",
        )
    ]
