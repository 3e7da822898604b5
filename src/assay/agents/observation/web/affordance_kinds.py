"""What a page is for, from what the page script read (pure): search, filter, sort, create forms,
counters, tabs, pagination, links, sign-in.

The inputs are the page's interactive elements (with the locators the observer verified) and
``affordance_script.SCAN``'s JSON: its repeated items, count-like texts, option groups, selects
and storage. Every control is one the action policy lets assay use; a control it refuses
(delete, log out) makes no affordance, so no scenario ever clicks it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.action_safety import ActionPolicy, judge_button, judge_form, judge_link
from assay.domain.affordances import Affordance, Collection, Control
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.observation import UiElement
from assay.pages import locators
from assay.pages.form_facts import button_control, form_from_json

SEARCH = re.compile(r"(?i)\b(search|find|filter|query|look ?up|keywords?)\b|^q$")
SORT = re.compile(
    r"(?i)\b(sort|order|arrange)\b|low to high|high to low|\ba ?[-–→] ?z\b|\bz ?[-–→] ?a\b"
    r"|newest|oldest|ascending|descending"
)
CREATE = re.compile(
    r"(?i)\b(add|create|new|save|submit|post|publish|send|invite|book|plus|enter|write)\b|^\+$"
)
# A submit button that says it adds a thing (a contact form's "Send message" adds nothing listed).
ADDS = re.compile(r"(?i)\b(add|create|new|post|publish|plus)\b|^\+$")
ACCOUNT = re.compile(r"(?i)\b(account|sign ?up|register|subscribe|log ?in|sign ?in)\b")
NEW_ENTRY = re.compile(r"(?i)\b(what needs|add|new|create|enter|write|type|title|name|task|todo|note|item)\b")
OPENER = re.compile(r"(?i)\b(add|new|create|open|edit|compose|write|invite|start|book)\b|^\+$|^new\b")
INCREMENT = re.compile(
    r"(?i)^\s*[+＋]\s*$|\b(increment|increase|plus|upvote|vote up|like)\b|\badd to (cart|basket|bag|order)\b"
)
DECREMENT = re.compile(r"(?i)^\s*[-−–]\s*$|\b(decrement|decrease|minus|downvote)\b")
NEXT = re.compile(r"(?i)^\s*(next|›|»|>|→|next page|older)\s*$")
PREVIOUS = re.compile(r"(?i)^\s*(prev|previous|‹|«|<|←|previous page|newer)\s*$")
_TEXT_ROLES = frozenset({"textbox", "searchbox", "spinbutton", "combobox"})


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def main_collection(raw: JsonObject) -> Collection | None:
    """The page's list of things: the largest collection outside the navigation."""
    found = [as_object(c) for c in as_list(raw.get("collections"))]
    content = [c for c in found if not c.get("chrome") and c.get("links") is not True]
    if not content:
        return None
    best = max(content, key=lambda c: _int(c.get("count")))
    return collection_of(best)


def collection_of(raw: JsonObject) -> Collection:
    return Collection(
        items=locators.by_css(as_str(raw.get("items"))),
        count=_int(raw.get("count")),
        titles=tuple(as_str(t) for t in as_list(raw.get("titles"))),
        texts=tuple(as_str(t) for t in as_list(raw.get("texts"))),
        label=as_str(raw.get("label")),
        actions=tuple(as_str(a) for a in as_list(raw.get("actions"))),
    )


def _control(part: str, element: UiElement, **extra: object) -> Control:
    return Control(
        part,  # type: ignore[arg-type]
        element.locator,
        element.name,
        element.role,
        element.input_type,
        element.required,
        **extra,  # type: ignore[arg-type]
    )


def allowed(element: UiElement, url: str, policy: ActionPolicy) -> bool:
    return judge_button(button_control(element.name, element.fingerprint), url, policy).allowed


def _attr(element: UiElement, key: str) -> str:
    return as_str(as_object(element.fingerprint.get("attributes")).get(key))


def form_of(element: UiElement) -> str:
    return as_str(element.fingerprint.get("form"))


def _css(element: UiElement) -> str:
    return as_str(element.fingerprint.get("css"))


def classify(
    raw: JsonObject,
    path: str,
    url: str,
    elements: Sequence[UiElement],
    policy: ActionPolicy,
    forms: Sequence[JsonObject] = (),
) -> list[Affordance]:
    """Every affordance the page shows (dialogs excepted: those need a click, see affordance_probe)."""
    items = main_collection(raw)
    persistent = bool(as_list(raw.get("storage"))) or raw.get("claims") is True
    out: list[Affordance] = []
    out += _searches(path, elements, items)
    out += _selects(raw, path, elements, items)
    out += _groups(raw, path, elements, items)
    out += _create_forms(path, url, elements, items, policy, persistent, forms)
    out += _counters(raw, path, url, elements, policy, persistent)
    out += _ticks(raw, path, items, persistent)
    out += _pagination(path, url, elements, items, policy)
    out += _sign_in(path, elements)
    return out


def _searches(path: str, elements: Sequence[UiElement], items: Collection | None) -> list[Affordance]:
    if items is None:
        return []
    out = []
    for element in elements:
        if element.role not in ("searchbox", "textbox") or element.input_type == "password":
            continue
        words = " ".join(
            [element.name, _attr(element, "name"), _attr(element, "placeholder"), _attr(element, "id")]
        )
        if element.role != "searchbox" and not SEARCH.search(words):
            continue
        form = form_of(element)
        peers = [
            e for e in elements if form and form_of(e) == form and e.role in _TEXT_ROLES and e is not element
        ]
        if peers:
            continue  # a field of a bigger form, not a search box
        submit = next((e for e in elements if form and form_of(e) == form and e.role == "button"), None)
        controls = [_control("input", element)]
        if submit is not None:
            controls.append(_control("submit", submit))
        out.append(Affordance("search", path, element.name or "Search", tuple(controls), items))
        break  # one search box per page: a second is usually the same in another layout
    return out


def _element_at(elements: Sequence[UiElement], css: str) -> UiElement | None:
    return next((e for e in elements if _css(e) == css), None)


def _selects(
    raw: JsonObject, path: str, elements: Sequence[UiElement], items: Collection | None
) -> list[Affordance]:
    if items is None:
        return []
    out = []
    for select in (as_object(s) for s in as_list(raw.get("selects"))):
        element = _element_at(elements, as_str(select.get("css")))
        options = tuple(as_str(o) for o in as_list(select.get("options")))
        if element is None or len(options) < 2:
            continue
        if select.get("inForm") is True and any(
            e.role == "button" and form_of(e) == form_of(element) and CREATE.search(e.name) for e in elements
        ):
            continue  # a field of a create form, not a control over the list
        name = without_options(element.name, options)
        kind = "sort" if SORT.search(" ".join([name, *options])) else "filter"
        control = Control("input", element.locator, name, element.role, options=options)
        out.append(Affordance(kind, path, name or kind, (control,), items))  # type: ignore[arg-type]
    return out


def without_options(name: str, options: Sequence[str]) -> str:
    """A wrapping label's text holds the options' too ("Category All Fruit Dairy"): the label alone."""
    tail = " ".join(options)
    return name[: -len(tail)].strip() if tail and name.endswith(tail) else name


def _groups(
    raw: JsonObject, path: str, elements: Sequence[UiElement], items: Collection | None
) -> list[Affordance]:
    out = []
    for group in (as_object(g) for g in as_list(raw.get("groups"))):
        members = [as_object(m) for m in as_list(group.get("members"))]
        controls = []
        for member in members:
            name = as_str(member.get("name"))
            if not name:
                continue
            element = _element_at(elements, as_str(member.get("css")))
            locator = element.locator if element else locators.by_css(as_str(member.get("css")))
            controls.append(
                Control(
                    "option", locator, name, element.role if element else "", value=as_str(member.get("href"))
                )
            )
        if len(controls) < 2:
            continue
        if group.get("tabs") is True:
            out.append(Affordance("tabs", path, as_str(group.get("label")) or "tabs", tuple(controls)))
        elif items is not None and not _routes(controls, path):
            out.append(
                Affordance("filter", path, as_str(group.get("label")) or "filter", tuple(controls), items)
            )
    return out


def _routes(controls: Sequence[Control], path: str) -> bool:
    """A group of links to pages is navigation, not a filter (a filter's links keep the page and
    change a hash or query: ``#/active``, ``?status=done``)."""
    hrefs = [c.value for c in controls if c.value]
    return bool(hrefs) and all(h.startswith(("/", "http")) and "?" not in h and "#" not in h for h in hrefs)


def _create_forms(
    path: str,
    url: str,
    elements: Sequence[UiElement],
    items: Collection | None,
    policy: ActionPolicy,
    persistent: bool,
    judged: Sequence[JsonObject],
) -> list[Affordance]:
    out = []
    forms: dict[str, list[UiElement]] = {}
    loose: list[UiElement] = []
    for element in elements:
        (forms.setdefault(form_of(element), []) if form_of(element) else loose).append(element)
    for key, members in forms.items():
        fields = [
            e
            for e in members
            if e.role in _TEXT_ROLES | {"checkbox", "radio"} and e.tag in ("input", "select", "textarea")
        ]
        if any(e.input_type == "password" for e in members) or not fields:
            continue
        submit = next((e for e in members if e.role == "button"), None)
        texts = [f for f in fields if f.role in ("textbox", "spinbutton")]
        if submit is None or not texts or not allowed(submit, url, policy):
            continue
        if len(fields) == 1 and (fields[0].role == "searchbox" or SEARCH.search(fields[0].name)):
            continue  # a search form
        if items is None or ACCOUNT.search(submit.name):
            continue  # what it makes is judged where the page lists such things; an account is not
        if not ADDS.search(submit.name):
            continue  # "Send message", "Subscribe", "Submit": a form that makes nothing the page lists
        if not _may_create(key, url, judged, policy):
            continue  # an edit form of an object assay did not make (prefilled, PUT...): left alone
        controls = [_control("field", f) for f in fields] + [_control("submit", submit)]
        out.append(Affordance("create_form", path, submit.name or key, tuple(controls), items, persistent))
    # An input outside any form that adds to the page's list on Enter (a todo app's "What needs
    # to be done?"), or with an "Add" button beside it.
    if items is not None or any(NEW_ENTRY.search(_attr(e, "placeholder")) for e in loose):
        for element in loose:
            if element.role != "textbox" or SEARCH.search(element.name + " " + _attr(element, "placeholder")):
                continue
            if not NEW_ENTRY.search(element.name + " " + _attr(element, "placeholder")):
                continue
            button = next(
                (
                    e
                    for e in loose
                    if e.role == "button" and CREATE.search(e.name) and allowed(e, url, policy)
                ),
                None,
            )
            controls = [_control("field", element)] + ([_control("submit", button)] if button else [])
            out.append(
                Affordance(
                    "create_form", path, element.name or "new entry", tuple(controls), items, persistent
                )
            )
            break
    return out


def _may_create(key: str, url: str, forms: Sequence[JsonObject], policy: ActionPolicy) -> bool:
    """The action policy's verdict on the form behind ``key`` (its id, else its action), as the
    crawl's form probes judge it; a form it cannot find is not submitted."""
    same = [f for f in forms if (as_str(f.get("id")) or as_str(f.get("action")) or "form") == key]
    return bool(same) and all(judge_form(form_from_json(url, f), policy).allowed for f in same)


def _counters(
    raw: JsonObject,
    path: str,
    url: str,
    elements: Sequence[UiElement],
    policy: ActionPolicy,
    persistent: bool,
) -> list[Affordance]:
    counts = [as_str(as_object(c).get("text")) for c in as_list(raw.get("counts"))]
    if not counts:
        return []
    out, seen = [], set()
    buttons = [e for e in elements if e.role == "button" and not form_of(e) and allowed(e, url, policy)]
    increments = [e for e in buttons if INCREMENT.search(e.name)]
    decrements = [e for e in buttons if DECREMENT.search(e.name)]
    for button in increments:
        if button.name in seen:
            continue
        seen.add(button.name)
        controls = [_control("increment", button)]
        # The decrement beside it (same parent): a stepper's "-" to undo the "+".
        parent = _css(button).rsplit(" > ", 1)[0]
        twin = next((d for d in decrements if _css(d).rsplit(" > ", 1)[0] == parent), None)
        if twin is not None:
            controls.append(_control("decrement", twin))
        out.append(
            Affordance("counter", path, button.name, tuple(controls), None, persistent, tuple(counts[:5]))
        )
        if len(out) >= 3:
            break
    return out


# A count that follows which items are ticked off: "3 items left", "2 of 5 done", "1 selected".
TICK_COUNT = re.compile(
    r"(?i)\b(left|remaining|done|complete[d]?|active|selected|checked|open|todo|tasks?|items?)\b"
)


def _ticks(raw: JsonObject, path: str, items: Collection | None, persistent: bool) -> list[Affordance]:
    """Items that each carry a checkbox, and a count that says how many are (not) ticked."""
    if items is None or items.count < 1:
        return []
    collections = (as_object(c) for c in as_list(raw.get("collections")))
    best = next((c for c in collections if locators.by_css(as_str(c.get("items"))) == items.items), {})
    counts = [as_str(as_object(c).get("text")) for c in as_list(raw.get("counts"))]
    if _int(best.get("checks")) < items.count or not any(TICK_COUNT.search(c) for c in counts):
        return []
    tick = Control(
        "increment", f'{items.items}.nth(0).get_by_role("checkbox")', "the first item's checkbox", "checkbox"
    )
    return [Affordance("toggle", path, "tick an item", (tick,), items, persistent, tuple(counts[:5]))]


def _pagination(
    path: str, url: str, elements: Sequence[UiElement], items: Collection | None, policy: ActionPolicy
) -> list[Affordance]:
    # Pages of a table or grid: the page's largest list may be a menu beside them.
    if items is None or not re.search(r"(?i)> tr\b|row", items.items):
        return []
    following = next((e for e in elements if e.role in ("button", "link") and NEXT.search(e.name)), None)
    if following is None or not allowed(following, url, policy):
        return []
    controls = [_control("option", following)]
    back = next((e for e in elements if e.role in ("button", "link") and PREVIOUS.search(e.name)), None)
    if back is not None:
        controls.append(_control("option", back))
    return [Affordance("pagination", path, following.name, tuple(controls), items)]


def _sign_in(path: str, elements: Sequence[UiElement]) -> list[Affordance]:
    passwords: dict[str, int] = {}
    for element in elements:
        if element.input_type == "password":
            passwords[form_of(element)] = passwords.get(form_of(element), 0) + 1
    return [
        Affordance("login" if n == 1 else "register", path, form or "sign-in form")
        for form, n in passwords.items()
    ]


def navigation(
    path: str, links: Sequence[tuple[str, str]], origin: str, policy: ActionPolicy
) -> list[Affordance]:
    """The page's links to other pages of the app: Back and Forward must keep it usable."""
    controls = []
    for href, text in links:
        if not text or not href.startswith(origin) or not judge_link(href, text, policy).allowed:
            continue
        target = href[len(origin) :] or "/"
        if target.split("#")[0] == path or target.startswith("#"):
            continue
        controls.append(Control("link", locators.by_role("link", text), text, "link", value=target))
        if len(controls) >= 2:
            break
    return [Affordance("navigation", path, controls[0].name, tuple(controls))] if controls else []
