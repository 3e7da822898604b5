"""report.md's account of a web run: the crawl (pages, routes, forms, identities, blocked hosts)
and the browser checks that ran, instead of API sections that would be empty.

Each part of the crawl section is one function of :data:`CRAWL_PARTS` (``RunResult`` in, lines
out, ``[]`` to leave it out), so a record the crawler adds later (coverage by URL source, what it
skipped and why) is one more function appended there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assay.domain.json import as_list, as_object, as_str
from assay.domain.observation import Observation
from assay.domain.pages import PageFacts
from assay.domain.run import RunResult
from assay.domain.scenarios import is_ui
from assay.pages.url_sources import route_shape
from assay.report.common import runs

MAX_ROWS = 40
# What each kind of UI scenario checks, in the reader's words.
CHECK_NAMES = {
    "ui_console": "no console errors of the app's own",
    "ui_accessibility": "every control has an accessible name",
    "ui_navigation": "every same-origin link reaches a 2xx page",
    "happy_path": "a form submitted with valid values is answered",
    "missing_required": "a required field left empty is refused visibly",
    "boundary": "a field's length limits",
    "invalid_credentials": "a wrong password shows an error",
    "ui_action": "a button's action shows its result",
}


def is_web_run(run: RunResult) -> bool:
    """A web app observed without an API description: its report speaks of pages, not operations."""
    obs = run.observation
    return obs is not None and obs.api is None and bool(obs.pages or obs.crawl)


def _obs(run: RunResult) -> Observation:
    assert run.observation is not None  # only called for web runs
    return run.observation


@dataclass(frozen=True)
class CrawlCounts:
    pages: int  # pages visited
    routes: int  # distinct route shapes among them
    depth: int  # the deepest level a page was found at


def crawl_counts(run: RunResult) -> CrawlCounts:
    pages = run.observation.pages if run.observation else ()
    routes = {route_shape(p.path) for p in pages}
    return CrawlCounts(len(pages), len(routes), max((p.depth for p in pages), default=0))


def source_counts(run: RunResult) -> list[tuple[str, int, int, int]]:
    """(URL source, found, fetched, opened as pages) for every source the crawl found URLs in."""
    crawl = run.observation.crawl if run.observation else None
    found = crawl.discovered if crawl else ()
    by_source = Counter(d.source for d in found)
    opened = Counter(d.source for d in found if d.visited)
    fetched = Counter(d.source for d in found if d.status >= 0)
    return [(source, n, fetched[source], opened[source]) for source, n in by_source.most_common()]


def _summary(run: RunResult) -> list[str]:
    obs = _obs(run)
    counts = crawl_counts(run)
    took = f" in {obs.crawl.seconds:.1f} s" if obs.crawl and obs.crawl.seconds else ""
    start = f" from `{obs.crawl.url}`" if obs.crawl else ""
    return [
        f"**Crawl**: {counts.pages} page(s) visited{start}{took}, {counts.routes} distinct route(s), "
        f"{counts.depth} level(s) deep.",
    ]


def _pages(run: RunResult) -> list[str]:
    pages = _obs(run).pages
    if not pages:
        return []
    lines = ["### Pages visited", "", "| page | status | title | depth | own console errors |"]
    lines.append("|---|---:|---|---:|---:|")
    for page in pages[:MAX_ROWS]:
        title = (page.title or page.purpose or "").replace("|", "\\|")[:60]
        lines.append(
            f"| `{page.path}` | {page.status} | {title} | {page.depth} | {len(page.console_errors)} |"
        )
    if len(pages) > MAX_ROWS:
        lines.append(f"| … {len(pages) - MAX_ROWS} more | | | | |")
    return lines


def _routes(run: RunResult) -> list[str]:
    shapes = Counter(route_shape(p.path) for p in _obs(run).pages)
    if len(shapes) == len(_obs(run).pages):
        return []  # one page per route: the table above says it all
    lines = ["### Routes", ""]
    lines += [f"- `{shape}`: {n} page(s)" for shape, n in shapes.most_common(MAX_ROWS)]
    return lines


def form_rows(obs: Observation) -> list[tuple[str, str, str]]:
    """(page, form, what became of it) for every form the crawl found."""
    probed = {(a.page, a.element) for p in obs.pages for a in p.actions if a.kind != "click"}
    rows = []
    for raw in as_list(obs.page_structure.get("pages")):
        page = as_object(raw)
        path = as_str(page.get("path"))
        for form_raw in as_list(page.get("forms")):
            form = as_object(form_raw)
            name = as_str(form.get("submit")) or as_str(as_object(form.get("facts")).get("action")) or "form"
            verdict = as_object(form.get("verdict"))
            kind = as_str(verdict.get("kind"))
            if (path, as_str(form.get("submit"))) in probed:
                fate = f"submitted (taken for a {kind} form)" if kind else "submitted"
            elif verdict and verdict.get("allowed") is False:
                fate = f"skipped: {as_str(verdict.get('reason')) or kind}"
            else:
                fate = "not submitted (probe budget, or actions are off on a system not under test)"
            rows.append((path, name, fate))
    return rows


def _forms(run: RunResult) -> list[str]:
    rows = form_rows(_obs(run))
    if not rows:
        return []
    submitted = sum(1 for _, _, fate in rows if fate.startswith("submitted"))
    skipped = sum(1 for _, _, fate in rows if fate.startswith("skipped"))
    lines = [
        "### Forms",
        "",
        f"{len(rows)} form(s) found, {submitted} submitted, {skipped} skipped by the safety rules, "
        f"{len(rows) - submitted - skipped} not submitted.",
        "",
        "| page | form | what assay did |",
        "|---|---|---|",
    ]
    lines += [f"| `{page}` | {name[:50]} | {fate} |" for page, name, fate in rows[:MAX_ROWS]]
    return lines


def _identities(run: RunResult) -> list[str]:
    obs = _obs(run)
    login = obs.login
    lines = ["### Identities", ""]
    if login is not None and login.signed_in:
        second = f", with a one-time code ({login.second_factor})" if login.second_factor else ""
        lines.append(f"- the browser signed in on `{login.path or '?'}`{second}; credentials are not shown")
    elif login is not None and login.path:
        lines.append(f"- a sign-in page was found (`{login.path}`) but the browser did not sign in")
    else:
        lines.append("- the pages were crawled signed out (no login given, none registered)")
    for entry in run.ledger.entries:
        if entry.kind == "account":
            lines.append(
                f"- account `{entry.key}` registered by assay ({entry.via}); its password is redacted"
            )
    return lines


def _blocked(run: RunResult) -> list[str]:
    hosts = _obs(run).blocked_hosts
    if not hosts:
        return []
    caused = sum(len(b.errors) for b in hosts)
    errors = f"; the {caused} browser error(s) they caused are notes, not findings" if caused else ""
    names = ", ".join(f"`{b.host}`" for b in hosts[:10]) + (", …" if len(hosts) > 10 else "")
    return [
        "### Blocked third-party hosts",
        "",
        f"{len(hosts)} host(s) the pages reached for were kept out: {names}{errors} "
        "(see Blocked third-party resources).",
    ]


def _probes(pages: Sequence[PageFacts]) -> str:
    kinds = Counter(a.kind for p in pages for a in p.actions)
    links = sum(len(p.links) for p in pages)
    # A link to a route a single-page app lacks answers 200 and renders its not-found view.
    broken = sum(
        1 for p in pages for link in p.links if link.status == 0 or link.status >= 400 or link.soft_404
    )
    return (
        f"The crawl itself checked {links} link(s) ({broken} broken), submitted {kinds['submit']} form(s), "
        f"tried {kinds['wrong_password']} wrong password(s) and clicked {kinds['click']} button(s)."
    )


def check_rows(run: RunResult) -> list[tuple[str, int, int, int]]:
    """(what the check verifies, scenarios, passed, failed) per kind of browser scenario."""
    scenarios = [s for s in run.requirements.scenarios if is_ui(s)] if run.requirements else []
    status = {r.scenario_id: r.status for r in runs(run)}
    kinds = dict.fromkeys(s.kind for s in scenarios)
    rows = []
    for kind in kinds:
        mine = [status.get(s.id, "") for s in scenarios if s.kind == kind]
        failed = sum(1 for st in mine if st in ("failed", "error"))
        rows.append((CHECK_NAMES.get(kind, kind), len(mine), mine.count("passed"), failed))
    return rows


def _checks(run: RunResult) -> list[str]:
    rows = check_rows(run)
    lines = ["### Browser checks", "", _probes(_obs(run).pages)]
    if rows:
        lines += ["", "| check | scenarios | passed | failed |", "|---|---:|---:|---:|"]
        lines += [f"| {what} | {n} | {ok} | {bad} |" for what, n, ok, bad in rows]
    return lines


def _coverage(run: RunResult) -> list[str]:
    """Every URL the crawl came across, by source, and what it left alone and why."""
    crawl = _obs(run).crawl
    if crawl is None or not crawl.discovered:
        return []
    found = crawl.discovered
    rows = source_counts(run)
    lines = [
        f"**Coverage**: {len(found)} URL(s) on the target's origin found, {sum(r[3] for r in rows)} opened "
        f"as pages, {sum(r[2] for r in rows)} fetched; {crawl.forms} form(s) seen, {crawl.clicks} "
        f"element(s) with event listeners clicked, {crawl.depth_reached} level(s) deep.",
        "",
        "| source | found | fetched | opened |",
        "|---|---:|---:|---:|",
        *(f"| {source} | {n} | {fetched} | {opened} |" for source, n, fetched, opened in rows),
    ]
    reasons = Counter(_reason(d.skipped) for d in found if d.skipped)
    if reasons:
        lines += ["", "Left alone, and why:", ""]
        for reason, n in reasons.most_common(MAX_ROWS):
            example = next(d.url for d in found if d.skipped and _reason(d.skipped) == reason)
            lines.append(f"- {n} × {reason} (e.g. `{example}`)")
    return lines


def _reason(skipped: str) -> str:
    """The reason without the example it names ("same route as /items/3" -> "same route")."""
    return re.sub(r"\s+as\s+/\S*$", "", skipped)


CRAWL_PARTS: tuple[Callable[[RunResult], list[str]], ...] = (
    _summary,
    _coverage,
    _pages,
    _routes,
    _forms,
    _identities,
    _blocked,
    _checks,
)


def crawl_section(run: RunResult) -> str:
    """ "What the browser saw": every part of :data:`CRAWL_PARTS` that has something to say."""
    if not is_web_run(run):
        return ""
    lines = ["## What the browser saw", ""]
    for part in CRAWL_PARTS:
        body = part(run)
        if body:
            lines += [*body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def web_running_section(run: RunResult) -> str:
    """How to run the generated suite of a web run: the browser tests under tests/ui first."""
    files = run.evolution.files if run.evolution else {}
    if not files:
        return ""
    lines = ["## Running the Generated Suite", ""]
    if "ui/test_ui.py" in files:
        login = _obs(run).login
        creds = "ASSAY_USERNAME=... ASSAY_PASSWORD=... " if login is not None and login.path else ""
        lines += [
            "```bash",
            "pip install -r tests/requirements.txt",
            "playwright install chromium   # or set ASSAY_CHROMIUM_PATH to an installed Chromium",
            f"BASE_URL={run.target} {creds}pytest tests/ui",
            "```",
            "",
        ]
    if any(name.startswith("test_") for name in files):
        http = f"BASE_URL={run.target} pytest tests/ --ignore=tests/ui"
        lines += ["```bash", "pip install -r tests/requirements.txt", http, "```", ""]
    lines.append("Credentials come only from the environment; see `tests/README.md`. The suite stores none.")
    return "\n".join(lines) + "\n"
