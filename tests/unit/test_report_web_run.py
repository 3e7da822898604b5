"""report.md and the suite's READMEs for a web app crawled without an API description (no browser).

The run is built from recorded page facts through the real requirements, evolution and report
code: pages with two routes of one shape, forms submitted, refused by the safety rules and left
for want of budget, a sign-in with a one-time code, an account assay registered, a blocked CDN.
"""

from __future__ import annotations

from dataclasses import replace

from tests.unit.sample_run import SECRET, run_result

from assay.agents.evolution.agent import evolve
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.analysis import AnalysisResult, ExecutionStrategy, ScenarioRun
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.ledger import Ledger
from assay.domain.observation import Observation
from assay.domain.pages import (
    ActionProbe,
    BlockedHost,
    CrawlFacts,
    DiscoveredUrl,
    LinkCheck,
    LoginFacts,
    PageFacts,
)
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageMetrics, RequirementsResult
from assay.pages.url_sources import route_shape
from assay.report.markdown import render_markdown
from assay.report.web_run import crawl_section, is_web_run

SITE = "http://127.0.0.1:8000"


def _form(submit: str, action: str, kind: str, allowed: bool, reason: str = "") -> JsonObject:
    verdict: JsonObject = {"kind": kind, "allowed": allowed, "reason": reason}
    return {"submit": submit, "facts": {"action": action, "method": "post"}, "verdict": verdict}


def _observation() -> Observation:
    probe = ActionProbe(
        "/contact", "submit", "Send", "", ("open /contact",), "/contact", "/contact", changed=True
    )
    pages = (
        PageFacts("/", SITE + "/", 200, "Home", depth=1, links=(LinkCheck("/", "/gone", "Gone", 404),)),
        PageFacts("/posts/1", SITE + "/posts/1", 200, "First post", depth=2),
        PageFacts("/posts/2", SITE + "/posts/2", 200, "Second post", depth=2, console_errors=("boom",)),
        PageFacts("/contact", SITE + "/contact", 200, "Contact", depth=2, actions=(probe,)),
    )
    structure: JsonObject = {
        "pages": [
            {"path": "/contact", "forms": [_form("Send", "/contact", "create", True)]},
            {
                "path": "/posts/1",
                "forms": [_form("Delete", "/posts/1/delete", "dangerous", False, "deletes")],
            },
            {"path": "/posts/2", "forms": [_form("Comment", "/posts/2/comments", "create", True)]},
        ]
    }
    return Observation(
        SITE,
        "web",
        pages=pages,
        page_structure=structure,
        login=LoginFacts(True, "/login", "totp"),
        blocked_hosts=(BlockedHost("cdn.example", 2, ("uncaught ReferenceError: $ is not defined",)),),
        crawl=CrawlFacts(SITE + "/", 12.5),
    )


def _web_run() -> RunResult:
    observation = _observation()
    scenarios = ui_scenarios(observation)
    coverage = CoverageMetrics(0, 0, {}, (), ())
    requirements = RequirementsResult(scenarios, (), {}, coverage)
    console = next(s for s in scenarios if s.kind == "ui_console" and "/posts/2" in s.title)
    runs = tuple(ScenarioRun(s.id, "failed" if s is console else "passed") for s in scenarios)
    strategy = ExecutionStrategy((), (), 0.0, 0.0)
    analysis = AnalysisResult((), (), (), (), (), (), strategy, runs=runs)
    finding = Finding(
        "ui_console_error", "medium", "GET", "/posts/2", "/posts/2 logs 1 console error(s)", "boom",
        id="F-0001", scenario_id=console.id,
    )  # fmt: skip
    evolution = evolve(observation, requirements, analysis, [finding])
    ledger = Ledger()
    ledger.record("account", "assay-user-7", "registration form on /signup")
    return RunResult(
        SITE, "2026-01-01T00:00:00", "2026-01-01T00:01:00", observation, requirements, analysis,
        evolution, [finding], secrets=(SECRET,), ledger=ledger,
    )  # fmt: skip


def test_route_shapes_make_ids_alike_and_keep_query_names() -> None:
    assert route_shape("/posts/12") == route_shape("/posts/7") == "/posts/{n}"
    assert route_shape("/search?q=tea&page=2") == "/search?page&q"
    assert route_shape("/") == "/"


def test_a_web_run_reports_what_the_browser_saw() -> None:
    run = _web_run()
    assert is_web_run(run) and not is_web_run(run_result())
    report = render_markdown(run)
    assert "**Web app**: 4 page(s) crawled in the browser (no API description)" in report
    assert (
        "4 page(s) visited from `http://127.0.0.1:8000/` in 12.5 s, 3 distinct route(s), 2 level(s) deep"
        in report
    )
    assert "- `/posts/{n}`: 2 page(s)" in report
    assert "3 form(s) found, 1 submitted, 1 skipped by the safety rules, 1 not submitted." in report
    assert "| `/posts/1` | Delete | skipped: deletes |" in report
    assert "| `/contact` | Send | submitted (taken for a create form) |" in report
    assert (
        "the browser signed in on `/login`, with a one-time code (totp); credentials are not shown" in report
    )
    assert "account `assay-user-7` registered by assay" in report
    assert "1 host(s) the pages reached for were kept out: `cdn.example`; the 1 browser error(s)" in report
    assert "checked 1 link(s) (1 broken), submitted 1 form(s)" in report
    assert "| no console errors of the app's own | 4 | 3 | 1 |" in report
    assert "pip install -r tests/requirements.txt" in report and "pytest tests/ui" in report
    # No API section with nothing in it.
    for absent in ("Operations covered", "**API**", "Expand test coverage", "POST, PUT, PATCH", "jsonschema"):
        assert absent not in report, absent
    assert SECRET not in report


def test_an_api_run_has_no_crawl_section() -> None:
    run = run_result()
    assert crawl_section(run) == ""
    report = render_markdown(run)
    assert "## What the browser saw" not in report and "## Test Coverage Analysis" in report


def test_the_suites_readme_describes_pages_checks_and_variables() -> None:
    files = _web_run().evolution.files  # type: ignore[union-attr]
    readme = files["README.md"]
    assert readme.startswith("# Browser tests generated by assay for http://127.0.0.1:8000")
    assert "API tests" not in readme and "0 tests" not in readme
    assert "crawled 4 page(s) of this web app (3 route(s))" in readme
    assert "- `/posts/1` — First post (HTTP 200," in readme
    assert "- `/posts/1`: 'Delete': skipped: deletes" in readme
    assert "assay signed in on `/login` with a one-time code (totp)" in readme
    assert "- no console errors of the app's own:" in readme
    assert "test_ui.py): F-0001 [medium] /posts/2 logs 1 console error(s)" in readme
    for variable in (
        "`BASE_URL`",
        "`ASSAY_USERNAME`",
        "`ASSAY_PASSWORD`",
        "`ASSAY_TOTP_SECRET`",
        "`ASSAY_CHROMIUM_PATH`",
    ):
        assert variable in readme and variable in files["ui/README.md"], variable
    assert "playwright install chromium" in files["ui/README.md"]
    assert "BASE_URL=http://127.0.0.1:8000 ASSAY_USERNAME=... ASSAY_PASSWORD=... pytest ui" in readme


def test_the_crawl_coverage_lists_sources_and_what_was_left_alone() -> None:
    found = (
        DiscoveredUrl("/", "start", 1, status=200, visited=True),
        DiscoveredUrl("/posts/1", "anchor", 2, "/", status=200, visited=True),
        DiscoveredUrl("/posts/2", "anchor", 2, "/", status=200, skipped="not opened: same route as /posts/1"),
        DiscoveredUrl("/app.js", "attribute", 2, "/", status=200),
        DiscoveredUrl("/api/save", "network", 2, "/", "POST", skipped="not sent: a POST the page makes"),
        DiscoveredUrl("/posts/1/delete", "anchor", 3, "/posts/1", skipped="not fetched: it names deleting"),
    )
    observation = replace(
        _observation(), crawl=CrawlFacts(SITE + "/", 3.0, discovered=found, forms=2, clicks=4)
    )
    run = replace(_web_run(), observation=observation)
    section = crawl_section(run)
    assert "**Coverage**: 6 URL(s) on the target's origin found, 2 opened as pages, 4 fetched" in section
    assert "| anchor | 3 | 2 | 1 |" in section
    assert "- 1 × not opened: same route (e.g. `/posts/2`)" in section
    assert "- 1 × not fetched: it names deleting (e.g. `/posts/1/delete`)" in section
