"""web_reflection and web_templates: marked values in every input of the crawled pages, and the
page read back for them (the answer, where it redirects, and the page the form sits on).

Debug switches: some apps turn on a diagnostic view by a query parameter (a SQL trace, a debug
toolbar) that writes request values into the page by another, often unescaped, path — Datasette's
``?_trace=1`` was CVE-2021-32670. A switch is used only when it visibly changes the page (new
diagnostic words); the few names tried are the common ones of parameter-mining wordlists.

Judged by :func:`assay.oracles.reflected_input.judge_reflections`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.points import (
    InjectionPoint,
    mark_for,
    points_on,
    send_at,
    with_query,
)
from assay.agents.analysis.security.web.session import Submitted, WebSession, is_html
from assay.domain.exchanges import Exchange
from assay.oracles.base import OracleContext
from assay.oracles.reflected_input import (
    ReflectionKind,
    ReflectionTrial,
    judge_reflections,
    markup_payload,
    template_payload,
)

DEBUG_SWITCHES = ("_trace=1", "debug=1", "_debug=1", "trace=1")
_DIAGNOSTIC = re.compile(r"(?i)\b(traceback|stack ?trace|sql|queries|duration_ms|trace|debug)\b")
MAX_ECHO_PAGES = 3


async def open_session(ctx: WebContext, client: ProbeClient) -> WebSession:
    """A session as the primary identity: its API credential headers, and a sign-in through the
    login form when a password login was given and a sign-in page was found."""
    security = ctx.security
    session = WebSession(client, security.target.base_url, headers=security.auth.session.headers)
    creds = ctx.credentials
    if creds is not None and creds.password and ctx.login_path:
        await session.sign_in(ctx.login_path, creds)
    return session


def _diagnostics(exchange: Exchange | None) -> set[str]:
    if exchange is None or exchange.response is None:
        return set()
    return {m.lower() for m in _DIAGNOSTIC.findall(exchange.response.text)}


def _switched_on(shown: Exchange, switched: Exchange, switch: str, before: set[str]) -> bool:
    """The switch turned a diagnostic view on: the page grew by a quarter or more and shows
    diagnostic words it did not (its own name excepted: pages echo their query in links)."""
    own = switch.split("=", 1)[0].strip("_").lower()
    new = {w for w in _diagnostics(switched) - before if w != own}
    grown = len(_text(switched)) >= 1.25 * len(_text(shown)) + 200
    return bool(new) and grown


def _text(exchange: Exchange) -> str:
    return exchange.response.text if exchange.response is not None else ""


def _record_created(ctx: WebContext, point: InjectionPoint, sent: Submitted, mark: str) -> None:
    """A form that was accepted may have made something: the ledger lists it (by the page it
    redirected to, else by the marked value typed into it), as it lists every API object."""
    response = sent.first.response
    if point.form is None or response is None or response.status >= 400:
        return
    location = urlsplit(urljoin(sent.first.request.url, response.header("location") or "")).path
    made = location if 300 <= response.status < 400 and location != urlsplit(point.page).path else ""
    via = f"form on {point.page} (POST {urlsplit(point.form.action).path})"
    ctx.security.target.ledger.record("page" if made else "object", made or mark, via, made)


class _Prober:
    """Sends one kind of marked value into every input of the crawled pages."""

    def __init__(self, ctx: WebContext, client: ProbeClient, kind: ReflectionKind) -> None:
        self.ctx = ctx
        self.client = client
        self.kind = kind
        self.trials: list[ReflectionTrial] = []

    def payload(self, mark: str) -> str:
        return markup_payload(mark) if self.kind == "markup" else template_payload(mark)

    async def point(self, session: WebSession, point: InjectionPoint, *, switch: str = "") -> None:
        mark = mark_for(self.kind, point.page, point.form.action if point.form else "", point.field, switch)
        sent = await send_at(
            session, point, self.payload(mark), extra_query=switch, action=f"{self.kind} in {point.field}"
        )
        if sent is None:
            return
        note = f"with the debug switch ?{switch}" if switch else ""
        self._keep(sent, point, mark, note)
        if point.form is not None and point.form.method == "post":
            _record_created(self.ctx, point, sent, mark)
            # Stored: the value may only show on the page that lists what the form made.
            again = await session.get(point.page, action="read the form's page again")
            if again is not None:
                self.trials.append(
                    ReflectionTrial(
                        self.kind, sent.first, again, point.field, mark, point.where, note, point.page
                    )
                )

    def _keep(self, sent: Submitted, point: InjectionPoint, mark: str, note: str) -> None:
        self.trials.append(
            ReflectionTrial(
                self.kind, sent.first, sent.final, point.field, mark, point.where, note, point.page
            )
        )

    async def page(self, session: WebSession, page: str) -> None:
        shown, forms = await session.forms_on(page)
        if shown is None or shown.response is None or not is_html(shown):
            return
        points = points_on(page, forms, self.ctx)
        for point in points:
            if self.client.exhausted:
                return
            await self.point(session, point)
        if self.kind == "markup":
            await self._switched(
                session, page, shown, [p for p in points if p.form is None or p.form.method == "get"]
            )

    async def _switched(
        self, session: WebSession, page: str, shown: Exchange, points: list[InjectionPoint]
    ) -> None:
        """Points of a GET page again, with each debug switch that changes the page."""
        before = _diagnostics(shown)
        for switch in DEBUG_SWITCHES:
            if self.client.exhausted:
                return
            switched = await session.get(with_query(page, switch), action=f"debug switch ?{switch}")
            if switched is None or switched.response is None or switched.response.status >= 400:
                continue
            if not _switched_on(shown, switched, switch, before):
                continue
            targets = points or [InjectionPoint(with_query(page, "assay_probe=x"), "assay_probe")]
            for point in targets:
                await self.point(session, point, switch=switch)


async def _echo_trials(session: WebSession, ctx: WebContext) -> list[ReflectionTrial]:
    """A made-up path segment at the root and under the first pages: is it echoed on the 404 page?"""
    trials: list[ReflectionTrial] = []
    bases = ["/", *[p.split("?", 1)[0] for p in ctx.pages if p.split("?", 1)[0] != "/"]][:MAX_ECHO_PAGES]
    for base in bases:
        mark = mark_for("text", base)
        path = base.rstrip("/") + "/" + mark
        answer = await session.get(path, action="a made-up path, echoed?")
        if answer is not None:
            trials.append(ReflectionTrial("text", answer, answer, "", mark, f"the path {path}", page=base))
    return trials


async def _probe_pages(ctx: WebContext, name: str, kind: ReflectionKind, budget: int) -> FamilyReport:
    """One kind of marked value into every input of the crawled pages (and, for markup, the
    made-up paths), judged together."""
    client = ProbeClient(ctx.security, name, budget=budget)
    session = await open_session(ctx, client)
    prober = _Prober(ctx, client, kind)
    for page in ctx.pages:
        if client.exhausted:
            break
        await prober.page(session, page)
    trials = [*prober.trials, *(await _echo_trials(session, ctx) if kind == "markup" else [])]
    context = OracleContext(secrets=tuple(ctx.security.auth.secrets))
    return finish(client, judge_reflections(trials, context))


class ReflectionFamily:
    name = "web_reflection"

    async def run(self, ctx: WebContext) -> FamilyReport:
        return await _probe_pages(ctx, self.name, "markup", budget=220)


class TemplateFamily:
    name = "web_templates"

    async def run(self, ctx: WebContext) -> FamilyReport:
        return await _probe_pages(ctx, self.name, "template", budget=120)
