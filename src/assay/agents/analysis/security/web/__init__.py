"""Security families for the pages a crawl found (forms, query strings, the sign-in page).

The API families need an OpenAPI model; a web app usually has none, and even an API's own sign-in
page lies outside its spec. These families start from what Observation saw in the browser (the
crawled pages and the sign-in page), read each page's forms from its HTML and attack them over
HTTP through the same budgeted, safety-guarded ``ProbeClient`` as the API families.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from assay.agents.analysis.security.base import FamilyReport, SecurityContext, out_of_time
from assay.domain.crashes import crash_note
from assay.domain.observation import Observation
from assay.domain.target import Credentials

MAX_PAGES = 12  # distinct route shapes: a crawl of hundreds of pages is probed at its variety


@dataclass
class WebContext:
    security: SecurityContext
    observation: Observation
    pages: tuple[str, ...]  # crawled HTML pages (path and query), one per route shape
    login_path: str = ""  # the sign-in page's path and query, '' when none was found
    credentials: Credentials | None = None  # the primary identity's login, when one was given


class WebFamily(Protocol):
    name: str

    async def run(self, ctx: WebContext) -> FamilyReport: ...


def web_families() -> list[WebFamily]:
    """The web families in the order they run (each adds itself here)."""
    from assay.agents.analysis.security.web.csrf import CsrfFamily
    from assay.agents.analysis.security.web.enumeration import WebEnumerationFamily
    from assay.agents.analysis.security.web.hardening import HardeningFamily
    from assay.agents.analysis.security.web.logout import LogoutFamily
    from assay.agents.analysis.security.web.open_redirect import WebOpenRedirectFamily
    from assay.agents.analysis.security.web.password_policy import PasswordPolicyFamily
    from assay.agents.analysis.security.web.reflection import ReflectionFamily, TemplateFamily
    from assay.agents.analysis.security.web.session_secret import SessionSecretFamily

    return [
        HardeningFamily(),
        ReflectionFamily(),
        TemplateFamily(),
        CsrfFamily(),
        WebOpenRedirectFamily(),
        SessionSecretFamily(),
        WebEnumerationFamily(),
        PasswordPolicyFamily(),
        LogoutFamily(),  # last: some apps end every session of the user at logout
    ]


def _shape(path: str) -> str:
    """A route's shape: numbers and long tokens in the path made alike, the query's names only."""
    parts = urlsplit(path)
    segments = [re.sub(r"^(\d+|[0-9a-f-]{16,})$", "{}", s) for s in parts.path.split("/")]
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return "/".join(segments) + ("?" + "&".join(names) if names else "")


def page_paths(observation: Observation, limit: int = MAX_PAGES) -> tuple[str, ...]:
    """The crawled pages that answered 2xx, one per route shape, in crawl order."""
    seen: set[str] = set()
    kept: list[str] = []
    for page in observation.pages:
        if not 200 <= page.status < 300 or page.path.startswith("/static/"):
            continue
        shape = _shape(page.path)
        if shape in seen:
            continue
        seen.add(shape)
        kept.append(page.path)
        if len(kept) >= limit:
            break
    return tuple(kept)


def web_context(security: SecurityContext, observation: Observation) -> WebContext | None:
    """The context for the web families, or None when nothing was crawled."""
    pages = page_paths(observation)
    login = observation.login.path if observation.login is not None else ""
    if not pages and not login:
        return None
    creds = security.target.web_login  # given, or the account the crawl registered
    return WebContext(security, observation, pages, login, creds)


async def run_web_families(ctx: WebContext, families: Sequence[WebFamily]) -> list[FamilyReport]:
    """Each family in turn; one family's crash is a note, never the end of the run."""
    reports: list[FamilyReport] = []
    for family in families:
        cancel = ctx.security.cancel
        if cancel is not None and cancel.cancelled:
            break
        first = len(ctx.security.clients)
        try:
            report = await family.run(ctx)
        except Exception as exc:  # a bug in one family must not lose the others' results
            clients = ctx.security.clients[first:]
            line = crash_note(f"web security family {family.name}", exc, "its remaining checks were skipped")
            exchanges = [e for c in clients for e in c.exchanges]
            report = FamilyReport(family.name, exchanges, [], sum(c.sent for c in clients), [line], line)
        reports.append(out_of_time(report, ctx.security.clients[first:]))
    return reports
