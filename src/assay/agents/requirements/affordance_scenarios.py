"""Scenarios that use each page for what it is for, with an oracle the page makes observable (pure).

One family per affordance (see :mod:`assay.domain.affordances`):

- search: a word of one listed item's title -> every item shown holds it, and clearing the box
  brings the list back; a nonsense word -> no item, no console error;
- filter: each option -> the items that say it, all of them and no other (or, when the items do
  not name the option, only items that were listed); the first option brings the list back;
- sort: each option that promises an order -> the items in that order, the same items;
- create form: valid values -> the new item is listed; the main field left empty -> nothing
  created (and a message, when the field is declared required); kept across a reload when the
  page says it keeps things;
- dialog: opened and cancelled -> closed with no effect; completed -> closed with its effect;
- counter: one click of "+"/"Add to cart" moves a count by one, "-" moves it back;
- navigation: a link, then Back and Forward -> the pages they should be;
- pagination and tabs: the list or the view changes, Previous brings it back.

Every value assay types is marked (``Assay test 4821``) so what it created is recognisable.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace

from assay.domain.affordances import Affordance, Control
from assay.domain.pages import LinkCheck
from assay.domain.scenarios import Scenario, ScenarioKind, Step, UiStep
from assay.pages import locators
from assay.pages.list_checks import EMPTY_STATE, NONSENSE, search_term, sort_order
from assay.pages.values import sample_value

MAX_OPTIONS = 4


def affordance_scenarios(
    affordances: Sequence[Affordance], links: Sequence[LinkCheck] = ()
) -> list[Scenario]:
    """The scenarios of every affordance, unnumbered (the caller numbers all UI scenarios).

    When the crawl had to fill the page's empty list first (``Affordance.seeds``), each scenario
    of an affordance read after that does the same right after opening the page: a fresh browser
    context starts from the same empty list.
    """
    setup = _setup(affordances)
    # Back and Forward are judged around links that answer 2xx: one that redirects leaves a
    # history entry of its own, and Back lands there, as the browser means it to.
    answered = {link.href for link in links if 200 <= link.status < 300}
    out: list[Scenario] = []
    for affordance in affordances:
        if affordance.kind == "navigation" and links:
            kept = tuple(c for c in affordance.controls if c.value in answered)
            affordance = replace(affordance, controls=kept)
        made = _FAMILIES.get(affordance.kind, _none)(affordance)
        if setup and (affordance.seeded or affordance.seeds):
            made = [_with_setup(s, setup) for s in made]
        out += made
    return out


def _setup(affordances: Sequence[Affordance]) -> list[UiStep]:
    create = next((a for a in affordances if a.seeds), None)
    if create is None:
        return []
    fields = create.parts("field")
    steps: list[UiStep] = []
    for seed in create.seeds:
        steps += [*_typed(fields, seed), *_send(create, fields)]
    return steps


def _with_setup(scenario: Scenario, setup: Sequence[UiStep]) -> Scenario:
    ui = (*scenario.ui_steps[:1], *setup, *scenario.ui_steps[1:])
    return replace(scenario, ui_steps=ui, steps=_gherkin(ui))


def _gherkin(ui: Sequence[UiStep]) -> tuple[Step, ...]:
    steps = [Step("Given", ui[0].description)]
    for step in ui[1:]:
        keyword = (
            "Then" if step.action.startswith("expect") else "And" if step.action == "remember" else "When"
        )
        steps.append(Step(keyword, step.description))  # type: ignore[arg-type]
    return tuple(steps)


def _none(affordance: Affordance) -> list[Scenario]:
    return []


def marker(affordance: Affordance) -> str:
    """The text assay types into the main field: unique per page and affordance, and repeatable."""
    return f"Assay test {zlib.crc32(f'{affordance.page} {affordance.label}'.encode()) % 9000 + 1000}"


def _scenario(
    kind: ScenarioKind, affordance: Affordance, title: str, ui: Sequence[UiStep], severity: int
) -> Scenario:
    page = affordance.page
    return Scenario(
        id="",
        feature=f"Web UI: {page}",
        title=title,
        kind=kind,
        tags=("ui", f"affordance:{affordance.kind}", kind),
        operations=(f"GET {page}",),
        steps=_gherkin(ui),
        actions=(),
        data={"page": page, "affordance": affordance.kind, "label": affordance.label},
        severity=severity,
        ui_steps=tuple(ui),
    )


def _open(page: str) -> UiStep:
    return UiStep("goto", value=page, description=f'I open "{page}"')


def _remember(affordance: Affordance) -> UiStep:
    if affordance.collection is not None:
        return UiStep("remember", affordance.collection.items, "items", description="I note the items listed")
    return UiStep("remember", value="view", description="I note what the page shows")


def _items(affordance: Affordance, check: str, description: str) -> UiStep:
    assert affordance.collection is not None
    return UiStep("expect_items", affordance.collection.items, check, description=description)


def _fill(control: Control, value: str) -> UiStep:
    if control.role == "combobox" or control.input_type in ("select", "select-one"):
        return UiStep("select", control.locator, "1", description=f'I choose an option of "{control.name}"')
    if control.role in ("checkbox", "radio") or control.input_type in ("checkbox", "radio"):
        return UiStep("check", control.locator, description=f'I check "{control.name}"')
    return UiStep("fill", control.locator, value, description=f'I type "{value}" into "{control.name}"')


def _click(control: Control) -> UiStep:
    return UiStep("click", control.locator, description=f'I click "{control.name}"')


def _search(affordance: Affordance) -> list[Scenario]:
    box, submit, items = affordance.control("input"), affordance.control("submit"), affordance.collection
    if box is None or items is None:
        return []
    go = [_click(submit)] if submit else []
    out = []
    term = search_term(items.titles)
    if term is not None and "results" in affordance.notes:
        # A list the search fills (a drop-down): it may match on text it does not show (a wiki's
        # full-text search), so what is judged is that a word the page shows finds something.
        steps = [
            _open(affordance.page),
            _fill(box, term),
            _items(affordance, f"some:{term}", f'a result for "{term}", a word the page shows, is listed'),
        ]
        out.append(
            _scenario("ui_search", affordance, f'Searching "{box.name}" for "{term}" finds it', steps, 7)
        )
    elif term is not None and submit is None:  # a live box, calibrated by the crawl on this list
        steps = [
            _open(affordance.page),
            _remember(affordance),
            _fill(box, term),
            *go,
            _items(affordance, f"match:{term}", f'every item shown holds "{term}", and one is shown'),
            _fill(box, ""),
            *go,
            _items(affordance, "restored", "clearing the search lists every item again"),
        ]
        title = f'Searching "{box.name}" for "{term}" shows only matching items'
        out.append(_scenario("ui_search", affordance, title, steps, 7))
    found = next((t for t in items.titles if t and not t.endswith(":") and not EMPTY_STATE.search(t)), "")
    if "results" in affordance.notes:
        # Results may say "no matches" as a list item: what must not be listed is a real result.
        expected = _items(affordance, f"lacks:{found}", f'"{found}" is not listed') if found else None
    else:
        expected = _items(affordance, "none", "no item is shown")
    if expected is None:
        return out
    steps = [
        _open(affordance.page),
        _fill(box, NONSENSE),
        *go,
        expected,
        UiStep("expect_outcome", description="the server answers without an error"),
    ]
    out.append(
        _scenario("ui_search", affordance, f'Searching "{box.name}" for nonsense shows no items', steps, 5)
    )
    return out


def _filter(affordance: Affordance) -> list[Scenario]:
    items = affordance.collection
    if items is None:
        return []
    select = affordance.control("input")
    texts = " ".join(items.texts).casefold()
    steps = [_open(affordance.page), _remember(affordance)]
    if select is not None:
        choices = [(i, o) for i, o in enumerate(select.options)][1 : MAX_OPTIONS + 1]
        for index, label in choices:
            steps.append(UiStep("select", select.locator, str(index), description=f'I choose "{label}"'))
            steps.append(_option_check(affordance, label, texts))
        steps.append(UiStep("select", select.locator, "0", description=f'I choose "{select.options[0]}"'))
    else:
        options = affordance.parts("option")
        for option in options[1 : MAX_OPTIONS + 1]:
            steps.append(_click(option))
            steps.append(_option_check(affordance, option.name, texts))
        steps.append(_click(options[0]))
    steps.append(_items(affordance, "restored", "every item is listed again"))
    out = [
        _scenario("ui_filter", affordance, f'Filtering by "{affordance.label}" narrows the list', steps, 6)
    ]
    links = [o for o in affordance.parts("option") if o.value]
    if select is None and len(links) > 1:
        # A filter that is a link has an address: Back must bring back the list it left.
        back = [
            _open(affordance.page),
            _remember(affordance),
            _click(links[1]),
            UiStep("back", description="I go back"),
            _items(affordance, "restored", "every item is listed again"),
        ]
        title = f'Back after "{links[1].name}" brings the whole list back'
        out.append(_scenario("ui_history", affordance, title, back, 5))
    return out


def _option_check(affordance: Affordance, label: str, texts: str) -> UiStep:
    if label.casefold() in texts:
        return _items(affordance, f"label:{label}", f'only and all the items that say "{label}" are shown')
    return _items(affordance, "subset", "only items that were listed are shown")


def _sort(affordance: Affordance) -> list[Scenario]:
    select = affordance.control("input")
    if select is None or affordance.collection is None:
        return []
    steps = [_open(affordance.page), _remember(affordance)]
    for index, label in enumerate(select.options):
        order = sort_order(label)
        if order is None:
            continue
        steps.append(UiStep("select", select.locator, str(index), description=f'I choose "{label}"'))
        steps.append(_items(affordance, f"sorted:{order[0]}:{order[1]}", f"the items are in {label!r} order"))
        steps.append(_items(affordance, "restored", "the same items are listed"))
    if len(steps) == 2:
        return []
    return [_scenario("ui_sort", affordance, f'Sorting by "{select.name}" orders the list', steps, 5)]


def _typed(fields: Sequence[Control], mark: str, skip: Control | None = None) -> list[UiStep]:
    steps, main = [], _main(fields)
    for field in fields:
        if field is skip:
            if field.role not in ("combobox", "checkbox", "radio"):
                steps.append(UiStep("fill", field.locator, "", description=f'I leave "{field.name}" empty'))
            continue
        value = mark if field is main else sample_value(field.input_type, field.name, {})
        steps.append(_fill(field, value))
    return steps


def _main(fields: Sequence[Control]) -> Control | None:
    """The field that names the new thing: the first plain text field."""
    return next(
        (
            f
            for f in fields
            if f.role in ("textbox", "") and f.input_type in ("", "text", "textarea", "search")
        ),
        None,
    )


def _send(affordance: Affordance, fields: Sequence[Control]) -> list[UiStep]:
    submit = affordance.control("submit")
    if submit is not None:
        return [_click(submit)]
    main = _main(fields)
    return [UiStep("press", main.locator, "Enter", description="I press Enter")] if main else []


def _created(affordance: Affordance, mark: str) -> UiStep:
    if affordance.collection is not None:
        return _items(affordance, f"contains:{mark}", f'"{mark}" is listed')
    return UiStep("expect_text", value=mark, description=f'"{mark}" is shown')


def _create(affordance: Affordance) -> list[Scenario]:
    fields = affordance.parts("field")
    main, mark = _main(fields), marker(affordance)
    send = _send(affordance, fields)
    if main is None or not send:
        return []
    made = [
        _open(affordance.page),
        _remember(affordance),
        *_typed(fields, mark),
        *send,
        _created(affordance, mark),
    ]
    out = [
        _scenario("ui_create", affordance, f'"{affordance.label}" with valid values adds "{mark}"', made, 7)
    ]
    out.append(_persistence(affordance, made, mark))
    out += _delete_own(affordance, made, mark)
    if affordance.collection is not None:
        refused = [
            _open(affordance.page),
            _remember(affordance),
            *_typed(fields, mark, skip=main),
            *send,
            _items(affordance, "same", "nothing is added"),
        ]
        if main.required:
            refused.append(
                UiStep("expect_field_invalid", main.locator, description=f'"{main.name}" is reported missing')
            )
        title = f'"{affordance.label}" without "{main.name}" is refused'
        out.append(_scenario("ui_validation", affordance, title, refused, 6))
    return out


_DELETE = re.compile(r"(?i)^(delete|remove|trash|discard|×|✕|x|🗑)$|\b(delete|remove)\b")


def _delete_own(affordance: Affordance, made: Sequence[UiStep], mark: str) -> list[Scenario]:
    """The item assay just added, deleted with its own button: it is gone, and nothing else is.

    Only what the scenario itself created is deleted (the item holding its marker).
    """
    items = affordance.collection
    name = next((a for a in items.actions if _DELETE.search(a)), None) if items else None
    if items is None or name is None:
        return []
    owned = f"{items.items}.filter(has_text={locators.quoted(mark)})"
    button = f'{owned}.get_by_role("button", name={locators.quoted(name)})'
    steps = [
        *made,
        UiStep("click", button, description=f'I click "{name}" on "{mark}"'),
        UiStep("confirm", description="I confirm, if the app asks"),
        _items(affordance, f"lacks:{mark}", f'"{mark}" is no longer listed'),
        _items(affordance, "same", "the other items are still listed"),
    ]
    title = f'"{mark}", added with "{affordance.label}", can be deleted'
    return [_scenario("ui_create", affordance, title, steps, 6)]


def _persistence(affordance: Affordance, made: Sequence[UiStep], mark: str) -> Scenario:
    """What was added is there after a reload, when the app claims to keep it: the page says so,
    or the scenario saw local storage written or the server take the write ("if-kept")."""
    reload = UiStep(
        "reload",
        value="" if affordance.persistent else "if-kept",
        description="I reload the page" + ("" if affordance.persistent else " (the app kept what was added)"),
    )
    title = f'What "{affordance.label}" adds is still there after a reload'
    return _scenario("ui_persistence", affordance, title, [*made, reload, _created(affordance, mark)], 6)


def _dialog(affordance: Affordance) -> list[Scenario]:
    opener, cancel, confirm = (affordance.control(p) for p in ("opener", "cancel", "confirm"))
    if opener is None:
        return []
    fields, mark = affordance.parts("field"), marker(affordance)
    opened = [
        _open(affordance.page),
        _remember(affordance),
        _click(opener),
        # What the crawl saw; if it does not open now, the scenario cannot test the dialog (no finding).
        UiStep(
            "expect_dialog",
            value="open",
            fingerprint={"precondition": True},
            description=f'the "{affordance.label}" dialog opens',
        ),
        *_typed(fields, mark),
    ]
    close = (
        _click(cancel)
        if cancel
        else UiStep("press", 'page.locator("body")', "Escape", description="I press Escape")
    )
    unchanged = (
        [
            _items(affordance, f"lacks:{mark}", f'"{mark}" is not listed'),
            _items(affordance, "same", "nothing is added"),
        ]
        if affordance.collection is not None
        else [UiStep("expect_no_text", value=mark, description=f'"{mark}" is not shown')]
    )
    cancelled = [
        *opened,
        close,
        UiStep("expect_dialog", value="closed", description="the dialog closes"),
        *unchanged,
    ]
    out = [
        _scenario("ui_dialog", affordance, f'Cancelling "{affordance.label}" changes nothing', cancelled, 6)
    ]
    if confirm is not None and _main(fields) is not None:
        done = [
            *opened,
            _click(confirm),
            UiStep("expect_dialog", value="closed", description="the dialog closes"),
            _created(affordance, mark),
        ]
        out.append(
            _scenario("ui_dialog", affordance, f'Completing "{affordance.label}" adds "{mark}"', done, 7)
        )
        out.append(_persistence(affordance, done, mark))
        main = _main(fields)
        if affordance.collection is not None and main is not None:
            # The main field left empty: the dialog must refuse, and add nothing.
            refused = [
                *opened[:4],
                *_typed(fields, mark, skip=main),
                _click(confirm),
                _items(affordance, "same", "nothing is added"),
            ]
            title = f'"{affordance.label}" without "{main.name}" is refused'
            out.append(_scenario("ui_validation", affordance, title, refused, 6))
    return out


def _counter(affordance: Affordance) -> list[Scenario]:
    up, down = affordance.control("increment"), affordance.control("decrement")
    if up is None:
        return []
    remember = UiStep("remember", value="counts", description="I note the counts shown")
    steps = [
        _open(affordance.page),
        remember,
        _click(up),
        UiStep("expect_counts", value="+1", description="a count goes up by one"),
    ]
    if down is not None:
        steps += [
            remember,
            _click(down),
            UiStep("expect_counts", value="-1", description="the count goes down by one"),
        ]
    return [_scenario("ui_counter", affordance, f'"{affordance.label}" moves its count by one', steps, 6)]


def _navigation(affordance: Affordance) -> list[Scenario]:
    out = []
    for link in affordance.parts("link")[:1]:
        steps = [
            _open(affordance.page),
            UiStep("remember", value="view", description="I note what the page shows"),
            _click(link),
            UiStep("expect_view", value=f"url:{link.value}", description=f'"{link.value}" is shown'),
            UiStep("back", description="I go back"),
            UiStep("expect_view", value="restored", description=f'"{affordance.page}" is shown again'),
            UiStep("forward", description="I go forward"),
            UiStep("expect_view", value=f"url:{link.value}", description=f'"{link.value}" is shown again'),
        ]
        title = f'Back and Forward around "{link.name}" keep {affordance.page} usable'
        out.append(_scenario("ui_history", affordance, title, steps, 5))
    return out


def _pagination(affordance: Affordance) -> list[Scenario]:
    options = affordance.parts("option")
    if not options or affordance.collection is None:
        return []
    steps = [
        _open(affordance.page),
        _remember(affordance),
        _click(options[0]),
        _items(affordance, "changed", "other items are listed"),
    ]
    if len(options) > 1:
        steps += [_click(options[1]), _items(affordance, "restored", "the first items are listed again")]
    return [_scenario("ui_pagination", affordance, f'"{options[0].name}" pages through the list', steps, 4)]


def _tabs(affordance: Affordance) -> list[Scenario]:
    options = affordance.parts("option")
    if len(options) < 2:
        return []
    steps = [
        _open(affordance.page),
        UiStep("remember", value="view", description="I note what the page shows"),
    ]
    steps += [
        _click(options[1]),
        UiStep("expect_view", value="changed", description=f'"{options[1].name}" shows another view'),
    ]
    steps += [
        _click(options[0]),
        UiStep(
            "expect_view", value="restored", description=f'"{options[0].name}" shows the first view again'
        ),
    ]
    return [_scenario("ui_tabs", affordance, f'The tabs of "{affordance.label}" switch the view', steps, 4)]


def _toggle(affordance: Affordance) -> list[Scenario]:
    tick = affordance.control("increment")
    if tick is None:
        return []
    steps = [
        _open(affordance.page),
        UiStep("remember", value="counts", description="I note the counts shown"),
        UiStep("click", tick.locator, description="I tick the first item"),
        UiStep("expect_counts", value="0", description="a count moves by one"),
    ]
    return [_scenario("ui_counter", affordance, "Ticking an item moves its count by one", steps, 5)]


_FAMILIES = {
    "toggle": _toggle,
    "search": _search,
    "filter": _filter,
    "sort": _sort,
    "create_form": _create,
    "dialog": _dialog,
    "counter": _counter,
    "navigation": _navigation,
    "pagination": _pagination,
    "tabs": _tabs,
}
