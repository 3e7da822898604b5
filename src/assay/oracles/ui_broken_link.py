"""ui_broken_link: a link on a crawled page that leads to an error page.

The proof is the status the link's target answered when the crawler checked it (400 or above),
or, where every path answers 200 (a single-page app), that its target rendered the app's own
not-found view: the same as a route that cannot exist (``LinkCheck.soft_404``).
"""

from __future__ import annotations

from assay.domain.findings import Finding
from assay.domain.pages import LinkCheck, PageFacts
from assay.oracles.ui_common import evidence


def judge(page: PageFacts) -> list[Finding]:
    out = []
    for link in page.links:
        if link.status >= 400:
            out.append(_error_page(page, link))
        elif link.soft_404:
            out.append(_not_found_view(page, link))
    return out


def _error_page(page: PageFacts, link: LinkCheck) -> Finding:
    steps = [f"open {page.path}", f"click the link {link.text!r}", f"{link.href} answers {link.status}"]
    return Finding(
        category="ui_broken_link",
        severity="high" if link.status >= 500 else "medium",
        method="GET",
        path=link.href.split("?")[0],
        title=f"Link {link.text!r} on {page.path} leads to a {link.status} page",
        detail=f"The link {link.text!r} on {page.path} points to {link.href}, which answers {link.status}.",
        evidence=evidence(page.path, link.text, page.screenshot, steps, status=link.status),
        reproduce="; ".join(steps),
        recommendation="Fix or remove the link, or restore the page it points to.",
    )


def _not_found_view(page: PageFacts, link: LinkCheck) -> Finding:
    seen = f"rendered the app's not-found view (same as {link.soft_404})"
    steps = [f"open {page.path}", f"click the link {link.text!r}", f"{link.href} {seen}"]
    return Finding(
        category="ui_broken_link",
        severity="medium",
        method="GET",
        path=link.href.split("?")[0],
        title=f"Link {link.text!r} on {page.path} leads to the app's not-found page",
        detail=f"The link {link.text!r} on {page.path} points to {link.href}: the server answers "
        f"{link.status} as it does for any path, and the page {seen}.",
        evidence=evidence(
            page.path, link.text, page.screenshot, steps, status=link.status, not_found_as=link.soft_404
        ),
        reproduce="; ".join(steps),
        recommendation="Fix or remove the link, or add the route it points to.",
    )
