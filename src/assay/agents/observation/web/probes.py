"""Try a page's actions in a fresh page: submit a form, click a standalone button.

Only what :mod:`assay.domain.action_safety` allows, judged again on the live page just before
filling anything; an overlay in the way is dismissed first (:mod:`assay.pages.overlays`).

What follows each action is recorded as an :class:`ActionProbe` for the UI oracles: the 5xx
answers it caused, whether anything visible changed, and which message appeared.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Dialog, Locator, Page, Response

from assay.domain.action_safety import ActionPolicy, Control, judge_button, judge_form, object_path
from assay.domain.json import as_list, as_object, as_str
from assay.domain.pages import ActionProbe, PageFacts, ProbeKind
from assay.pages.feedback import read_after, settle, visible
from assay.pages.form_facts import SUBMIT_SELECTOR, form_from_json, read_forms
from assay.pages.locators import resolve
from assay.pages.overlays import click_through, dismiss_overlays
from assay.pages.page_script import DOM_DIGEST, FIELD_ERRORS
from assay.pages.values import sample_value

WRONG_USER = "assay-nobody@example.com"
WRONG_PASSWORD = "wrong-password-assay"
ACTION_TIMEOUT_MS = 3000
ARIA_INVALID = "(aria-invalid)"


class _Recorder:
    def __init__(self, page: Page) -> None:
        self.statuses: list[int] = []
        self.document_status = 0
        self.navigated = False
        self.downloaded = False
        self.digest = ""
        self.dialogs: list[str] = []
        self.form: Locator | None = None
        self.fields_before: set[str] = set()
        page.on("response", self._on_response)
        page.on("download", self._on_download)
        # The containment dismisses every dialog; an alert() is still feedback the user saw.
        page.on("dialog", self._on_dialog)

    def _on_download(self, _: object) -> None:
        self.downloaded = True

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}"[:200])

    async def remember(self, page: Page, form: Locator | None = None) -> None:
        self.digest = await _digest(page)
        self.navigated = False  # from now on: did the action load a document?
        self.dialogs.clear()  # one the page opened as it loaded answers no action
        self.form = form
        self.fields_before = {f for f in await _field_errors(page, form) if f.endswith(ARIA_INVALID)}

    async def field_errors(self, page: Page) -> tuple[str, ...]:
        """Fields in an error state now: aria-invalid ones that were not before the action, and
        the submitted form's natively refused ones (the browser showed its bubble on submit)."""
        now = await _field_errors(page, self.form)
        # A document loaded: the submission went through, so no bubble was shown; the new page's
        # empty required fields are invalid without anyone being told so.
        if self.navigated:
            now = [f for f in now if f.endswith(ARIA_INVALID)]
        return tuple(f for f in now if f not in self.fields_before)

    async def dom_changed(self, page: Page) -> bool:
        return self.downloaded or await _digest(page) != self.digest

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.statuses.append(response.status)
        if response.request.resource_type == "document":
            self.document_status = response.status
            self.navigated = True


async def _digest(page: Page) -> str:
    try:
        return as_str(await page.evaluate(DOM_DIGEST))
    except Exception:  # the page navigated mid-read
        return ""


async def _field_errors(page: Page, form: Locator | None) -> list[str]:
    """ "email (aria-invalid)", "code: Please match the requested format." (see FIELD_ERRORS)."""
    try:
        if form is not None and await form.count():
            found = await form.evaluate(FIELD_ERRORS, timeout=1000)
        else:
            found = await page.evaluate(FIELD_ERRORS, None)
    except Exception:  # the page navigated mid-read: its new state is judged by the text
        return []
    out = []
    for item in (as_object(f) for f in as_list(found)):
        name, message = as_str(item.get("name")), as_str(item.get("message"))
        out.append(f"{name}: {message}" if item.get("kind") == "native" else f"{name} {ARIA_INVALID}")
    return list(dict.fromkeys(out))


async def _fill_form(form: Locator, kind: ProbeKind) -> list[str]:
    steps: list[str] = []
    fields = form.locator("input:visible, select:visible, textarea:visible")
    for i in range(min(await fields.count(), 30)):
        field = fields.nth(i)
        tag = await field.evaluate("e => e.tagName.toLowerCase()")
        kind_attr = ((await field.get_attribute("type")) or "text").lower()
        name = (await field.get_attribute("name")) or ""
        if kind_attr in ("submit", "button", "reset", "image", "hidden", "file"):
            continue
        if kind_attr in ("checkbox", "radio"):
            await field.check()
            steps.append(f"check {name}")
        elif tag == "select":
            options = await field.locator("option").count()
            await field.select_option(index=1 if options > 1 else 0)
            steps.append(f"select an option of {name}")
        else:
            value = _probe_value(kind, kind_attr, name, await _constraints(field))
            await field.fill(value)
            steps.append(
                f"fill {name or kind_attr} with {'<password>' if kind_attr == 'password' else value!r}"
            )
    return steps


def _probe_value(kind: ProbeKind, input_type: str, name: str, constraints: dict[str, str]) -> str:
    if kind == "wrong_password":
        return WRONG_PASSWORD if input_type == "password" else WRONG_USER
    return sample_value(input_type, name, dict(constraints))


async def _constraints(field: Locator) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("minlength", "maxlength", "min", "max"):
        value = await field.get_attribute(key)
        if value is not None:
            out[key] = value
    return out


async def probe_form(
    context: BrowserContext,
    facts: PageFacts,
    index: int,
    submit_name: str,
    shots: Path | None,
    policy: ActionPolicy,
) -> ActionProbe | None:
    """Fill form ``index`` of a page with sample values (a wrong login for a login form) and submit,
    when the action policy allows it on the live page; None when it does not."""
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)  # a field that cannot be filled must not stall the crawl
    try:
        recorder = _Recorder(page)
        await page.goto(facts.url, wait_until="load")
        await dismiss_overlays(page)
        live = await read_forms(page)
        verdict = (
            judge_form(form_from_json(page.url, {"facts": live[index]}), policy)
            if index < len(live)
            else None
        )
        if verdict is None or not verdict.allowed:  # the page changed since the crawl read it
            return None
        form = page.locator("form").nth(index)
        kind: ProbeKind = "wrong_password" if verdict.kind == "login" else "submit"
        steps = [f"open {facts.path}", *await _fill_form(form, kind)]
        before, messages_before = await visible(page)
        await recorder.remember(page, form)
        submit = form.locator(SUBMIT_SELECTOR).first
        if await submit.count():
            await click_through(submit)
        else:
            await form.locator("input:visible").last.press("Enter")
        steps.append(f"submit the form{f' with {submit_name!r}' if submit_name else ''}")
        await settle(page)
        if verdict.kind == "create":
            record_created(policy, facts.path, page.url, steps)
        return await _finish(
            page, recorder, facts.path, kind, submit_name, steps, before, messages_before, shots
        )
    finally:
        await page.close()


def record_created(policy: ActionPolicy, form_path: str, landed: str, steps: list[str]) -> None:
    """What a create form made: the object page it landed on (/posts/12), or, when it names none,
    the submission itself with what was typed, so created.json lists it for cleaning up. The
    second kind's key names no path, so it never makes anything else look like assay's own."""
    created = object_path(landed)
    if created and created != object_path(form_path):
        policy.ledger.record("page", created, f"form on {form_path}", created)
        return
    typed = "; ".join(step for step in steps if not step.startswith("submit"))[:300]
    policy.ledger.record("page", f"submitted:{form_path}", f"form on {form_path}: {typed}")


async def probe_button(
    context: BrowserContext,
    facts: PageFacts,
    locator: str,
    name: str,
    shots: Path | None,
    policy: ActionPolicy,
) -> ActionProbe | None:
    """Click one standalone button the action policy allows and record what changed."""
    if not judge_button(Control(name), facts.url, policy).allowed:
        return None
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)  # a field that cannot be filled must not stall the crawl
    try:
        recorder = _Recorder(page)
        await page.goto(facts.url, wait_until="load")
        await dismiss_overlays(page)
        before, messages_before = await visible(page)
        await recorder.remember(page)
        await click_through(resolve(page, locator))
        await settle(page)
        steps = [f"open {facts.path}", f"click {name!r}"]
        return await _finish(page, recorder, facts.path, "click", name, steps, before, messages_before, shots)
    finally:
        await page.close()


async def _finish(
    page: Page,
    recorder: _Recorder,
    path: str,
    kind: ProbeKind,
    element: str,
    steps: list[str],
    before: str,
    messages_before: list[str],
    shots: Path | None,
) -> ActionProbe:
    # A message may appear a moment after the answer (rendered by a script): wait for it.
    after, messages = await read_after(page, before, messages_before)
    new_messages = [m for m in messages if m not in messages_before]
    old_lines = {line.strip() for line in before.splitlines()}
    new_lines = [
        line.strip() for line in after.splitlines() if line.strip() and line.strip() not in old_lines
    ]
    url_before = path
    # Read before the screenshot: taking one touches the markup (Playwright hides the caret), and
    # read after it every action would look answered.
    dom_changed, field_errors = await recorder.dom_changed(page), await recorder.field_errors(page)
    shot = await _screenshot(page, shots, f"{kind}-{path}-{element}")
    return ActionProbe(
        page=path,
        kind=kind,
        element=element,
        locator="",
        steps=tuple(steps),
        url_before=url_before,
        url_after=_path(page.url),
        status=recorder.document_status,
        server_statuses=tuple(recorder.statuses),
        changed=bool(new_lines) or _path(page.url) != url_before,
        message=(new_messages or new_lines or [""])[0][:200],
        form_still_shown=await page.locator("form").count() > 0,
        screenshot=shot,
        dom_changed=dom_changed,
        text_before=before,
        text_after=after,
        messages_after=tuple(messages),
        field_errors=field_errors,
        dialogs=tuple(recorder.dialogs),
    )


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


async def _screenshot(page: Page, shots: Path | None, label: str) -> str:
    if shots is None:
        return ""
    name = "".join(c if c.isalnum() else "-" for c in label).strip("-")[:80] + ".png"
    target = shots / name
    try:
        await page.screenshot(path=str(target), full_page=False)
    except Exception:
        return ""
    return str(target)
