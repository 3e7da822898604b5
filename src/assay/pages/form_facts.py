"""Read what :mod:`assay.domain.action_safety` judges a form by, from a live page or a stored one.

The page script returns, per form in document order, where it submits (resolved, and the first
submit button's ``formaction``), its method and method override, the names of its hidden and
prefilled fields, the option a probe would pick in each select, and how many password fields it
has. Values are never kept (a hidden field may hold a CSRF token), only names, except the
method override.
"""

from __future__ import annotations

from playwright.async_api import Page

from assay.domain.action_safety import Control, FormFacts
from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.pages.action_script import FORM_FACTS

# The button a probe or scenario clicks: the first of these in the form.
SUBMIT_SELECTOR = "button[type=submit], button:not([type]), input[type=submit]"


async def read_forms(page: Page) -> list[JsonObject]:
    """Each form's facts as JSON, in document order (the order of the page structure's forms)."""
    return [as_object(f) for f in as_list(await page.evaluate(FORM_FACTS, SUBMIT_SELECTOR))]


async def with_form_facts(page: Page, structure: JsonObject) -> JsonObject:
    """``structure`` with each of its forms carrying its ``facts`` (read from the same page)."""
    try:
        facts = await read_forms(page)
    except Exception:  # the page navigated away mid-read: the forms stay unjudged, so unsubmitted
        return structure
    forms: list[Json] = []
    for i, raw in enumerate(as_list(structure.get("forms"))):
        form = dict(as_object(raw))
        if i < len(facts):
            form["facts"] = facts[i]
        forms.append(form)
    return {**structure, "forms": forms}


def form_from_json(page_url: str, form: JsonObject) -> FormFacts:
    """The decision's view of one stored form; a form stored without facts is judged as a POST
    of unknown purpose (so it is not submitted by default)."""
    facts = as_object(form.get("facts"))
    if not facts:
        return FormFacts(page_url, page_url, method="post", submit=Control(as_str(form.get("submit"))))
    submit = as_object(facts.get("submit"))
    return FormFacts(
        page_url=page_url,
        action=as_str(facts.get("action")) or page_url,
        method=as_str(facts.get("method"), "get"),
        override=as_str(facts.get("override")),
        attrs=_strings(facts.get("attrs")),
        submit=_control(submit) if submit else None,
        hidden=_strings(facts.get("hidden")),
        prefilled=_strings(facts.get("prefilled")),
        choices=_strings(facts.get("choices")),
        passwords=_int(facts.get("passwords")),
    )


def _strings(value: Json) -> tuple[str, ...]:
    return tuple(as_str(v) for v in as_list(value))


def _int(value: Json) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _control(raw: JsonObject) -> Control:
    return Control(as_str(raw.get("text")), _strings(raw.get("attrs")), as_str(raw.get("target")))


def button_control(name: str, fingerprint: JsonObject) -> Control:
    """A standalone button as the action policy sees it: its name and identifying attributes."""
    attributes = as_object(fingerprint.get("attributes"))
    keys = ("name", "id", "class", "aria-label", "title", "value", "data-testid")
    return Control(name, tuple(as_str(attributes.get(k)) for k in keys if as_str(attributes.get(k))))
