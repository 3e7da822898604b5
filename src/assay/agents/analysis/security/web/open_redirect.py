"""open_redirect on web pages: the redirect-named query parameters of crawled pages, of the links
and GET forms found on them, and the sign-in page's ``next``, none of which an API spec lists.

Jupyter Server's ``/login?next=https:///evil`` (CVE-2023-39968) is the model: the page is only
in the crawl, and it redirects only a visitor who is already signed in. So every parameter gets
the API family's payloads (:mod:`assay.agents.analysis.security.attacks.redirects`: one list of
payloads, names and canary host) twice over, anonymously and with the primary identity's
session, and a payload that left the site is sent once more before it counts.

The judgment is :func:`assay.oracles.open_redirect.judge_open_redirect`; findings name the
page's path without its query (``GET /login``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from assay.agents.analysis.security.attacks.common import finish, oracle_context, refusal, site_url
from assay.agents.analysis.security.attacks.redirects import (
    names_redirect,
    send_payloads,
    strongly_names_redirect,
)
from assay.agents.analysis.security.base import FamilyReport, ProbeClient, SecurityContext
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.session import WebSession
from assay.domain.action_safety import ActionPolicy, judge_link, origin_of
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import ANONYMOUS, Finding
from assay.domain.json import as_list, as_object, as_str
from assay.domain.observation import Observation
from assay.oracles.open_redirect import RedirectTrial, judge_open_redirect, leaves_site

# A sign-in page conventionally takes the page to return to after sign-in (``next`` in Django,
# Flask-Login, Jupyter, Tornado...) even when the crawl reached it without one: it is asked too.
LOGIN_PARAMETER = "next"
# Where sign-in pages conventionally live (Flask/Jupyter, Django, Devise, Drupal...): asked, one GET
# each, only when the crawl found no sign-in page (a server whose home page links to none, as
# Jupyter Server's does not); the first that shows a password field is the sign-in page.
SIGN_IN_PATHS = ("/login", "/signin", "/sign-in", "/accounts/login/", "/users/sign_in", "/user/login")
PASSWORD_FIELD = re.compile(r"""<input\b[^>]*\btype\s*=\s*["']?password\b""", re.IGNORECASE)
MAX_PARAMETERS = 4
BUDGET_CAP = 48


@dataclass(frozen=True)
class PageParameter:
    """A redirect-named query parameter of one page: ``path`` (no query), the page's other query
    values as found, and where the crawl saw it."""

    path: str
    name: str
    others: tuple[tuple[str, str], ...] = ()
    source: str = "page"

    @property
    def slot(self) -> str:
        return f"query {self.name}"


@dataclass
class _Found:
    by_key: dict[tuple[str, str], PageParameter] = field(default_factory=dict)

    def add(self, url: str, source: str, extra: Sequence[str] = ()) -> None:
        parts = urlsplit(url)
        path = parts.path or "/"
        query = parse_qsl(parts.query, keep_blank_values=True)
        for name in dict.fromkeys([*(n for n, _ in query), *extra]):
            if names_redirect(name):
                others = tuple((n, v) for n, v in query if n != name)
                self.by_key.setdefault((path, name), PageParameter(path, name, others, source))


def page_parameters(observation: Observation, origin: str, login: str = "") -> list[PageParameter]:
    """Every (page, redirect-named parameter) the crawl saw on ``origin``, by route shape (a path
    and a name, whatever its value): the sign-in page (the crawl's, else ``login``) first, then
    strong names (``next``) before weak ones (``url``). Links that end the session or destroy are
    left alone, as the crawl does."""
    found = _Found()
    login = (observation.login.path if observation.login else "") or login
    if login:
        names = [n for n, _ in parse_qsl(urlsplit(login).query, keep_blank_values=True)]
        extra = () if any(names_redirect(n) for n in names) else (LOGIN_PARAMETER,)
        found.add(urljoin(origin, login), "the sign-in page", extra)
    policy = ActionPolicy.for_url(origin)
    for page in observation.pages:
        found.add(urljoin(origin, page.path), "a crawled page")
        for link in page.links:
            href = urljoin(origin, link.href)
            if origin_of(href) == policy.origin and judge_link(href, link.text, policy).allowed:
                found.add(href, f"a link on {urlsplit(page.path).path or '/'}")
    for raw in as_list(observation.page_structure.get("pages")):
        page_json = as_object(raw)
        page_url = urljoin(origin, as_str(page_json.get("path")))
        for form_raw in as_list(page_json.get("forms")):
            form = as_object(form_raw)
            action = urljoin(page_url, as_str(form.get("action")))
            if as_str(form.get("method"), "get").lower() != "get" or origin_of(action) != policy.origin:
                continue
            fields = [as_str(as_object(f).get("name")) for f in as_list(form.get("fields"))]
            found.add(action, f"a GET form on {urlsplit(page_url).path or '/'}", [f for f in fields if f])
    login_path = urlsplit(login).path or "/"
    return sorted(
        found.by_key.values(),
        key=lambda p: (not (login and p.path == login_path), not strongly_names_redirect(p.name)),
    )


@dataclass(frozen=True)
class _Identity:
    role: str
    headers: Mapping[str, str]
    query: Mapping[str, str]


async def _identities(ctx: WebContext, client: ProbeClient, login: str) -> tuple[list[_Identity], str]:
    """Anonymous first (an anonymous redirect is the wider flaw), then the primary identity signed
    in: some apps (Jupyter) redirect only a visitor who already is. Its session's credential (a
    fixed ``Authorization`` header, a login's token or cookie), else the cookie the sign-in form
    gives for the run's credentials. A note when it could not sign in."""
    people = [_Identity(ANONYMOUS, {}, {})]
    security = ctx.security
    session = security.auth.session
    who = security.auth.identity or ctx.credentials
    role = who.role if who else "user"
    if session.authenticated:
        people.append(_Identity(role, dict(session.headers), dict(session.query)))
        return people, ""
    creds = ctx.credentials
    if creds is None or not creds.password or not login:
        return people, ""
    browser = WebSession(client, security.target.base_url)
    if not await browser.sign_in(login, creds):
        return people, f"the sign-in form on {login} did not take the credentials: asked anonymously only"
    for secret in browser.cookies.values():
        if secret not in security.auth.secrets:
            security.auth.secrets.append(secret)  # the session cookie is kept out of every output
    jar = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    return [*people, _Identity(role, {"Cookie": jar}, {})], ""


class WebOpenRedirectFamily:
    """Redirect-named parameters of the crawled pages, anonymously and signed in."""

    name = "web_open_redirect"

    async def run(self, ctx: WebContext) -> FamilyReport:
        security = ctx.security
        reason = refusal(security)
        if reason:
            return FamilyReport(self.name, notes=[reason])
        origin = origin_of(security.target.base_url)
        client = ProbeClient(security, self.name, budget=min(security.budget_per_family, BUDGET_CAP))
        login, notes = ctx.login_path or crawled_sign_in(ctx.observation), []
        if not login:
            login = await _sign_in_page(client, security, ctx.observation)
            notes.append(f"the crawl found no sign-in page; {login or 'none'} at the usual paths")
        chosen = page_parameters(ctx.observation, origin, login)
        if not chosen:
            return finish(client, [], [*notes, "no page takes a redirect-named parameter"])
        people, why = await _identities(ctx, client, login)
        notes += [why] if why else []
        trials: dict[str, list[RedirectTrial]] = {p.role: [] for p in people}
        asked = chosen[:MAX_PARAMETERS]
        for parameter in asked:
            if not await _probe(client, origin, parameter, people, trials):
                break
        findings = _judged(trials, security)
        shown = ", ".join(f"{p.path} {p.name} ({p.source})" for p in asked)
        sent = sum(len(t) for t in trials.values())
        notes.append(f"{sent} redirect payload(s) sent to {len(asked)} page parameter(s): {shown}")
        if len(chosen) > len(asked):
            notes.append(
                f"{len(chosen) - len(asked)} more page parameter(s) not asked (at most {MAX_PARAMETERS})"
            )
        return finish(client, findings, notes)


def crawled_sign_in(observation: Observation) -> str:
    """A crawled page (path and query) with a sign-in form, '' when none: one password field
    and at most two others (a user name, "remember me"), the sign-in page even when the crawl did
    not sign in there. A settings form that also sets a password has many more fields."""
    for raw in as_list(observation.page_structure.get("pages")):
        page = as_object(raw)
        for form in as_list(page.get("forms")):
            kinds = [as_str(as_object(f).get("type")) for f in as_list(as_object(form).get("fields"))]
            if kinds.count("password") == 1 and len(kinds) <= 3:
                return as_str(page.get("path"))
    return ""


async def _sign_in_page(client: ProbeClient, security: SecurityContext, observation: Observation) -> str:
    """The first of the usual sign-in paths that answers a page with a password field ('' if
    none); anonymous GETs, after the paths the crawl already saw."""
    seen = {urlsplit(p.path).path for p in observation.pages}
    for path in SIGN_IN_PATHS:
        if path in seen:
            continue  # crawled, and not taken for a sign-in page
        url = site_url(security, path)
        exchange = await client.send(
            RecordedRequest("GET", url),
            path_template=path,
            action=f"is {path} a sign-in page?",
            identity=ANONYMOUS,
        )
        response = exchange.response if exchange else None
        if exchange is None:
            return ""
        if response is not None and response.status == 200 and PASSWORD_FIELD.search(response.text):
            return urlsplit(url).path
    return ""


async def _probe(
    client: ProbeClient,
    origin: str,
    parameter: PageParameter,
    people: Sequence[_Identity],
    trials: dict[str, list[RedirectTrial]],
) -> bool:
    """The payloads to ``parameter`` as each identity, until one identity is proven to leave the
    site (the next ones are not asked); False when the budget ran out."""
    for person in people:

        async def send(payload: str, action: str, person: _Identity = person) -> Exchange | None:
            query = [*parameter.others, (parameter.name, payload), *person.query.items()]
            url = f"{origin}{parameter.path}?{urlencode(query)}"
            request = RecordedRequest("GET", url, headers=dict(person.headers))
            return await client.send(
                request,
                path_template=parameter.path,
                action=f"{action} as {person.role}",
                identity=person.role,
            )

        mine = trials[person.role]
        before = len(mine)
        if not await send_payloads(send, parameter.slot, mine):
            return False
        if any(leaves_site(t) for t in mine[before:]):
            return True
    return True


def _judged(trials: Mapping[str, Sequence[RedirectTrial]], ctx: SecurityContext) -> list[Finding]:
    """Each identity's trials judged on their own (a payload counts as reproduced only when the
    same identity saw it leave twice), one finding per page: the first identity's, anonymous first."""
    findings: dict[tuple[str, str], Finding] = {}
    for mine in trials.values():
        for finding in judge_open_redirect(mine, oracle_context(ctx)):
            findings.setdefault((finding.method, finding.path), finding)
    return list(findings.values())
