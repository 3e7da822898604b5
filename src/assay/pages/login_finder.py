"""Reaching a page that shows a sign-in (or registration) form, the ways real sites hide it.

In order, each step only when the one before found nothing: the start page itself (after
dismissing what covers it); a link or button named like "Log in" ("Sign up" to register),
clicked through any overlay; the same inside a menu that must be opened first (a hamburger, a
nav dropdown, an account icon, a ``<details>``); a matching link that stays hidden (its ``href``
is opened); to register, the sign-in page (registrations sit beside it or are linked from it);
and last the paths apps usually serve it on (``/login``, ``/accounts/login/``,
``/users/sign_in``…). Every URL opened is on the start URL's origin; a form counts only when
:mod:`assay.pages.auth_forms` reads it as serving the purpose (a registration form is no login).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.async_api import Locator, Page

from assay.domain.action_safety import origin_of
from assay.domain.auth_forms import FormPurpose
from assay.domain.danger import is_dangerous
from assay.pages.auth_forms import AuthForm, form_for
from assay.pages.containment import Containment, contained_get
from assay.pages.feedback import settle
from assay.pages.overlays import click_through, dismiss_overlays

LINK_NAMES: dict[FormPurpose, re.Pattern[str]] = {
    "login": re.compile(r"\b(?:log ?in|sign ?in|login|signin|log on|anmelden|connexion|se connecter|"
                        r"iniciar sesi[oó]n|entrar|accedi|inloggen|войти)\b|登录|ログイン|로그인", re.I),
    "register": re.compile(r"\b(?:sign ?up|signup|register|create (?:an |your |new )?account|join|"
                           r"registrieren|inscription|s'inscrire|registrarse|registrati)\b|注册|登録", re.I),
}  # fmt: skip
USUAL_PATHS: dict[FormPurpose, tuple[str, ...]] = {
    "login": ("/login", "/signin", "/sign-in", "/log-in", "/accounts/login/", "/account/login",
              "/users/sign_in", "/user/login", "/auth/login", "/session/new", "/login.php",
              "/admin/login/"),
    "register": ("/register", "/signup", "/sign-up", "/accounts/signup/", "/account/register",
                 "/users/sign_up", "/user/register", "/auth/register", "/join", "/register.php"),
}  # fmt: skip
_HREF_WORDS: dict[FormPurpose, re.Pattern[str]] = {
    "login": re.compile(r"log-?in|sign[-_]?in|/session", re.I),
    "register": re.compile(r"register|sign[-_]?up|/join", re.I),
}
# What opens a collapsed menu: ARIA disclosure buttons, <details>, and the usual toggle classes.
_MENU = (
    "button[aria-expanded=false], [role=button][aria-expanded=false],"
    " [aria-haspopup]:not([aria-expanded=true]), details:not([open]) > summary,"
    " .navbar-toggler, .hamburger, .menu-toggle, [class*=burger i],"
    " [aria-label*=menu i], [aria-label*=account i], [title*=menu i]"
)
_MAX_MENUS = 5
# Anchors that match by text or href, hidden or not (a collapsed menu that never opens for us).
_HIDDEN_HREFS = """([names, hrefs]) => Array.from(document.querySelectorAll('a[href]'))
  .filter((a) => new RegExp(names, 'i').test(a.textContent || a.getAttribute('aria-label') || '')
    || new RegExp(hrefs, 'i').test(a.getAttribute('href') || ''))
  .map((a) => a.href).filter((h) => h.startsWith('http'))"""


_Step = Callable[[Page, str, FormPurpose, list[str]], Awaitable["Found | None"]]


@dataclass
class Found:
    """Where the form was found ("" when it was not), and whether the start URL was refused."""

    form: AuthForm | None
    how: str = ""
    refused: bool = False  # the start URL led to the sign-in page, or answered 401/403


async def find_form(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found:
    """Leave ``page`` showing a form for ``purpose`` reachable from ``url``; what overlays were
    dismissed on the way is added to ``dismissed``."""
    response = await page.goto(url, wait_until="load")
    await settle(page)
    dismissed += await dismiss_overlays(page)
    form = await form_for(page, purpose)
    if form is not None:
        moved = _strip(page.url) != _strip(url)
        refused = moved or (response is not None and response.status in (401, 403))
        return Found(form, "on the start page" if not moved else "where the start page led", refused)
    steps: list[_Step] = [_by_link, _by_menu, _by_hidden_link]
    if purpose == "register":
        steps.append(_by_login_page)
    for step in (*steps, _by_usual_path):
        found = await step(page, url, purpose, dismissed)
        if found is not None:
            return found
    return Found(None)


async def _shown(page: Page, purpose: FormPurpose, dismissed: list[str]) -> AuthForm | None:
    await settle(page)
    dismissed += await dismiss_overlays(page)
    return await form_for(page, purpose)


def _controls(page: Page, purpose: FormPurpose) -> list[Locator]:
    names = LINK_NAMES[purpose]
    return [page.get_by_role("link", name=names), page.get_by_role("button", name=names)]


async def _click_named(page: Page, purpose: FormPurpose, dismissed: list[str]) -> AuthForm | None:
    """Click the first visible same-origin link or button named for ``purpose``."""
    for candidates in _controls(page, purpose):
        for i in range(min(await candidates.count(), 3)):
            control = candidates.nth(i)
            if not await control.is_visible() or not await _safe(page, control):
                continue
            dismissed += await dismiss_overlays(page, control)  # said in the note; click_through is silent
            await click_through(control)
            return await _shown(page, purpose, dismissed)
    return None


async def _safe(page: Page, control: Locator) -> bool:
    """Same origin, outside any form (no submission), and named for nothing that ends or destroys."""
    info = await control.evaluate("(e) => [e.href || '', !!e.closest('form'), e.innerText || '']")
    href, in_form, text = str(info[0]), bool(info[1]), str(info[2])
    if is_dangerous(text) or (in_form and not href):
        return False
    return not href or origin_of(href) == origin_of(page.url)


async def _by_link(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found | None:
    form = await _click_named(page, purpose, dismissed)
    return Found(form, f"behind a {_label(purpose)} link") if form else None


async def _by_menu(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found | None:
    await _back_to(page, url, dismissed)
    toggles = page.locator(_MENU)
    for i in range(min(await toggles.count(), _MAX_MENUS)):
        toggle = toggles.nth(i)
        with contextlib.suppress(Exception):  # a toggle that went away with an earlier menu
            if not await toggle.is_visible() or not await _safe(page, toggle):
                continue
            await click_through(toggle, 2000)
            await page.wait_for_timeout(150)  # a menu's opening transition
            form = await form_for(page, purpose) or await _click_named(page, purpose, dismissed)
            if form is not None:
                return Found(form, f"behind a {_label(purpose)} link in a menu")
            if _strip(page.url) != _strip(url):
                await _back_to(page, url, dismissed)
    return None


async def _by_hidden_link(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found | None:
    await _back_to(page, url, dismissed)
    hrefs = await page.evaluate(_HIDDEN_HREFS, [LINK_NAMES[purpose].pattern, _HREF_WORDS[purpose].pattern])
    origin = origin_of(url)
    for href in [str(h) for h in hrefs if origin_of(str(h)) == origin][:2]:
        if is_dangerous(href):
            continue
        await page.goto(href, wait_until="load")
        form = await _shown(page, purpose, dismissed)
        if form is not None:
            return Found(form, f"at {_strip(page.url)} (a hidden {_label(purpose)} link)")
    return None


async def _by_login_page(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found | None:
    """A registration offered on (or linked from) the sign-in page, however that one is reached."""
    if (await find_form(page, url, "login", dismissed)).form is None:
        return None
    form = await form_for(page, purpose) or await _click_named(page, purpose, dismissed)
    return Found(form, "beside the sign-in form" if form else "") if form else None


async def _by_usual_path(page: Page, url: str, purpose: FormPurpose, dismissed: list[str]) -> Found | None:
    containment = Containment(url)
    for path in USUAL_PATHS[purpose]:
        candidate = urljoin(origin_of(url) + "/", path.lstrip("/"))
        try:  # asked outside the page first: most of these paths do not exist
            status = await contained_get(page.context, candidate, containment)
        except Exception:
            continue
        if not 200 <= status < 400:
            continue
        await page.goto(candidate, wait_until="load")
        form = await _shown(page, purpose, dismissed)
        if form is not None and origin_of(page.url) == origin_of(url):
            return Found(form, f"at {_strip(page.url)}")
    return None


async def _back_to(page: Page, url: str, dismissed: list[str]) -> None:
    if _strip(page.url) != _strip(url):
        await page.goto(url, wait_until="load")
        await settle(page)
        dismissed += await dismiss_overlays(page)


def _label(purpose: FormPurpose) -> str:
    return "'Log in'" if purpose == "login" else "'Sign up'"


def _strip(url: str) -> str:
    from assay.pages.extract import path_of

    return path_of(url)
