"""What a page is for, from the page script's reading (affordance_kinds), and the scenarios each
affordance gets (affordance_scenarios): pure, no browser."""

from __future__ import annotations

from assay.agents.observation.web.affordance_kinds import classify, navigation
from assay.agents.requirements.affordance_scenarios import affordance_scenarios
from assay.domain.action_safety import ActionPolicy
from assay.domain.affordances import Affordance, Collection, Control
from assay.domain.json import JsonObject
from assay.domain.observation import UiElement
from assay.domain.pages import LinkCheck

URL = "http://127.0.0.1:8000/"
POLICY = ActionPolicy.for_url(URL)
ITEMS = 'page.locator("ul.products > li")'


def _element(role: str, name: str, css: str, form: str = "", **attributes: str) -> UiElement:
    locator = f'page.get_by_role("{role}", name="{name}", exact=True)'
    fingerprint: JsonObject = {"css": css, "form": form, "attributes": dict(attributes)}
    tag = {"button": "button", "combobox": "select"}.get(role, "input")
    return UiElement("/", role, name, locator, tag=tag, fingerprint=fingerprint)


RAW: JsonObject = {
    "collections": [
        {"items": "ul.products > li", "count": 3, "chrome": False, "titles": ["Apple", "Brie", "Kale"],
         "texts": ["Apple Fruit $1.20", "Brie Dairy $15.00", "Kale Vegetable $2.00"], "actions": ["Delete"]},
        {"items": "nav > ul > li", "count": 3, "chrome": True, "titles": ["Home", "Notes", "About"]},
    ],
    "selects": [
        {"css": "#category", "options": ["All", "Fruit", "Dairy"], "inForm": False},
        {"css": "#sort", "options": ["Name (A-Z)", "Price: low to high"], "inForm": False},
    ],
    "counts": [{"css": "#cart", "text": "Cart (0)"}],
    "groups": [
        {"css": "nav > ul", "tabs": False, "label": "", "active": 0, "members": [
            {"css": "#home", "name": "Home", "href": "/"},
            {"css": "#notes", "name": "Notes", "href": "/notes"},
        ]},
    ],
    "storage": [],
    "claims": False,
}  # fmt: skip
ELEMENTS = [
    _element("searchbox", "Search products", "#search"),
    _element("combobox", "Category All Fruit Dairy", "#category"),
    _element("combobox", "Sort by Name (A-Z) Price: low to high", "#sort"),
    _element("button", "Add to cart", "ul > li:nth-of-type(1) > button"),
    _element("textbox", "Product name", "#name", form="add"),
    _element("button", "Add product", "#add", form="add"),
    _element("button", "Delete everything", "#wipe"),
]


# The page's forms as the crawl read them: the "add" form posts a new product; the "edit" form
# holds another product's name already (prefilled): assay leaves it alone.
FORMS: list[JsonObject] = [
    {"id": "add", "facts": {"action": URL + "products", "method": "post", "submit": {"text": "Add product"}}},
    {"id": "edit", "facts": {"action": URL + "products/1", "method": "post", "prefilled": ["Name"],
                             "submit": {"text": "Add product"}}},
]  # fmt: skip


def test_each_control_is_read_for_what_it_does_over_the_page_list() -> None:
    found = {a.kind: a for a in classify(RAW, "/", URL, ELEMENTS, POLICY, FORMS)}
    assert set(found) == {"search", "filter", "sort", "create_form", "counter"}
    assert found["search"].collection is not None and found["search"].collection.items == ITEMS
    assert found["filter"].label == "Category"  # the label alone, not its options' text
    assert found["sort"].control("input") is not None
    assert [c.name for c in found["create_form"].controls] == ["Product name", "Add product"]
    assert found["counter"].label == "Add to cart" and found["counter"].notes == ("Cart (0)",)
    # The navigation bar is not a filter, and "Delete everything" makes no affordance at all.
    assert all(c.name != "Home" for a in found.values() for c in a.controls)
    assert all("Delete" not in c.name for a in found.values() for c in a.controls)


def test_a_form_the_action_policy_refuses_or_cannot_find_creates_nothing() -> None:
    edit = [
        _element("textbox", "Name", "#edit-name", form="edit", value="Apple"),
        _element("button", "Add product", "#edit-save", form="edit"),
    ]
    assert [a.kind for a in classify(RAW, "/", URL, edit, POLICY, FORMS) if a.kind == "create_form"] == []
    assert [a for a in classify(RAW, "/", URL, ELEMENTS, POLICY) if a.kind == "create_form"] == []


def test_links_to_other_pages_are_navigation_but_not_a_logout() -> None:
    links = [(URL + "notes", "Notes"), (URL + "logout", "Log out"), (URL + "#top", "Top")]
    (nav,) = navigation("/", links, "http://127.0.0.1:8000", POLICY)
    assert [(c.name, c.value) for c in nav.controls] == [("Notes", "/notes")]


def _collection() -> Collection:
    texts = ("Apple Fruit $1.20", "Brie Dairy $15.00", "Kale Vegetable $2.00")
    return Collection(ITEMS, 3, ("Apple", "Brie", "Kale"), texts, actions=("Delete",))


def test_a_filter_checks_named_options_exactly_and_others_as_subsets() -> None:
    select = Control(
        "input", 'page.locator("#category")', "Category", "combobox", options=("All", "Fruit", "Meat")
    )
    (scenario,) = affordance_scenarios([Affordance("filter", "/", "Category", (select,), _collection())])
    checks = [s.value for s in scenario.ui_steps if s.action == "expect_items"]
    assert checks == ["label:Fruit", "subset", "restored"]  # no item says "Meat": only a subset is sure
    assert scenario.kind == "ui_filter" and "affordance:filter" in scenario.tags


def test_a_sort_is_judged_only_where_the_option_promises_an_order() -> None:
    select = Control(
        "input", 'page.locator("#sort")', "Sort by", "combobox", options=("Featured", "Price: high to low")
    )
    (scenario,) = affordance_scenarios([Affordance("sort", "/", "Sort by", (select,), _collection())])
    assert [s.value for s in scenario.ui_steps if s.action == "expect_items"] == [
        "sorted:desc:number",
        "restored",
    ]


def test_a_create_form_adds_refuses_keeps_and_deletes_only_its_own_item() -> None:
    name = Control("field", 'page.get_by_label("Name")', "Name", "textbox", required=True)
    submit = Control("submit", 'page.get_by_role("button", name="Add")', "Add", "button")
    create = Affordance("create_form", "/", "Add", (name, submit), _collection())
    kinds = [s.kind for s in affordance_scenarios([create])]
    assert kinds == ["ui_create", "ui_persistence", "ui_create", "ui_validation"]
    deleted = affordance_scenarios([create])[2]
    click = next(s for s in deleted.ui_steps if s.action == "click" and "Delete" in s.locator)
    assert "filter(has_text=" in click.locator  # the Delete of the item it added, no other


def test_a_seeded_list_is_filled_again_in_each_scenario() -> None:
    name = Control("field", 'page.get_by_label("Task")', "Task", "textbox")
    seeds = ("Assay apples order", "Assay plumber call")
    create = Affordance("create_form", "/", "Task", (name,), _collection(), seeds=seeds)
    select = Control("input", 'page.locator("#f")', "Show", "combobox", options=("All", "Done"))
    scenarios = affordance_scenarios(
        [create, Affordance("filter", "/", "Show", (select,), _collection(), seeded=True)]
    )
    for scenario in scenarios:
        typed = [s.value for s in scenario.ui_steps[1:5] if s.action == "fill"]
        assert typed == list(seeds), scenario.title


def test_back_and_forward_only_around_links_that_answer() -> None:
    links = (Control("link", 'page.get_by_role("link", name="Notes")', "Notes", "link", value="/notes"),)
    nav = Affordance("navigation", "/", "Notes", links)
    assert affordance_scenarios([nav], [LinkCheck("/", "/notes", "Notes", 200)])
    assert affordance_scenarios([nav], [LinkCheck("/", "/notes", "Notes", 301)]) == []
