"""web_csrf: cross-site request forgery against the signed-in session, from what a browser does.

The family signs in through the app's own form with no API credential header (a browser sends
none cross-site: only cookies ride along), keeps the ``Set-Cookie`` lines of the sign-in, then
forges what another site could make the user's browser send, with only the cookies a browser
would attach to it (their ``SameSite``) and a foreign ``Origin``/``Referer``/``Sec-Fetch-Site``:

- each POST form on the crawled pages that creates something (the crawler's own rule: never
  one that edits, deletes or signs in or out, no password field), its anti-forgery fields
  removed and its text fields given a marker; the page is read again for the marker. Sent only
  when the session cookie rides on a cross-site POST (``SameSite`` absent or ``None``).
- each GET the app's own scripts send to a write-named endpoint (``$.get("/api/pause_server")``),
  when the session rides on cross-site GETs (not ``Strict``): a write that only adds
  (``add_…``, ``create…``) is sent itself; any other is not (it changes objects assay did not
  create): the server's ``OPTIONS`` answer (``Allow``) shows it takes GET, and the page that calls
  it, fetched as a navigation from another site, shows the session is honoured there.

Judged by :func:`assay.oracles.cross_site_forgery.judge_cross_site_forgery`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.points import form_allowed, mark_for
from assay.agents.analysis.security.web.session import WebSession, is_html
from assay.domain.danger import is_destructive, is_logout
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.oracles.base import OracleContext
from assay.oracles.cross_site_forgery import (
    FormForgery,
    GetWrite,
    SessionCookie,
    carried,
    carried_cross_site,
    get_calls,
    is_creating_name,
    judge_cross_site_forgery,
    parse_set_cookie,
    session_cookies,
    split_set_cookie,
)
from assay.pages.html_forms import HtmlForm

FOREIGN = "https://assay-csrf.invalid"  # .invalid resolves nowhere: only named in headers
MAX_FORMS = 4
MAX_WRITES = 4
MAX_SCRIPTS = 6
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", re.I)
_VENDOR = re.compile(r"(?i)vendor|jquery|bootstrap|\.min\.js|polyfill|bundle|chunk")


def forged_headers(method: str, cookie: str) -> dict[str, str]:
    """What a browser sends when another site's page submits a form (POST) or navigates (GET)."""
    headers = {
        "Referer": f"{FOREIGN}/",
        "Sec-Fetch-Site": "cross-site",
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Dest": "document",
    }
    if method == "POST":
        headers["Origin"] = FOREIGN
    if cookie:
        headers["Cookie"] = cookie
    return headers


def cross_site_cookie(session: WebSession, method: str) -> str:
    """The Cookie header a browser attaches to a cross-site ``method`` request: the jar's cookies
    whose last ``Set-Cookie`` line lets them ride (a cookie of unknown origin rides, as unrestricted)."""
    declared: dict[str, SessionCookie] = {}
    for header in session.set_cookie_headers:
        for line in split_set_cookie(header):
            cookie = parse_set_cookie(line)
            if cookie is not None:
                declared[cookie.name] = cookie
    kept = {
        k: v
        for k, v in session.cookies.items()
        if k not in declared or carried_cross_site(declared[k], method)
    }
    return "; ".join(f"{k}={v}" for k, v in kept.items())


def _filled(form: HtmlForm, mark: str) -> list[tuple[str, str]]:
    """The form's values without its token fields, its empty text fields given the marker."""
    tokens = set(form.token_fields())
    kinds = {f.name: f for f in form.fields}
    values: list[tuple[str, str]] = []
    for name, value in form.default_values():
        if name in tokens:
            continue
        field = kinds.get(name)
        if field is not None and field.kind in {"text", "textarea"} and not value:
            value = {"email": f"{mark}@example.invalid", "number": "1", "url": f"http://{mark}.invalid/"}.get(
                field.input_type, mark
            )
        values.append((name, value))
    return values


def _creates(form: HtmlForm, ctx: WebContext) -> bool:
    """A POST form this run may submit that makes something (no password: no sign-in, sign-up or
    password change; never one that signs out)."""
    texts = (form.submit, *form.attrs, urlsplit(form.action).path)
    return (
        form.method == "post"
        and form.passwords == 0
        and bool(form.text_fields())
        and not is_logout(*texts)
        and form_allowed(form, ctx)
    )


class _Forger:
    def __init__(self, ctx: WebContext, client: ProbeClient, session: WebSession) -> None:
        self.ctx = ctx
        self.client = client
        self.session = session
        self.forms: list[FormForgery] = []
        self.writes: list[GetWrite] = []
        self.navigations: dict[str, Exchange | None] = {}

    async def form(self, page: str, form: HtmlForm) -> None:
        mark = mark_for("csrf", page, form.action)
        values = _filled(form, mark)
        headers = forged_headers("POST", cross_site_cookie(self.session, "POST"))
        sent = await self.session.submit(
            form, values, headers=headers, action="a form posted from another site"
        )
        if sent is None:
            return
        again = await self.session.get(page, action="read the page again for what the forged form made")
        seen = again is not None and again.response is not None and mark in again.response.text
        self.forms.append(FormForgery(sent.first, form.token_fields(), seen))

    async def write(self, url: str, page: str, call: str) -> None:
        path = urlsplit(url).path
        if is_creating_name(url) and not is_destructive(path):
            headers = forged_headers("GET", cross_site_cookie(self.session, "GET"))
            done = await self.session.send(
                "GET", url, headers=headers, action="a write by GET from another site"
            )
            self.writes.append(GetWrite(url, page, call, sent=done.first if done else None))
            return
        allow = await self.client.send(
            RecordedRequest("OPTIONS", url, {}), action="which methods the write takes (nothing changes)"
        )
        if page not in self.navigations:  # one navigation per calling page shows how it is honoured
            headers = forged_headers("GET", cross_site_cookie(self.session, "GET"))
            nav = await self.session.send(
                "GET",
                page,
                headers=headers,
                action="the calling page, navigated to from another site",
                follow=False,
            )
            self.navigations[page] = nav.first if nav else None
        self.writes.append(GetWrite(url, page, call, allow=allow, navigation=self.navigations[page]))

    async def scripts(self, pages: Sequence[tuple[str, Exchange]]) -> list[tuple[str, str, str]]:
        """``(write URL, page, call)`` for the GETs the pages' inline and own scripts send to writes."""
        found: dict[str, tuple[str, str, str]] = {}
        sources: dict[str, str] = {}
        for page, shown in pages:
            text = shown.response.text if shown.response is not None else ""
            for url, call in get_calls(text, shown.request.url):
                found.setdefault(url, (url, page, call))
            for src in _SCRIPT_SRC.findall(text):
                absolute = urljoin(shown.request.url, src)
                same = urlsplit(absolute).netloc == urlsplit(shown.request.url).netloc
                if same and not _VENDOR.search(src):
                    sources.setdefault(absolute, page)
        for src, page in list(sources.items())[:MAX_SCRIPTS]:
            script = await self.session.get(src, action="read the page's own script")
            if script is None or script.response is None or script.response.status >= 400:
                continue
            for url, call in get_calls(script.response.text, script.request.url):
                found.setdefault(url, (url, page, call))
        return list(found.values())


async def _signed_in(ctx: WebContext, client: ProbeClient) -> WebSession | None:
    """A session signed in through the form with no fixed credential headers, or None."""
    creds = ctx.credentials
    if creds is None or not creds.password or not ctx.login_path:
        return None
    session = WebSession(client, ctx.security.target.base_url)
    if not await session.sign_in(ctx.login_path, creds):
        return None
    return session


class CsrfFamily:
    name = "web_csrf"

    async def run(self, ctx: WebContext) -> FamilyReport:
        client = ProbeClient(ctx.security, self.name, budget=40)
        session = await _signed_in(ctx, client)
        if session is None:
            report = finish(client, [])
            report.notes.append("no sign-in through a form: no browser session to forge requests with")
            return report
        cookies = session_cookies(session.set_cookie_headers)
        forger = _Forger(ctx, client, session)
        pages: list[tuple[str, Exchange]] = []
        forms: list[tuple[str, HtmlForm]] = []
        for page in ctx.pages:
            if client.exhausted:
                break
            shown, found = await session.forms_on(page)
            if shown is not None and shown.response is not None and is_html(shown):
                pages.append((page, shown))
                forms += [(page, f) for f in found if _creates(f, ctx)]
        if carried(cookies, "POST"):
            seen: set[str] = set()
            for page, form in forms:
                if len(seen) >= MAX_FORMS or client.exhausted or form.action in seen:
                    continue
                seen.add(form.action)
                await forger.form(page, form)
        if carried(cookies, "GET"):
            for url, page, call in (await forger.scripts(pages))[:MAX_WRITES]:
                if client.exhausted:
                    break
                await forger.write(url, page, call)
        context = OracleContext(secrets=tuple(session.cookies.values()))
        report = finish(client, judge_cross_site_forgery(cookies, forger.forms, forger.writes, context))
        words = ", ".join(f"{c.name} SameSite={c.samesite or 'absent'}" for c in cookies) or "none"
        report.notes.append(
            f"session cookies at sign-in: {words}; {len(forger.forms)} form(s) and "
            f"{len(forger.writes)} write(s) by GET forged from another site"
        )
        return report
