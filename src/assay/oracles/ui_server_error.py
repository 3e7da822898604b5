"""ui_server_error: an action on a page (a click, a form submission) that made the server answer 5xx.

The proof is the 5xx statuses the browser saw while the crawler performed the action.
"""

from __future__ import annotations

from assay.domain.findings import Finding
from assay.domain.pages import ActionProbe
from assay.oracles.ui_common import evidence


def judge(probe: ActionProbe) -> list[Finding]:
    statuses = sorted({*probe.server_statuses, *([probe.status] if probe.status >= 500 else [])})
    if not statuses:
        return []
    what = "submitting the form" if probe.kind != "click" else f"clicking {probe.element!r}"
    return [
        Finding(
            category="ui_server_error",
            severity="high",
            method="GET" if probe.kind == "click" else "POST",
            path=probe.page,
            title=f"{what.capitalize()} on {probe.page} answers {statuses[-1]}",
            detail=f"On {probe.page}, {what} made the server answer {', '.join(map(str, statuses))}.",
            evidence=evidence(
                probe.page, probe.element, probe.screenshot, probe.steps, statuses=list(statuses)
            ),
            reproduce="; ".join(probe.steps),
            recommendation="Look up the server's log for this request; a valid submission must not fail.",
        )
    ]
