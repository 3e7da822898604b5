"""The UI oracles: pure judgments over what the crawler recorded (:mod:`assay.domain.pages`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.findings import Finding
from assay.domain.json import Json, JsonObject
from assay.domain.pages import ActionProbe, PageFacts


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


def _evidence(page: str, element: str, screenshot: str, steps: Sequence[str], **extra: Json) -> JsonObject:
    return {"page": page, "element": element, "screenshot": screenshot, "steps": list(steps), **extra}


def broken_links(page: PageFacts) -> list[Finding]:
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
                evidence=_evidence(page.path, link.text, page.screenshot, steps, status=link.status),
                reproduce="; ".join(steps),
                recommendation="Fix or remove the link, or restore the page it points to.",
            )
        )
    return out


def console_errors(page: PageFacts) -> list[Finding]:
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
            evidence=_evidence(page.path, "", page.screenshot, steps, errors=list(page.console_errors[:10])),
            reproduce="; ".join(steps),
            recommendation="Fix the script error; a page that throws may leave features half-initialised.",
        )
    ]


def accessibility(page: PageFacts) -> list[Finding]:
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
            evidence=_evidence(page.path, element, page.screenshot, steps, problems=list(problems[:20])),
            reproduce="; ".join(steps),
            recommendation="Give every control a <label>, aria-label or text, and every image an alt.",
        )
    ]


def server_error(probe: ActionProbe) -> list[Finding]:
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
            evidence=_evidence(
                probe.page, probe.element, probe.screenshot, probe.steps, statuses=list(statuses)
            ),
            reproduce="; ".join(probe.steps),
            recommendation="Look up the server's log for this request; a valid submission must not fail.",
        )
    ]


# Words of an error message, in the languages pages most often use.
ERROR_TEXT = re.compile(
    r"(?i)\b(invalid|incorrect|wrong|failed|failure|not match|doesn'?t match|does not match|mismatch"
    r"|denied|error|unable|could not|couldn'?t|try again|not recogni[sz]ed|no account|bad credentials"
    r"|unknown (user|email|account|login)|not found|locked|expired|unauthori[sz]ed"
    r"|ungültig|falsch|fehler|erreur|incorrecte|invalide|échec|inválid[oa]|incorrect[oa]|errore|errato"
    r"|sbagliat[oa]|errad[oa]|неверн\w*|ошибк\w*)"
)
_MAX_LINE = 200


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if 0 < len(line.strip()) <= _MAX_LINE]


def feedback_after(probe: ActionProbe) -> str | None:
    """The error text the page shows after the action, judged on its whole visible text.

    An alert/status region that is new, or any error-worded line after the action that was not
    there before; after a wrong password, any error-worded line at all (the user sees it).
    """
    before = set(_lines(probe.text_before))
    for message in probe.messages_after:
        text = " ".join(message.split())
        if text and (text not in before or ERROR_TEXT.search(text)):
            return text[:_MAX_LINE]
    for line in _lines(probe.text_after):
        if ERROR_TEXT.search(line) and (probe.kind == "wrong_password" or line not in before):
            return line
    return None


def silent_failure(probe: ActionProbe) -> list[Finding]:
    if probe.changed or probe.message or probe.server_statuses or probe.status >= 400:
        return []
    if feedback_after(probe) is not None:
        return []
    if probe.text_before and not probe.text_after:
        return []  # the page could not be read after the action: unknown is not silent
    # A re-rendered login form differs in its markup (a fresh CSRF token), so only the visible
    # text counts for a wrong password; for other actions any change of the markup is an answer.
    if probe.kind != "wrong_password" and probe.dom_changed:
        return []
    if probe.kind == "wrong_password":
        title = f"A wrong password on {probe.page} shows no error message"
        detail = "Signing in with a wrong password re-shows the form with no message: users cannot tell why."
    else:
        verb = "Clicking" if probe.kind == "click" else "Submitting"
        title = f"{verb} {probe.element!r} on {probe.page} shows nothing"
        detail = "The action changed nothing visible and showed no message."
    return [
        Finding(
            category="ui_silent_failure",
            severity="medium",
            method="POST" if probe.kind != "click" else "GET",
            path=probe.page,
            title=title,
            detail=detail,
            evidence=_evidence(
                probe.page, probe.element, probe.screenshot, probe.steps, url_after=probe.url_after
            ),
            reproduce="; ".join(probe.steps),
            recommendation="Show a visible message (role=alert) whenever an action fails.",
        )
    ]
