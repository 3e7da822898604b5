"""The account forms of a site (sign-in, registration, password reset) and a signed-in session.

Read from the markup over HTTP, as the other web families do. A form is told apart by its fields
and its words (its button, id/class, where it posts, the page it is on): two password fields, or
one with registration words, register; one password signs in; none, with reset words and a field
for a name or an address, asks for a password reset. Pages are looked for where the crawl saw
them, in the links of the crawled pages, then at the usual paths.

An account is the run's credentials when given; otherwise one assay registers through the site's
own form (only where :func:`~assay.agents.analysis.security.web.points.form_allowed` lets the run
create: a test system), with the run's password, recorded in the ledger. Later families sign in
with the account already in the ledger rather than registering another.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin, urlsplit

from assay.agents.analysis.security.base import ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.points import form_allowed
from assay.agents.analysis.security.web.session import Submitted, WebSession, is_html
from assay.domain.action_safety import origin_of
from assay.domain.danger import is_logout
from assay.domain.exchanges import Exchange
from assay.domain.target import Credentials
from assay.oracles.web_views import looks_signed_in, view_of
from assay.pages.html_forms import HtmlForm

FormKind = Literal["login", "register", "reset"]
REGISTRATION_VIA = "registration form"  # the ledger's ``via`` for accounts registered here
EMAIL_DOMAIN = "example.com"  # reserved (RFC 2606): a mail to it reaches nobody
_REGISTER = re.compile(
    r"(?i)regist|sign[\s_-]?up|join|create[\s_-]?(an[\s_-])?account|new[\s_-]?account|enrol"
)
_RESET = re.compile(r"(?i)forgot|reset|recover|lost[\s_-]?password|password[\s_-]?(new|request)")
_USERISH = re.compile(r"(?i)user|login|email|e-mail|mail|name|account|ident")
USUAL_PATHS: dict[FormKind, tuple[str, ...]] = {
    "login": ("/login", "/signin", "/accounts/login/", "/users/sign_in", "/user/login"),
    "register": ("/register", "/signup", "/sign-up", "/accounts/signup/", "/users/sign_up", "/user/register"),
    "reset": (
        "/forgot",
        "/forgot-password",
        "/password/reset",
        "/accounts/password/reset/",
        "/users/password/new",
    ),
}
_WORDS: dict[FormKind, re.Pattern[str]] = {
    "login": re.compile(r"(?i)log[\s_-]?in|sign[\s_-]?in"),
    "register": _REGISTER,
    "reset": _RESET,
}


def form_kind(form: HtmlForm) -> FormKind | None:
    """What ``form`` is for, or None (a search, a comment form, a settings page)."""
    words = " ".join((form.submit, *form.attrs, urlsplit(form.action).path, urlsplit(form.page_url).path))
    if is_logout(form.submit, *form.attrs, urlsplit(form.action).path):
        return None
    texts = form.text_fields()
    if form.passwords >= 2 or (form.passwords == 1 and _REGISTER.search(words) and len(texts) >= 1):
        return "register" if not _RESET.search(words) else None  # two passwords on a reset: a new one
    if form.passwords == 1:
        return "login" if len(texts) <= 2 else None
    if form.passwords == 0 and _RESET.search(words) and any(_USERISH.search(f.name) for f in texts):
        return "reset" if len(texts) <= 2 and form.method == "post" else None
    return None


@dataclass(frozen=True)
class FoundForm:
    page: str  # the page's path (and query)
    form: HtmlForm


@dataclass
class AccountForms:
    """The account forms found, by kind, and the pages already read (never read twice)."""

    found: dict[FormKind, FoundForm] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)


async def _read(session: WebSession, page: str, forms: AccountForms) -> None:
    path = urlsplit(page).path or "/"
    if path in forms.read:
        return
    forms.read.add(path)
    shown, found = await session.forms_on(page)
    if shown is None or shown.response is None or shown.response.status >= 400:
        return
    for form in found:
        kind = form_kind(form)
        if kind is not None and kind not in forms.found:
            forms.found[kind] = FoundForm(page, form)


def _linked(ctx: WebContext, kind: FormKind) -> list[str]:
    """Pages the crawl saw links to whose text or path names ``kind`` (same origin only)."""
    origin = origin_of(ctx.security.target.base_url)
    pages: list[str] = []
    for page in ctx.observation.pages:
        for link in page.links:
            href = urljoin(origin + "/", link.href)
            if origin_of(href) == origin and _WORDS[kind].search(f"{link.text} {urlsplit(href).path}"):
                pages.append(urlsplit(href).path or "/")
    return pages


async def find_forms(
    session: WebSession, ctx: WebContext, kinds: tuple[FormKind, ...], forms: AccountForms | None = None
) -> AccountForms:
    """The account forms of ``kinds``: on the sign-in page and the crawled pages, on pages linked
    from them by name, then at the usual paths (one GET each, until each kind is found)."""
    forms = forms or AccountForms()
    for page in (ctx.login_path, *ctx.pages):
        if page and not all(k in forms.found for k in kinds) and not session.client.exhausted:
            await _read(session, page, forms)
    for kind in kinds:
        for page in (*_linked(ctx, kind), *USUAL_PATHS[kind]):
            if kind in forms.found or session.client.exhausted:
                break
            await _read(session, page, forms)
    return forms


@dataclass(frozen=True)
class Account:
    username: str
    password: str = field(repr=False)
    email: str = ""
    registered: bool = False  # assay made it in this run

    def login_for(self, form: HtmlForm) -> Credentials:
        """The credentials ``form`` asks for: the e-mail address when its user field wants one."""
        texts = [f for f in form.fields if f.kind == "text"]
        wants_mail = any("mail" in f.name.lower() or f.input_type == "email" for f in texts)
        return Credentials(self.email if wants_mail and self.email else self.username, self.password)


def new_name(prefix: str = "assay") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def registration_values(form: HtmlForm, username: str, email: str, password: str) -> list[tuple[str, str]]:
    """The form's values as served, its password fields given ``password``, its address field
    ``email``, its name-like fields ``username`` and any other empty text field a plain word."""
    values: list[tuple[str, str]] = []
    kinds = {f.name: f for f in form.fields}
    for name, value in form.default_values():
        f = kinds.get(name)
        if f is not None and f.kind == "password":
            value = password
        elif f is not None and f.kind == "text" and not value:
            lowered = name.lower()
            if "mail" in lowered or f.input_type == "email":
                value = email
            elif _USERISH.search(lowered):
                value = username
            else:
                value = {"number": "1", "tel": "5550100", "url": "http://example.com/"}.get(
                    f.input_type, "Assay"
                )
        values.append((name, value))
    return values


async def register(
    session: WebSession,
    ctx: WebContext,
    found: FoundForm,
    password: str,
    username: str = "",
    via: str = REGISTRATION_VIA,
) -> tuple[Account, Submitted] | None:
    """Register a fresh account through ``found`` (read fresh for its tokens); None when the run may
    not submit it. The account is recorded in the ledger whatever the answer (it may exist)."""
    if not form_allowed(found.form, ctx):
        return None
    _, forms = await session.forms_on(found.page)
    form = next((f for f in forms if form_kind(f) == "register"), found.form)
    username = username or new_name()
    email = f"{username}@{EMAIL_DOMAIN}"
    values = registration_values(form, username, email, password)
    done = await session.submit(form, values, action="register an account")
    if done is None:
        return None
    ctx.security.target.ledger.record("account", username, f"{via} on {found.page}")
    return Account(username, password, email, registered=True), done


def ledger_account(ctx: WebContext) -> Account | None:
    """An account an earlier family registered through a form in this run."""
    ledger = ctx.security.target.ledger
    for entry in ledger.entries:
        if entry.kind == "account" and entry.via.startswith(REGISTRATION_VIA):
            return Account(entry.key, ledger.password, f"{entry.key}@{EMAIL_DOMAIN}", registered=True)
    return None


async def sign_in_as(session: WebSession, found: FoundForm, account: Account) -> bool:
    return await session.sign_in(found.page, account.login_for(found.form))


@dataclass
class SignedIn:
    session: WebSession
    account: Account
    login: FoundForm
    forms: AccountForms


async def signed_in(ctx: WebContext, client: ProbeClient) -> tuple[SignedIn | None, str]:
    """A session signed in through the site's form (the credentials, an account in the ledger, or
    one registered now), or None and why not."""
    session = WebSession(client, ctx.security.target.base_url)
    forms = await find_forms(session, ctx, ("login", "register"))
    login = forms.found.get("login")
    if login is None:
        return None, "no sign-in form found"
    creds = ctx.credentials
    account = Account(creds.username, creds.password) if creds and creds.password else ledger_account(ctx)
    if account is None:
        registration = forms.found.get("register")
        made = (
            await register(session, ctx, registration, ctx.security.target.ledger.password)
            if registration
            else None
        )
        if made is None:
            return None, "no credentials, and no registration form this run may submit"
        account = made[0]
    fresh = WebSession(client, ctx.security.target.base_url)
    if not await sign_in_as(fresh, login, account):
        return None, f"the sign-in form on {login.page} did not take the account"
    return SignedIn(fresh, account, login, forms), ""


def is_page(exchange: Exchange | None) -> bool:
    return exchange is not None and exchange.response is not None and is_html(exchange)


def account_names(account: Account) -> tuple[str, ...]:
    """What a page may show of the account (replaced before pages are compared)."""
    return tuple(n for n in (account.username, account.email) if n)


@dataclass(frozen=True)
class TellingPage:
    """A page whose signed-in view an anonymous visitor does not get."""

    page: str
    signed_in: Exchange
    anonymous: Exchange


def _path_of(exchange: Exchange) -> str:
    parts = urlsplit(exchange.request.url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


async def telling_page(who: SignedIn, ctx: WebContext, limit: int = 4) -> TellingPage | None:
    """The first page (where the sign-in landed, then the crawled ones) that the session sees
    signed in and an anonymous visitor does not."""
    client = who.session.client
    landed = [_path_of(who.session.landed)] if who.session.landed is not None else []
    skipped = {urlsplit(who.login.page).path}
    pages = [p for p in dict.fromkeys((*landed, *ctx.pages)) if urlsplit(p).path not in skipped]
    names = account_names(who.account)
    for page in pages[:limit]:
        if client.exhausted:
            break
        signed = await who.session.get(page, action="the page, signed in")
        anonymous = await WebSession(client, ctx.security.target.base_url).get(
            page, action="the page, anonymously"
        )
        seen, unseen = view_of(signed, names), view_of(anonymous, names)
        if signed is None or anonymous is None or seen is None or unseen is None:
            continue
        if looks_signed_in(seen, seen, unseen):
            return TellingPage(page, signed, anonymous)
    return None
