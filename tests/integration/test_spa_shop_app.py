"""The planted bugs of tests/apps/spa_shop.py are real: for each bug, the twin does the right thing
and the app with that bug (and only that one) does the wrong thing, seen in real Chromium. An app
with every other bug on still passes this bug's check, so a bug changes one behaviour only. The
rest of the specification (catch-all, deep links, dialog, empty states) is checked on the twin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from starlette.applications import Starlette
from tests.apps.spa_shop import BUGS, spa_shop

from assay.adapters.browser.launcher import browser_available, find_chromium
from assay.demo.server import RunningServer, serve_in_thread
from assay.pages.launch_flags import LAUNCH_ARGS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
TWIN = "twin"
OTHERS = "all but "
BY_NAME = ["Apple", "Banana", "Brie", "Carrot", "Cheddar", "Mango", "Milk", "Pumpkin", "Spinach", "Yogurt"]
BY_PRICE = ["$0.50", "$0.90", "$1.10", "$1.20", "$2.20", "$2.50", "$3.10", "$4.75", "$12.00", "$15.00"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        yield launched
        launched.close()


Steps = Callable[[Page, str], object]


@dataclass
class Shop:
    """One served app and the page that drives it, opened on first use."""

    base: str
    context: BrowserContext
    errors: list[str] = field(default_factory=list)
    page: Page | None = None

    def run(self, steps: Steps) -> object:
        """What `steps` observe from an empty localStorage (all the app keeps); no app ever throws.

        One page per app, its storage cleared between checks: as fresh as a new context for this
        app, at a third of the cost.
        """
        page = self.page or self._open()
        page.bring_to_front()  # a background tab's timers are throttled: Playwright's waits crawl
        if page.url.startswith(self.base):
            page.evaluate("localStorage.clear()")
        self.errors.clear()
        observed = steps(page, self.base)
        assert self.errors == []
        return observed

    def _open(self) -> Page:
        self.page = self.context.new_page()
        self.page.set_default_timeout(5000)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self.page


@pytest.fixture(scope="module")
def shops(browser: Browser) -> Iterator[dict[str, Shop]]:
    """The twin, one app per bug, and per bug one app with every *other* bug: each its own origin
    (so its own storage) and page. Servers stop together: one by one, shutdown is seconds."""
    apps = {TWIN: spa_shop(), **{name: spa_shop([name]) for name in BUGS}}
    apps |= {OTHERS + name: spa_shop(others(name)) for name in BUGS}
    servers = {name: serve_in_thread(app) for name, app in apps.items()}
    context = browser.new_context()
    try:
        yield {name: Shop(server.base_url, context) for name, server in servers.items()}
    finally:
        context.close()
        with ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(RunningServer.stop, servers.values()))


def names(page: Page) -> list[str]:
    return page.locator("li.product h3").all_inner_texts()


def notes(page: Page) -> list[str]:
    return page.locator("ul.notes li .note-text").all_inner_texts()


def h1(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def path(page: Page) -> str:
    return urlsplit(page.url).path


def search_mango(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_role("searchbox", name="Search products").fill("mango")
    return names(page)


def filter_dairy(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_label("Category").select_option("Dairy")
    return sorted(set(page.locator("li.product .category").all_inner_texts()))


def sort_price_up(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_label("Sort by").select_option(label="Price: low to high")
    return page.locator("li.product .price").all_inner_texts()


def note_then_reload(page: Page, base: str) -> object:
    page.goto(base + "/notes")
    page.get_by_label("New note").fill("Buy milk")
    page.get_by_role("button", name="Add note").click()
    before = notes(page)
    page.reload()
    return before, notes(page)


def empty_note(page: Page, base: str) -> object:
    page.goto(base + "/notes")
    page.get_by_role("button", name="Add note").click()
    return page.get_by_role("alert").all_inner_texts(), page.locator("ul.notes li").count()


def cancel_dialog(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_role("button", name="Add product").click()
    dialog = page.get_by_role("dialog", name="Add product")
    dialog.get_by_label("Name").fill("Kiwi")
    dialog.get_by_label("Price").fill("0.80")
    dialog.get_by_role("button", name="Cancel").click()
    return dialog.count(), "Kiwi" in names(page)


def add_to_cart(page: Page, base: str) -> object:
    page.goto(base + "/")
    badge = page.get_by_label("Cart items")
    page.get_by_role("button", name="Add to cart").first.click()
    after_click = badge.inner_text()
    page.reload()
    return after_click, badge.inner_text()


def about_link(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_role("navigation").get_by_role("link", name="About").click()
    page.wait_for_function("document.title !== 'Products \\u00b7 Shop'")
    return path(page), h1(page)


def back_button(page: Page, base: str) -> object:
    page.goto(base + "/")
    page.get_by_role("link", name="Notes").click()
    page.get_by_role("heading", name="Notes", level=1).wait_for()
    page.go_back()
    page.wait_for_function("location.pathname === '/'")
    return path(page), h1(page)


def stepper(page: Page, base: str) -> object:
    page.goto(base + "/counter")
    page.get_by_role("button", name="Increment").click()
    page.get_by_role("button", name="Increment").click()
    page.get_by_role("button", name="Decrement").click()
    return page.locator("output").inner_text()


@dataclass(frozen=True)
class Check:
    steps: Steps
    right: object  # what the twin shows
    wrong: object  # what the app with this bug shows


CHECKS: dict[str, Check] = {
    "search": Check(search_mango, ["Mango"], ["Mango", "Milk", "Pumpkin"]),
    "filter": Check(filter_dairy, ["Dairy"], ["Dairy", "Vegetable"]),
    "sort": Check(sort_price_up, BY_PRICE, sorted(BY_PRICE)),
    "create": Check(note_then_reload, (["Buy milk"], ["Buy milk"]), ([], ["Buy milk"])),
    "required": Check(empty_note, (["Please write a note."], 0), ([], 1)),
    "dialog": Check(cancel_dialog, (0, False), (0, True)),
    "counter": Check(add_to_cart, ("Cart (1)", "Cart (1)"), ("Cart (2)", "Cart (2)")),
    "route": Check(about_link, ("/about", "About"), ("/about-us", "Page not found")),
    "persist": Check(note_then_reload, (["Buy milk"], ["Buy milk"]), (["Buy milk"], [])),
    "history": Check(back_button, ("/", "Products"), ("/", "Notes")),
    "stepper": Check(stepper, "Count: 1", "Count: 3"),
}


def test_every_bug_has_a_check() -> None:
    assert sorted(CHECKS) == sorted(BUGS)


@pytest.mark.parametrize("bug", BUGS)
def test_the_twin_is_right_and_the_bug_is_real(shops: dict[str, Shop], bug: str) -> None:
    check = CHECKS[bug]
    assert shops[TWIN].run(check.steps) == check.right
    assert shops[bug].run(check.steps) == check.wrong


def others(bug: str) -> list[str]:
    """Every bug but `bug` and those its check shares steps with ("create" and "persist": add a
    note and reload, each breaking a different half)."""
    own = CHECKS[bug].steps
    return [other for other in BUGS if CHECKS[other].steps is not own]


@pytest.mark.parametrize("bug", BUGS)
def test_the_other_bugs_leave_this_behaviour_alone(shops: dict[str, Shop], bug: str) -> None:
    """Each bug changes one behaviour: with all the others on, this one still holds (cheaper than
    each bugged app against every other check, and as strict unless two bugs cancel out)."""
    check = CHECKS[bug]
    assert shops[OTHERS + bug].run(check.steps) == check.right


def test_every_path_answers_the_same_page() -> None:
    with serve_in_thread(spa_shop(["sort"])) as server:
        index = httpx.get(server.base_url + "/")
        assert index.status_code == 200 and '<script>window.BUGS=["sort"];</script>' in index.text
        assert '<script>window.BUGS=["search", "sort"];</script>' in html(spa_shop(["sort", "search"]))
        assert "<script>window.BUGS=[];</script>" in html(spa_shop())
        for fake in ("/api/users", "/health", "/anything/at/all", "/notes", "/static/missing.js"):
            answer = httpx.get(server.base_url + fake)
            assert (answer.status_code, answer.text) == (200, index.text), fake
        script = httpx.get(server.base_url + "/static/app.js")
        assert script.headers["content-type"].startswith("text/javascript") and "pushState" in script.text
        assert httpx.get(server.base_url + "/static/app.css").headers["content-type"].startswith("text/css")


def html(app: Starlette) -> str:
    with serve_in_thread(app) as server:
        return httpx.get(server.base_url + "/anywhere").text


def test_an_unknown_bug_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        spa_shop(["search", "nope"])


def deep_links(page: Page, base: str) -> object:
    seen: list[object] = []
    for where in ("/notes", "/counter", "/about", "/api/users"):
        page.goto(base + where)
        seen.append((h1(page), page.get_by_label("Cart items").inner_text()))
    # The not-found view's link routes in the page: the marker set on this document survives.
    page.evaluate("window.sameDocument = true")
    page.get_by_role("link", name="Back to products").click()
    page.get_by_role("heading", name="Products", level=1).wait_for()
    seen.append((path(page), page.evaluate("window.sameDocument === true")))
    page.go_back()
    page.get_by_role("heading", name="Page not found").wait_for()
    page.go_forward()
    page.get_by_role("heading", name="Products", level=1).wait_for()
    seen.append((path(page), len(names(page))))
    return seen


def test_deep_links_the_catch_all_view_and_back_forward(shops: dict[str, Shop]) -> None:
    assert shops[TWIN].run(deep_links) == [
        ("Notes", "Cart (0)"),
        ("Counter", "Cart (0)"),
        ("About", "Cart (0)"),
        ("Page not found", "Cart (0)"),
        ("/", True),
        ("/", 10),
    ]


def list_controls(page: Page, base: str) -> object:
    page.goto(base + "/")
    seen: list[object] = [names(page)]
    search = page.get_by_role("searchbox", name="Search products")
    search.fill("CHED")
    seen.append(names(page))
    search.fill("zzzz")
    seen.append((names(page), page.locator("p.empty").inner_text()))
    search.fill("")
    page.get_by_label("Sort by").select_option(label="Price: high to low")
    seen.append(page.locator("li.product .price").all_inner_texts())
    page.get_by_label("Category").select_option("Fruit")
    seen.append((names(page), page.locator("p.empty").count()))
    return seen


def test_search_sort_and_filter_on_the_twin(shops: dict[str, Shop]) -> None:
    assert shops[TWIN].run(list_controls) == [
        BY_NAME,
        ["Cheddar"],
        ([], "No products match your search."),
        BY_PRICE[::-1],
        (["Mango", "Apple", "Banana"], 0),
    ]


def dialog_paths(page: Page, base: str) -> object:
    page.goto(base + "/")
    dialog = page.get_by_role("dialog", name="Add product")
    page.get_by_role("button", name="Add product").click()
    dialog.get_by_role("button", name="Save").click()  # no name: refused, the dialog stays
    seen: list[object] = [(dialog.get_by_role("alert").inner_text(), dialog.count(), len(names(page)))]
    page.keyboard.press("Escape")
    seen.append((dialog.count(), len(names(page))))
    page.get_by_role("button", name="Add product").click()
    dialog.get_by_label("Name").fill("Kiwi")
    dialog.get_by_label("Category").select_option("Fruit")
    dialog.get_by_label("Price").fill("0.8")
    dialog.get_by_role("button", name="Save").click()
    kiwi = page.locator("li.product", has_text="Kiwi")
    seen.append((dialog.count(), kiwi.locator(".category").inner_text(), kiwi.locator(".price").inner_text()))
    page.reload()
    seen.append(names(page))
    return seen


def test_the_dialog_refuses_cancels_and_saves(shops: dict[str, Shop]) -> None:
    assert shops[TWIN].run(dialog_paths) == [
        ("Name is required", 1, 10),
        (0, 10),
        (0, "Fruit", "$0.80"),
        sorted([*BY_NAME, "Kiwi"]),
    ]


def notes_paths(page: Page, base: str) -> object:
    page.goto(base + "/notes")
    field = page.get_by_label("New note")
    field.fill("   ")
    page.get_by_role("button", name="Add note").click()
    seen: list[object] = [(page.get_by_role("alert").inner_text(), notes(page))]
    for text in ("Call Ann", "Buy milk"):
        field.fill(text)
        page.get_by_role("button", name="Add note").click()
    seen.append((notes(page), field.input_value(), page.get_by_role("alert").count()))
    page.locator("ul.notes li", has_text="Call Ann").get_by_role("button", name="Delete").click()
    page.reload()
    seen.append(notes(page))
    return seen


def test_notes_refuse_blanks_add_delete_and_persist(shops: dict[str, Shop]) -> None:
    assert shops[TWIN].run(notes_paths) == [
        ("Please write a note.", []),
        (["Call Ann", "Buy milk"], "", 0),
        ["Buy milk"],
    ]
