"""ui_broken_link: a link on a crawled page that leads to an error page.

The proof is the status the link's target answered when the crawler checked it (400 or above).
"""

from __future__ import annotations

from assay.domain.findings import Finding
from assay.domain.pages import PageFacts
from assay.oracles.ui_common import evidence


def judge(page: PageFacts) -> list[Finding]:
    out = []
    for link in page.links:
        if link.status < 400:
            continue
        steps = [f"open {page.path}", f"click the link {link.text!r}", f"{link.href} answers {link.status}"]
        out.append(
            Finding(
                category="ui_broken_link",
                severity="high" if link.status >= 500 else "medium",
                method="GET",
                path=link.href.split("?")[0],
                title=f"Link {link.text!r} on {page.path} leads to a {link.status} page",
                detail=f"The link {link.text!r} on {page.path} points to {link.href}, "
                f"which answers {link.status}.",
                evidence=evidence(page.path, link.text, page.screenshot, steps, status=link.status),
                reproduce="; ".join(steps),
                recommendation="Fix or remove the link, or restore the page it points to.",
            )
        )
    return out
