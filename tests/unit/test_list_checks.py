"""The affordance oracles (assay.pages.list_checks): each holds on the right outcome and names
what the user saw on the wrong one."""

from __future__ import annotations

from assay.pages.list_checks import check_counts, check_items, search_term, sort_order, view_problem


def _items(*titles: str) -> list[dict[str, str]]:
    return [{"title": t, "text": f"{t} $1.00"} for t in titles]


FRUIT = _items("Apple", "Banana", "Mango", "Milk")


def test_a_search_term_is_a_rare_word_of_one_title() -> None:
    assert search_term(["Red apple", "Green apple", "Banana"]) == "green"  # "apple" is in half
    assert search_term(["a", "b"]) is None  # no word long enough to search for


def test_a_search_shows_only_and_at_least_one_matching_item() -> None:
    assert check_items("match", "mango", FRUIT, _items("Mango")) is None
    assert "do not hold it" in str(check_items("match", "mango", FRUIT, _items("Mango", "Milk")))
    assert "no item" in str(check_items("match", "mango", FRUIT, []))
    assert check_items("none", "", FRUIT, []) is None and check_items("none", "", FRUIT, FRUIT)


def test_a_filter_shows_all_and_only_the_items_of_its_option() -> None:
    listed = [{"title": "Brie", "text": "Brie Dairy"}, {"title": "Kale", "text": "Kale Vegetable"}]
    assert check_items("label", "Dairy", listed, listed[:1]) is None
    assert "not 'Dairy'" in str(check_items("label", "Dairy", listed, listed))
    assert "1 listed items" in str(check_items("label", "Dairy", listed, []))
    assert check_items("restored", "", FRUIT, list(reversed(FRUIT))) is None
    assert check_items("subset", "", FRUIT, _items("Kiwi")) is not None


def test_a_sort_is_judged_on_numbers_as_numbers() -> None:
    assert sort_order("Price: low to high") == ("asc", "number")
    assert sort_order("Name (Z-A)") == ("desc", "text")
    assert sort_order("Featured") is None
    prices = [{"title": p, "text": p} for p in ("$2.50", "$12.00", "$3.10")]
    assert "ascending number order" in str(check_items("sorted", "asc:number", None, prices))
    assert (
        check_items("sorted", "asc:number", None, sorted(prices, key=lambda i: float(i["text"][1:]))) is None
    )


def test_one_click_moves_a_count_by_exactly_one() -> None:
    assert check_counts(1, {"#cart": "Cart (0)"}, {"#cart": "Cart (1)"}) is None
    assert "+2, not +1" in str(check_counts(1, {"#cart": "Cart (0)"}, {"#cart": "Cart (2)"}))
    assert "no count" in str(check_counts(1, {"#cart": "Cart (0)"}, {"#cart": "Cart (0)"}))
    assert "-1 was expected" in str(check_counts(-1, {"#n": "Count: 1"}, {"#n": "Count: 2"}))


def test_back_must_show_the_page_it_left() -> None:
    before = ("/", "Products Apple Banana")
    assert view_problem("restored", before, before) is None
    assert "another view" in str(view_problem("restored", before, ("/", "Notes")))
    assert view_problem("url:/notes", before, ("/notes", "Notes")) is None
    assert "shows nothing" in str(view_problem("changed", before, ("/x", " ")))
