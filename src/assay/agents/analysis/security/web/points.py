"""Where a page takes input: its own query parameters and the text fields of its forms.

Which forms may be submitted is the crawler's rule (:func:`assay.domain.action_safety.judge_form`):
GET forms and searches always; forms that create something, and sign-in forms, on test systems;
a form that edits or deletes what assay did not create only with ``--destructive``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.session import Submitted, WebSession
from assay.domain.action_safety import ActionPolicy, Control, FormFacts, judge_form
from assay.pages.html_forms import HtmlForm

MAX_FIELDS_PER_FORM = 6
MAX_FORMS_PER_PAGE = 4
CANARY_HOST = "assay-probe.invalid"  # .invalid never resolves: a server that fetches it reaches nothing
_URL_NAME = re.compile(r"(?i)(^|[_-])(url|uri|link|href|website)($|[_-])")
# Inputs a browser constrains (numbers, e-mail addresses): probed after the free-text ones.
_TERSE = frozenset({"number", "email", "tel"})


@dataclass(frozen=True)
class InjectionPoint:
    page: str  # the page's path (and query) the input was found on
    field: str
    form: HtmlForm | None = None  # None: a query parameter of ``page`` itself

    @property
    def where(self) -> str:
        if self.form is None:
            return f"the query of {self.page}"
        path = urlsplit(self.form.action).path or "/"
        label = f" ({self.form.submit})" if self.form.submit else ""
        return f"the {self.form.method.upper()} form{label} on {self.page} (to {path})"


def mark_for(*parts: str) -> str:
    """A marker unique to one input, the same every run (findings stay comparable run to run)."""
    return "zx" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:10]


def form_allowed(form: HtmlForm, ctx: WebContext) -> bool:
    """May this run submit ``form`` with probe values? The crawler's policy, applied to the markup."""
    if "multipart" in form.enctype:
        return False  # a file upload form: the values alone would be refused
    target = ctx.security.target
    policy = ActionPolicy.for_url(target.base_url, target.destructive, target.ledger)
    facts = FormFacts(
        page_url=form.page_url,
        action=form.action,
        method=form.method,
        attrs=form.attrs,
        submit=Control(form.submit, (form.submit_field[0],) if form.submit_field else ()),
        hidden=tuple(f.name for f in form.fields if f.kind == "hidden"),
        prefilled=tuple(f.name for f in form.fields if f.kind == "text" and f.value),
        passwords=form.passwords,
    )
    verdict = judge_form(facts, policy)
    if not verdict.allowed:
        return False
    return form.method == "get" or target.is_test_system


def points_on(page: str, forms: Sequence[HtmlForm], ctx: WebContext) -> list[InjectionPoint]:
    """The page's query parameters, then its submittable forms' text fields."""
    found = [
        InjectionPoint(page, name) for name, _ in parse_qsl(urlsplit(page).query, keep_blank_values=True)
    ]
    kept = [f for f in forms if f.text_fields() and form_allowed(f, ctx)][:MAX_FORMS_PER_PAGE]
    for form in kept:
        fields = sorted(form.text_fields(), key=lambda f: f.input_type in _TERSE)  # free text first
        found.extend(InjectionPoint(page, f.name, form) for f in fields[:MAX_FIELDS_PER_FORM])
    return found


def with_query(path: str, extra: str) -> str:
    """``path`` with ``extra`` (``_trace=1``) added to its query."""
    if not extra:
        return path
    return f"{path}&{extra}" if "?" in path else f"{path}?{extra}"


async def send_at(
    session: WebSession, point: InjectionPoint, value: str, *, extra_query: str = "", action: str = ""
) -> Submitted | None:
    """``value`` in the point's field, every other input as the page served it."""
    if point.form is None:
        parts = urlsplit(point.page)
        pairs = [
            (k, value if k == point.field else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        url = with_query(f"{parts.path}?{urlencode(pairs)}", extra_query)
        return await session.send("GET", url, action=action)
    field = next((f for f in point.form.fields if f.name == point.field), None)
    if field is not None and (field.input_type == "url" or _URL_NAME.search(field.name)):
        # A URL field refuses anything else before using it; the host resolves nowhere.
        value = f"http://{CANARY_HOST}/{value}"
    values = [(k, value if k == point.field else v) for k, v in point.form.default_values()]
    if point.form.method == "get" and extra_query:
        for pair in extra_query.split("&"):
            name, _, switch_value = pair.partition("=")
            values.append((name, switch_value))
    if point.form.passwords:
        secret = next(f.name for f in point.form.fields if f.kind == "password")
        values = [(k, "assay-not-a-password" if k == secret else v) for k, v in values]
    return await session.submit(point.form, values, action=action)
