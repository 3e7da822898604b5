"""A page's forms and links read from its HTML, without a browser: what the HTTP-level web checks
submit and follow.

The browser reads forms for the crawl (:mod:`assay.pages.form_facts`); the security checks send
hundreds of variants of one form, which a browser would make slow and stateful. So they read the
form once from the markup the server sent (hidden values included: an anti-forgery token must
go back as it came) and submit it over HTTP. Pure: HTML text in, records out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin

FieldKind = Literal["text", "hidden", "password", "choice", "checkbox", "textarea", "other"]
# Input types whose value is free text a user types (the injection points).
TEXT_TYPES = frozenset({"text", "search", "url", "email", "tel", "number", ""})
_SKIPPED_TYPES = frozenset({"submit", "button", "image", "reset", "file"})
# Hidden fields that carry an anti-forgery token (Django, Rails, Flask-WTF, Laravel, Tornado…).
TOKEN_NAME = re.compile(r"(?i)csrf|xsrf|authenticity|anti.?forgery|__requestverificationtoken|^_token$|nonce")


@dataclass(frozen=True)
class FormField:
    name: str
    kind: FieldKind
    value: str = ""  # as the page sent it (a select's chosen option, a textarea's text)
    input_type: str = ""  # the raw type attribute, lower case ('' for textarea and select)


@dataclass(frozen=True)
class HtmlForm:
    """One form: where and how it submits, and its fields in document order."""

    page_url: str
    action: str  # absolute URL
    method: Literal["get", "post"] = "get"
    enctype: str = "application/x-www-form-urlencoded"
    fields: tuple[FormField, ...] = ()
    submit: str = ""  # the first submit button's text or value
    submit_field: tuple[str, str] | None = None  # the first named submit button's (name, value)
    attrs: tuple[str, ...] = ()  # id, name, class of the form

    def default_values(self) -> list[tuple[str, str]]:
        """The body a browser would send with nothing typed: every field's value as served."""
        values = [(f.name, f.value) for f in self.fields if f.name]
        if self.submit_field is not None:
            values.append(self.submit_field)
        return values

    def text_fields(self) -> tuple[FormField, ...]:
        """The fields a user types free text into (text-like inputs and textareas)."""
        return tuple(f for f in self.fields if f.name and f.kind in {"text", "textarea"})

    def token_fields(self) -> tuple[str, ...]:
        """Hidden fields named like an anti-forgery token."""
        return tuple(f.name for f in self.fields if f.kind == "hidden" and TOKEN_NAME.search(f.name))

    @property
    def passwords(self) -> int:
        return sum(1 for f in self.fields if f.kind == "password")


@dataclass
class _Building:
    action: str
    method: Literal["get", "post"]
    enctype: str
    attrs: tuple[str, ...]
    fields: list[FormField] = field(default_factory=list)
    submit: str = ""
    submit_field: tuple[str, str] | None = None


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.base = page_url
        self.forms: list[HtmlForm] = []
        self.links: list[str] = []
        self._form: _Building | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, first, selected
        self._button: list[str] | None = None
        self._option: tuple[str | None, list[str], bool] | None = None  # value, text, selected

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and a.get("href"):
            self.base = urljoin(self.page_url, a["href"])
        elif tag in {"a", "area"} and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            self._open_form(a)
        elif self._form is not None:
            self._in_form(tag, a)

    def _open_form(self, a: dict[str, str]) -> None:
        method: Literal["get", "post"] = "post" if a.get("method", "").lower() == "post" else "get"
        action = urljoin(self.base, a["action"]) if a.get("action") else self.page_url
        attrs = tuple(a[k] for k in ("id", "name", "class") if a.get(k))
        enctype = a.get("enctype", "").lower() or "application/x-www-form-urlencoded"
        self._form = _Building(action, method, enctype, attrs)

    def _in_form(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "").lower()
            if kind in _SKIPPED_TYPES:
                if kind in {"submit", "image"}:
                    self._note_submit(name, a.get("value", ""))
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.fields.append(FormField(name, "checkbox", a.get("value", "on"), kind))
                return
            self._form.fields.append(FormField(name, _kind(kind), a.get("value", ""), kind))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._end_option()
            # An option without a value attribute submits its text: read it as the text comes.
            self._option = (a.get("value"), [], "selected" in a)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = []
            self._note_submit(name, a.get("value", ""))

    def _note_submit(self, name: str, value: str) -> None:
        assert self._form is not None
        if not self._form.submit:
            self._form.submit = value
        if name and self._form.submit_field is None:
            self._form.submit_field = (name, value)

    def _end_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value, text, selected = self._option
        chosen = value if value is not None else " ".join("".join(text).split())
        self._select[1].append(chosen)
        if selected:
            self._select[2].append(chosen)
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "textarea" and self._textarea is not None and form is not None:
            name, text = self._textarea
            form.fields.append(FormField(name, "textarea", "".join(text).removeprefix("\n")))
            self._textarea = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None and form is not None:
            self._end_option()
            name, options, selected = self._select
            # What a user picks: the selected option, else the first real one (a leading blank
            # "- choose -" option would submit a form that does nothing).
            chosen = selected[0] if selected else next((o for o in options if o), "")
            form.fields.append(FormField(name, "choice", chosen))
            self._select = None
        elif tag == "button" and self._button is not None and form is not None:
            if not form.submit:
                form.submit = " ".join("".join(self._button).split())
            self._button = None
        elif tag == "form" and form is not None:
            self._close_form(form)

    def _close_form(self, form: _Building) -> None:
        self.forms.append(
            HtmlForm(
                page_url=self.page_url,
                action=form.action,
                method=form.method,
                enctype=form.enctype,
                fields=tuple(form.fields),
                submit=form.submit,
                submit_field=form.submit_field,
                attrs=form.attrs,
            )
        )
        self._form = None

    def close(self) -> None:
        super().close()
        if self._form is not None:  # an unclosed form still submits what it holds
            self._close_form(self._form)


def _kind(input_type: str) -> FieldKind:
    if input_type in TEXT_TYPES:
        return "text"
    if input_type == "hidden":
        return "hidden"
    if input_type == "password":
        return "password"
    return "other"


def parse_forms(html: str, page_url: str) -> list[HtmlForm]:
    """Every form on the page, in document order."""
    parser = _FormParser(page_url)
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser gives up on some broken markup: keep what it read
        pass
    return parser.forms


def page_links(html: str, page_url: str) -> list[str]:
    """Every anchor and area href on the page, absolute, in document order."""
    parser = _FormParser(page_url)
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        pass
    return parser.links
