"""ui_functional: a page does not do what it is for. A search shows items that do not match, a
filter keeps what it should hide, a sort leaves the list out of order, a form's new item never
appears, a cancelled dialog takes effect, one click moves a count by two, Back leaves the old
view on screen.

The proof is an affordance scenario (see :mod:`assay.agents.requirements.affordance_scenarios`)
whose expectation failed twice, each time in a fresh browser context, at the same step: the
steps, the expectation, what the page showed instead, and the page before and after. A step
assay could not take (an element it could not find) is never this finding: only a behaviour
that was observed and was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.domain.findings import Finding, Severity
from assay.domain.scenarios import FUNCTIONAL_KINDS, Scenario
from assay.oracles.ui_common import evidence


@dataclass(frozen=True)
class BrokenExpectation:
    """One run's failed expectation: the step (index into ``ui_steps``), why, where, and the
    screenshots before the action and after the failure ('' without a screenshot folder)."""

    step: int
    reason: str
    url: str
    before: str = ""
    after: str = ""


# What a product owner loses when each behaviour does not hold.
SEVERITY: dict[str, Severity] = {
    "ui_create": "high",  # what the user made is not there
    "ui_persistence": "high",  # what the user made is lost
    "ui_validation": "medium",
    "ui_search": "medium",
    "ui_filter": "medium",
    "ui_sort": "medium",
    "ui_dialog": "medium",
    "ui_counter": "medium",
    "ui_history": "medium",
    "ui_pagination": "low",
    "ui_tabs": "low",
}
_RECOMMENDATION = {
    "ui_search": "Filter the list on the whole search term, case-insensitively, and show an empty state.",
    "ui_filter": "Show exactly the items the chosen option names; the first option restores the list.",
    "ui_sort": "Sort on the values (numbers as numbers), in the direction the option names.",
    "ui_create": "Render the new item in the list as soon as it is saved.",
    "ui_validation": "Refuse an empty required field with a visible message, and create nothing.",
    "ui_dialog": "Cancel must discard what was typed; confirm must apply it and close the dialog.",
    "ui_counter": "Change the count by one per action, from one source of truth.",
    "ui_persistence": "Save what the page says it keeps, and read it back on load.",
    "ui_history": "Render the route of the URL on popstate, so Back and Forward show their page.",
}


def judge(
    scenario: Scenario, first: BrokenExpectation | None, again: BrokenExpectation | None
) -> list[Finding]:
    """A finding when the scenario's expectation broke in both runs at the same step."""
    if scenario.kind not in FUNCTIONAL_KINDS or first is None or again is None or first.step != again.step:
        return []
    steps = [s.description or s.action for s in scenario.ui_steps[: first.step + 1]]
    expected = scenario.ui_steps[first.step].description
    page = str(
        scenario.data.get("page") or next((u.value for u in scenario.ui_steps if u.action == "goto"), "/")
    )
    return [
        Finding(
            category="ui_functional",
            severity=SEVERITY.get(scenario.kind, "medium"),
            method="GET",
            path=page,
            title=f"{scenario.title}: it does not",
            detail=f"Expected: {expected}. Observed: {again.reason.split(': ', 1)[-1]}",
            evidence=evidence(
                page,
                str(scenario.data.get("label") or ""),
                again.after,
                steps,
                expectation=expected,
                observed=again.reason,
                url_after=again.url,
                screenshot_before=again.before,
                screenshot_after=again.after,
                affordance=str(scenario.data.get("affordance") or ""),
                scenario_kind=scenario.kind,
                scenario=scenario.id,
                runs=2,
            ),
            reproduce="; ".join(steps),
            scenario_id=scenario.id,
            recommendation=_RECOMMENDATION.get(scenario.kind, "Make the page do what its control offers."),
            proof="reproduced",
        )
    ]


def per_page(findings: list[Finding]) -> list[Finding]:
    """One finding per page, as findings.json keeps one per (category, method, path): each
    behaviour that broke there stays listed in ``evidence.behaviours`` with its own proof."""
    pages: dict[str, list[Finding]] = {}
    for finding in findings:
        pages.setdefault(finding.path, []).append(finding)
    out = []
    for page, group in pages.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        worst = max(group, key=lambda f: _RANK[f.severity])
        titles = [f.title.removesuffix(": it does not") for f in group]
        out.append(
            Finding(
                category="ui_functional",
                severity=worst.severity,
                method="GET",
                path=page,
                title=f"{len(group)} behaviours of {page} do not hold: " + "; ".join(titles),
                detail=" | ".join(f"{t}: {f.detail}" for t, f in zip(titles, group, strict=True)),
                evidence={
                    **worst.evidence,
                    "behaviours": [dict(f.evidence, title=t) for t, f in zip(titles, group, strict=True)],
                },
                reproduce=" || ".join(f.reproduce for f in group),
                scenario_id=worst.scenario_id,
                recommendation=" ".join(dict.fromkeys(f.recommendation for f in group)),
                occurrences=len(group),
                proof="reproduced",
            )
        )
    return out


_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
