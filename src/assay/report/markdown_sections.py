"""The later sections of report.md: conventions, schema, coverage, recommendations, how to run."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json, as_list
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageItem
from assay.domain.verdict import stopped_short
from assay.report.common import by_severity, operation_of
from assay.report.web_run import is_web_run

PRIORITIES = (
    ("P0", "Immediate Action Required", ("critical",)),
    ("P1", "High Priority", ("high",)),
    ("P2", "Medium Priority", ("medium",)),
    ("P3", "Low Priority", ("low", "info")),
)


def redirects_section(findings: Sequence[Finding]) -> str:
    """Trailing-slash redirects and other convention findings, listed together."""
    redirects = [f for f in findings if f.category == "redirect"]
    if not redirects:
        return ""
    lines = ["## Redirects and Conventions", ""]
    lines.append("**Finding**: these endpoints answer with a redirect instead of serving the request:")
    lines.append("")
    for f in redirects:
        location = f.evidence.get("location") or f.evidence.get("redirect_to")
        target = f" → `{location}`" if isinstance(location, str) else ""
        lines.append(f"- `{operation_of(f)}`{target}: {f.title}")
    lines += ["", "**Recommendation**: serve both forms of the path or document the canonical one;"]
    lines.append("clients that do not follow redirects (or drop the body on 307) break otherwise.")
    return "\n".join(lines) + "\n"


def _json_block(value: Json) -> list[str]:
    return ["```json", json.dumps(value, indent=2, ensure_ascii=False), "```"]


def _required_fields(finding: Finding) -> list[str]:
    for key in ("required_fields", "missing_fields", "fields"):
        fields = [str(v) for v in as_list(finding.evidence.get(key))]
        if fields:
            return fields
    return []


def schema_section(findings: Sequence[Finding]) -> str:
    """What the server really requires (spec drift), with the body that worked when known."""
    drift = [f for f in findings if f.category == "spec_drift"]
    if not drift:
        return ""
    lines = ["## Schema Requirements Discovered", ""]
    for f in drift:
        lines += [f"### `{operation_of(f)}`", "", f"**Finding**: {f.detail or f.title}", ""]
        fields = _required_fields(f)
        if fields:
            lines += ["**Required fields**: " + ", ".join(f"`{name}`" for name in fields), ""]
        working = f.evidence.get("working_body", f.evidence.get("accepted_body"))
        if working is not None:
            lines += ["**A body the server accepted**:", *_json_block(working), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def spec_quality_section(run: RunResult) -> str:
    """Weaknesses of the spec itself: what a generated client would get wrong."""
    findings = [f for f in run.findings if f.category == "spec_quality"]
    issues = run.observation.api.spec_issues if run.observation and run.observation.api else ()
    if not findings and not issues:
        return ""
    lines = ["## Spec Quality", ""]
    lines += [f"- **{f.title}** (`{operation_of(f)}`): {f.detail}" for f in findings]
    if not findings:  # the spec_quality findings already carry every issue; never say it twice
        lines += [
            f"- `{i.kind}`" + (f" (`{i.operation}`)" if i.operation else "") + f": {i.message}"
            for i in issues
        ]
    return "\n".join(lines) + "\n"


# Standing gaps a security family closes when it really sent requests (family, finding category).
GAP_FAMILIES: dict[str, tuple[str, str]] = {
    "rate limiting": ("rate_limiting", "rate_limiting"),
    "concurrency": ("concurrency", "race_condition"),
    "multi-tenant isolation": ("broken_object_authorization", "broken_object_authorization"),
}


def _identities(run: RunResult) -> list[str]:
    """The identities (by label, never a secret) whose requests the run recorded."""
    labels = [e.action.split(": ", 1)[0] for e in run.exchanges if ": " in e.action]
    return list(dict.fromkeys(label for label in labels if label and " " not in label))


def _statuses(exchanges: Sequence[Exchange]) -> str:
    counts = Counter(str(e.status) if e.status is not None else "no answer" for e in exchanges)
    return ", ".join(f"{status}×{n}" for status, n in sorted(counts.items()))


def _sent_for_gap(run: RunResult, item: CoverageItem) -> CoverageItem | None:
    """The gap as a tested item when the run's traffic shows it was tested after all."""
    sent = run.analysis.family_requests if run.analysis is not None else {}
    gap = GAP_FAMILIES.get(item.item.lower())
    if gap is not None:
        family, category = gap
        if not sent.get(family):
            return None
        found = sum(1 for f in run.findings if f.category == category)
        who = _identities(run) if family == "broken_object_authorization" else []
        by = f" as {', '.join(who)}" if len(who) > 1 else ""
        said = f"{sent[family]} requests by the {family} check{by}, {found} finding(s)"
        return CoverageItem(item.item, said)
    mine = [e for e in run.exchanges if e.operation == item.item and e.response is not None]
    valid = [e for e in mine if e.intent in ("valid", "setup") and 200 <= (e.status or 0) < 300]
    if valid:
        return CoverageItem(item.item, f"{len(mine)} requests sent ({_statuses(mine)})")
    return None


def _annotated(run: RunResult, item: CoverageItem) -> CoverageItem:
    """A gap that stays a gap, with what was sent to it anyway (e.g. only refused probes)."""
    mine = [e for e in run.exchanges if e.operation == item.item]
    if not mine:
        return item
    return CoverageItem(item.item, f"{item.reason}; only probed: {len(mine)} requests ({_statuses(mine)})")


def coverage_lists(run: RunResult) -> tuple[list[CoverageItem], list[CoverageItem]]:
    """(tested, not tested), the requirements' plan corrected by what was really sent."""
    cov = run.requirements.coverage if run.requirements else None
    tested = list(cov.covered) if cov else []
    untested: list[CoverageItem] = []
    for item in cov.not_covered if cov else ():
        done = _sent_for_gap(run, item)
        if done is not None:
            tested.append(done)
        else:
            untested.append(_annotated(run, item))
    return tested, untested


def _bullets(items: Sequence[CoverageItem], empty: str) -> list[str]:
    return [f"- {i.item}" + (f" — {i.reason}" if i.reason else "") for i in items] or [empty]


def coverage_section(run: RunResult) -> str:
    """What's tested ✅ and what's NOT tested ❌: the plan, corrected by the traffic really sent."""
    if run.requirements is None:
        return ""
    cov = run.requirements.coverage
    lines = ["## Test Coverage Analysis", ""]
    lines.append(f"**Operations covered**: {cov.operations_covered}/{cov.operations_total} ({cov.ratio:.0%})")
    if cov.scenarios_by_kind:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(cov.scenarios_by_kind.items()))
        lines.append(f"**Scenarios by kind**: {kinds}")
    tested, untested = coverage_lists(run)
    lines += ["", "### What's Tested ✅", "", *_bullets(tested, "- nothing")]
    lines += ["", "### What's NOT Tested ❌", "", *_bullets(untested, "- nothing left out")]
    learned = run.analysis.learned_bodies if run.analysis is not None else ()
    if learned:
        # The first answers to these bodies were assay's gap, not the server's fault: never judged.
        lines += ["", "### Request bodies learned from the server", "", *(f"- {line}" for line in learned)]
    return "\n".join(lines) + "\n"


def _recommendation(number: int, finding: Finding) -> list[str]:
    lines = [
        f"{number}. **Fix: {finding.title}** (`{operation_of(finding)}`, {finding.id or finding.category})"
    ]
    if finding.recommendation:
        lines.append(f"   - {finding.recommendation}")
    return lines


def recommendations_section(run: RunResult) -> str:
    """P0-P3 from the findings' severities, plus coverage work when parts were not tested."""
    lines = ["## Recommendations", ""]
    number = 0
    # A web run's standing gaps are the API's (there is none): not work left for this target.
    not_covered = [] if is_web_run(run) else coverage_lists(run)[1]
    for code, title, severities in PRIORITIES:
        chosen = [f for f in by_severity(run.findings) if f.severity in severities]
        extra = code == "P2" and bool(not_covered)
        if not chosen and not extra:
            continue
        lines += [f"### {title} ({code})", ""]
        for finding in chosen:
            number += 1
            lines += _recommendation(number, finding)
        if extra:
            number += 1
            lines.append(f"{number}. **Expand test coverage**: {len(not_covered)} area(s) are not tested yet")
        lines.append("")
    stopped = stopped_short(run)
    if number == 0 and stopped:
        lines.append(f"1. **Make the run complete**: {stopped}. Nothing can be judged until it does.")
    elif number == 0:
        lines.append("Nothing to fix in what was tested; keep the generated suite in CI.")
    return "\n".join(lines).rstrip("\n") + "\n"


# A family whose findings carry another category name than its own.
_FAMILY_CATEGORY = {"concurrency": "race_condition", "web_open_redirect": "open_redirect"}


def security_rows(run: RunResult) -> list[tuple[str, int, str]]:
    """(family, requests sent, findings or "— (not run)") for each security family."""
    counts = run.analysis.family_requests if run.analysis is not None else {}
    rows = []
    for family, n in counts.items():
        category = _FAMILY_CATEGORY.get(family, family)
        found = sum(1 for f in run.findings if f.category == category)
        rows.append((family, n, str(found) if n else "— (not run)"))
    return rows


def security_section(run: RunResult) -> str:
    """How many requests each security family really sent, and what they found."""
    rows = security_rows(run)
    if not rows:
        return ""
    lines = ["## Security Checks", "", "| family | requests | findings |", "|---|---:|---:|"]
    lines += [f"| {family} | {n} | {found} |" for family, n, found in rows]
    lines += [f"| **total** | **{sum(n for _, n, _ in rows)}** | |", ""]
    return "\n".join(lines)


def running_section(run: RunResult) -> str:
    """How to run the generated suite against this or another environment."""
    if run.evolution is None or not run.evolution.files:
        return ""
    auth = run.observation.api.auth if run.observation and run.observation.api else None
    creds = "ASSAY_USERNAME=... ASSAY_PASSWORD=... " if auth and auth.kind not in ("none", "api_key") else ""
    return (
        "\n".join(
            [
                "## Running the Generated Suite",
                "",
                "```bash",
                "pip install -r tests/requirements.txt",
                f"BASE_URL={run.target} {creds}pytest tests/",
                "pytest tests/ -m finding      # only the tests tied to findings: they pass once fixed",
                "pytest tests/ -m smoke        # the quick checks",
                "```",
                "",
                "Credentials come only from the environment; the suite stores none.",
            ]
        )
        + "\n"
    )
