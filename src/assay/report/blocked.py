"""report.md's list of the third-party hosts the browser was kept from: what the pages asked
for outside the target, aborted by assay's containment. Context for the reader, never a fault."""

from __future__ import annotations

from assay.domain.run import RunResult


def blocked_section(run: RunResult) -> str:
    """ "Blocked third-party resources": one line per host with its number of requests."""
    blocked = run.observation.blocked_hosts if run.observation else ()
    if not blocked:
        return ""
    lines = [
        "## Blocked third-party resources",
        "",
        "assay keeps the browser on the target's host: these requests of the pages (scripts, fonts, "
        "images, frames, beacons, navigations) were aborted before they left the machine. They are "
        "not reported as faults of the target.",
        "",
    ]
    for b in blocked:
        caused = f"; errors it caused on the pages (noted, not findings): {' | '.join(b.errors[:3])}"
        lines.append(f"- `{b.host}`: {b.requests} request(s)" + (caused if b.errors else ""))
    return "\n".join(lines) + "\n"
