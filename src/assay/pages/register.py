"""Register an account of assay's own through the app's registration form, to sign in with it.

Run only when no login was given and the target is a test system; the form must be one the
action policy lets assay submit (:func:`assay.domain.action_safety.judge_form`: on the target's
origin, creating, not editing or destroying). The names follow the API side's convention
(``assay_<unique>``, ``assay.<unique>@example.com``) and the password is the run's own
(``Ledger.password``, redacted from every output); the account goes into the run's ledger, so it
appears in ``created.json``. What the app turns down ("username taken", a field it insists on) is
a note, and nothing is recorded.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from playwright.async_api import Locator, Page

from assay.domain.action_safety import ActionPolicy, Control, FormFacts, Verdict, judge_form
from assay.domain.auth_forms import names_registration
from assay.domain.json import as_object, as_str
from assay.domain.ledger import WEB_REGISTRATION
from assay.domain.target import Credentials
from assay.pages.auth_forms import AuthForm, form_for
from assay.pages.browser import BrowserSession
from assay.pages.containment import Containment
from assay.pages.feedback import read_after, settle, visible
from assay.pages.form_facts import SUBMIT_SELECTOR, form_from_json, read_forms
from assay.pages.login_finder import find_form
from assay.pages.overlays import click_through, dismiss_overlays
from assay.pages.signed_in import FAILURE
from assay.pages.values import sample_value

_FIELD = """(e) => ({type: (e.getAttribute('type') || (e.tagName === 'INPUT' ? 'text' : e.tagName)).toLowerCase(),
  name: [e.name, e.id, e.getAttribute('autocomplete'), e.getAttribute('placeholder'), e.getAttribute('aria-label'),
    ...(e.labels ? Array.from(e.labels).map((l) => l.innerText) : [])].filter((v) => v).join(' '),
  required: e.required, empty: !e.value, checked: !!e.checked,
  minlength: e.getAttribute('minlength') || '', maxlength: e.getAttribute('maxlength') || ''})"""  # noqa: E501
_USER = re.compile(r"user|login|nick|handle|account.?name|screen.?name", re.I)
_MAIL = re.compile(r"e-?mail", re.I)
_AGREE = re.compile(r"terms|agree|accept|privacy|tos\b|conditions|consent", re.I)
_REFUSED = re.compile(r"error|correct|already|taken|exists|in use|required|must|too short|not allowed", re.I)


@dataclass(frozen=True)
class Registration:
    """The account registered (None when none was), and what happened, for the run's notes."""

    credentials: Credentials | None
    note: str
    path: str = ""


def fresh_names() -> tuple[str, str]:
    """A user name and an e-mail address no other run uses, like the API side's registrations."""
    unique = secrets.choice(string.ascii_lowercase) + "".join(
        secrets.choice(string.ascii_lowercase + string.digits) for _ in range(9)
    )
    return f"assay_{unique}", f"assay.{unique}@example.com"


async def register_account(
    session: BrowserSession,
    url: str,
    policy: ActionPolicy,
    password: str,
    containment: Containment | None = None,
) -> Registration:
    """Find the registration form reachable from ``url``, fill it and submit it once."""
    context = await session.context(containment or Containment(url))
    page = await context.new_page()
    try:
        return await _register(page, url, policy, password)
    except Exception as exc:  # a timeout, a click swallowed: the crawl goes on without an account
        why = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:160]}"
        return Registration(None, f"registering an account from {url} failed ({why})")
    finally:
        await context.close()


async def _register(page: Page, url: str, policy: ActionPolicy, password: str) -> Registration:
    found = await find_form(page, url, "register", [])
    if found.form is None:
        return Registration(None, "no registration form found: the pages are crawled signed out")
    path = _path(page.url)
    if not found.form.facts.passwords:  # a sign-up by e-mail link: nothing assay could sign in with
        return Registration(
            None, f"the registration form on {path} asks for no password: none registered", path
        )
    verdict = await _judged(page, found.form, policy)
    if not verdict.allowed:
        why = verdict.reason or verdict.kind
        return Registration(None, f"the registration form on {path} was left alone ({why})", path)
    form = found.form.locator(page)
    username, email = fresh_names()
    login = await _fill(form, username, email, password)
    text, messages = await visible(page)
    before_url = page.url
    submit = form.locator(SUBMIT_SELECTOR).first
    await dismiss_overlays(page, submit)
    enter = form.locator("input[type=password]").first
    await (click_through(submit) if await submit.count() else enter.press("Enter"))
    await settle(page)
    after, shown = await read_after(page, text, messages, wait_ms=1500)
    refusal = await _refusal(page, text, messages, after, shown, moved=page.url != before_url)
    if refusal:
        return Registration(None, f"registering through the form on {path} was refused: {refusal}", path)
    policy.ledger.record("account", login, f"{WEB_REGISTRATION}{path}")
    return Registration(
        Credentials(login, password), f"registered account {login} through the form on {path}", path
    )


async def _judged(page: Page, form: AuthForm, policy: ActionPolicy) -> Verdict:
    """The action policy's verdict on the registration form (read as any probe would read it)."""
    facts = await read_forms(page)
    index = int(form.mark[1:]) if form.mark.startswith("f") else -1
    if 0 <= index < len(facts):
        verdict = judge_form(form_from_json(page.url, {"facts": as_object(facts[index])}), policy)
    else:  # fields with no <form>: a script posts them somewhere only it knows
        verdict = judge_form(FormFacts(page.url, page.url, "post", submit=Control(form.facts.button)), policy)
    # A "Continue" button says nothing, but a form shaped as a registration that names itself one
    # ("Create an account" over it) makes a new account: it creates, it changes nothing there was.
    if verdict.kind == "unclear" and names_registration(form.facts):
        return Verdict("create", "it registers a new account")
    return verdict


async def _fill(form: Locator, username: str, email: str, password: str) -> str:
    """Fill every visible field; the name to sign in with (the user name when asked, else the e-mail)."""
    fields = form.locator("input:visible, textarea:visible, select:visible")
    asked_user = False
    for i in range(await fields.count()):
        field = fields.nth(i)
        info = as_object(await field.evaluate(_FIELD))
        kind, name = as_str(info.get("type")), as_str(info.get("name"))
        if kind in ("hidden", "submit", "button", "image", "file", "reset", "radio"):
            continue
        if kind == "checkbox":
            if (info.get("required") or _AGREE.search(name)) and not info.get("checked"):
                await field.check()
            continue
        if kind == "select":
            if info.get("empty"):
                await field.select_option(index=1)
            continue
        if kind == "password":
            await field.fill(password)
        elif kind == "email" or _MAIL.search(name):
            await field.fill(email)
        elif _USER.search(name):
            await field.fill(username)
            asked_user = True
        else:
            limits = {k: as_str(info.get(k)) for k in ("minlength", "maxlength") if as_str(info.get(k))}
            await field.fill(sample_value(kind, name, dict(limits)))
    return username if asked_user else email


async def _refusal(
    page: Page, text: str, messages: list[str], after: str, shown: list[str], *, moved: bool
) -> str:
    """What shows the registration did not go through ("" when nothing does)."""
    old = {line.strip() for line in text.splitlines()}
    fresh = [m for m in shown if m not in messages]
    fresh += [line.strip() for line in after.splitlines() if line.strip() and line.strip() not in old]
    said = next((m[:80] for m in fresh if len(m) < 300 and (_REFUSED.search(m) or FAILURE.search(m))), "")
    if said:
        return f"the app answered {said!r}"
    if not moved and await form_for(page, "register") is not None:
        # Still on the form: a field marked invalid, a hint, or nothing at all; never a success.
        return f"the form is still shown ({fresh[0][:80]!r})" if fresh else "the form is still shown"
    return ""


def _path(url: str) -> str:
    from assay.pages.extract import path_of

    return path_of(url)
