"""The instruction matcher: stems, shipped synonyms, rarity weighting, @focus only on real matches,
and the clauses no scenario covers said plainly."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.requirements.focus import Context, steer
from assay.agents.requirements.instruction import read_instruction, stem
from assay.domain.focus import FOCUS_TAG, instruction_items, is_focused, quoted
from assay.domain.json import JsonObject
from assay.domain.scenarios import Scenario, UiStep
from assay.report.gherkin import render_feature


def _ui(sid: str, title: str, page: str = "/", data: JsonObject | None = None) -> Scenario:
    steps = (UiStep("goto", value=page, description=f'I open "{page}"'),)
    return Scenario(
        sid, f"Web UI: {page}", title, "happy_path", ("ui",), (f"GET {page}",), (), (), data=data or {},
        ui_steps=steps,
    )  # fmt: skip


def _api(sid: str, title: str, op: str) -> Scenario:
    return Scenario(sid, "shop", title, "happy_path", ("@get",), (op,), (), ())


def _focused(scenarios: Sequence[Scenario]) -> list[str]:
    return [s.id for s in scenarios if is_focused(s)]


def test_stems_fold_plurals_and_verb_forms_into_one_word() -> None:
    assert {stem(w) for w in ("create", "creates", "created", "creating", "creation")} == {"creat"}
    assert {stem(w) for w in ("search", "searches", "searched", "searching")} == {"search"}
    assert {stem(w) for w in ("category", "categories")} == {"category"}
    assert {stem(w) for w in ("tag", "tags", "tagged")} == {"tag"}
    assert {stem(w) for w in ("add", "added", "adding")} == {"add"}
    assert {stem(w) for w in ("fill", "filled")} == {"fill"}
    assert stem("status") == stem("statuses") == "status"  # not "statu"
    assert stem("bus") == "bus" and stem("address") == "address"


def test_reading_drops_generic_words_and_splits_clauses() -> None:
    phrases = read_instruction(
        "Build a web app where users can create projects, add tasks with a due date and sign-in; "
        "drag and drop cards. The checkout is not built yet"
    )
    assert [p.text for p in phrases] == [
        "Build a web app where users can create projects",
        "add tasks with a due date",
        "sign-in",
        "drag and drop cards",
        "The checkout is not built yet",
    ]
    assert [t.word for t in phrases[0].terms] == ["create", "projects"]  # no build, web, app, user
    assert [t.word for t in phrases[1].terms] == ["add", "tasks", "due date"]
    assert [t.word for t in phrases[2].terms] == ["sign in"]
    assert [p.negated for p in phrases] == [False, False, False, False, True]


def test_synonyms_match_what_the_scenario_calls_it() -> None:
    scenarios = [
        _ui("S1", 'Type "tea" into "Find a product" and press Enter'),
        _ui("S2", 'Click "Add to basket"'),
        _ui("S3", "Log in with valid credentials"),
        _ui("S4", "/about logs no console errors", "/about"),
        _ui("S5", "Every control on /about has an accessible name", "/about"),
    ]
    assert _focused(steer(scenarios, "search the catalogue").scenarios) == ["S1"]
    assert _focused(steer(scenarios, "the cart").scenarios) == ["S2"]
    assert _focused(steer(scenarios, "users can sign in").scenarios) == ["S3"]
    # A checkout is not a cart: a cart that works says nothing of the payment step.
    result = steer(scenarios, "checkout")
    assert _focused(result.scenarios) == [] and result.unmatched_terms == ("checkout",)


def test_a_thing_done_needs_the_thing_named_too() -> None:
    scenarios = [
        _api("N1", "Create Note succeeds", "POST /notes"),
        _api("N2", "List Notes succeeds", "GET /notes"),
        _api("P1", "Create Project succeeds", "POST /projects"),
        _api("P2", "Update Project succeeds", "PATCH /projects/{id}"),
        _api("H1", "Health answers", "GET /health"),
        _ui("S1", 'Type "tea" into "Query"', data={"affordance": "search", "label": "Query"}),
    ]
    # "add" alone would pick every create; with "notes" only the create of notes.
    assert _focused(steer(scenarios, "add notes").scenarios) == ["N1"]
    result = steer(scenarios, "change their settings")  # no settings anywhere: no update is picked
    assert _focused(result.scenarios) == []
    assert {quoted(i): i.reason for i in instruction_items(result.notes)} == {
        "change their settings": "not covered by any scenario (none names settings)"
    }
    assert [i.reason for i in result.covered] == [
        "named by 1 scenario(s), none singled out: what it is done to is not"
    ]
    # A search box is a search, whatever the reader calls what it searches.
    assert _focused(steer(scenarios, "search the archive").scenarios) == ["S1"]


def test_a_term_most_scenarios_name_singles_none_out() -> None:
    scenarios = [_api(f"A{i}", f"Read task {i}", f"GET /tasks/{i}") for i in range(9)]
    scenarios.append(_api("A9", "Search tasks by title", "GET /tasks/search"))
    result = steer(scenarios, "tasks")
    assert _focused(result.scenarios) == []  # named by all ten
    assert [i.reason for i in result.covered] == ["named by 10 of 10 scenarios: too common to single any out"]
    ranked = steer(scenarios, "search tasks")
    assert _focused(ranked.scenarios) == ["A9"] and ranked.scenarios[0].id == "A9"
    assert [s.id for s in ranked.scenarios[1:]] == [f"A{i}" for i in range(9)]  # own order kept


def test_rarer_terms_weigh_more_in_the_ranking() -> None:
    scenarios = [
        _ui("C1", "Submit the comment form"),  # comment: 1 of 6
        _ui("P1", "Open the project board"),  # project: 3 of 6
        _ui("P2", "Rename a project"),
        _ui("P3", "Delete a project"),
        _ui("X1", "/help logs no console errors", "/help"),
        _ui("X2", "/faq logs no console errors", "/faq"),
    ]
    ranked = steer(scenarios, "projects and comments").scenarios
    assert [s.id for s in ranked[:4]] == ["C1", "P1", "P2", "P3"]
    assert _focused(ranked) == ["C1", "P1", "P2", "P3"]


def test_the_page_alone_ranks_but_never_focuses() -> None:
    context = Context(pages={"GET /search": "Search the shop search"})
    scenarios = [
        _ui("U1", "/ logs no console errors"),
        _ui("U2", "/search logs no console errors", "/search"),
    ]
    result = steer(scenarios, "search", context)
    assert [s.id for s in result.scenarios] == ["U2", "U1"]
    assert _focused(result.scenarios) == []
    assert result.unmatched_terms == ("search",)  # a page title is not a scenario that searches


def test_an_affordance_of_that_kind_is_a_real_match_even_when_common() -> None:
    scenarios = [_ui(f"S{i}", f'Search for "tea" in box {i}') for i in range(3)]
    scenarios.append(_ui("F1", 'Choose "Green" in "Kind"', data={"affordance": "filter", "label": "Kind"}))
    scenarios.append(_ui("Q1", "Results are shown", data={"affordance": "search", "label": "Query"}))
    result = steer(scenarios, "find products")  # search: named by 4 of 5, yet Q1 *is* a search
    assert _focused(result.scenarios) == ["Q1"]
    assert _focused(steer(scenarios, "narrow the list by kind").scenarios) == ["F1"]


def test_uncovered_and_set_aside_clauses_are_reported() -> None:
    scenarios = [_ui("T1", 'Create "Buy milk" in "New task"'), _ui("T2", "/ logs no console errors")]
    result = steer(scenarios, "Users add tasks, filter them by status; the export is not built yet")
    notes = {quoted(i): i.reason for i in instruction_items(result.notes)}
    assert notes == {
        "filter them by status": "not covered by any scenario",
        "the export is not built yet": "set aside by the instruction; not covered by any scenario",
    }
    assert result.unmatched_terms == ("filter", "status", "export")
    assert {quoted(i): i.reason for i in result.covered} == {
        "add": "1 scenario(s) focused",
        "tasks": "1 scenario(s) focused",
    }
    assert _focused(result.scenarios) == ["T1"]


def test_a_clause_with_a_real_match_is_covered_though_one_word_is_not() -> None:
    scenarios = [_ui("T1", 'Create "Buy milk" in "New task"'), _ui("T2", "/ logs no console errors")]
    result = steer(scenarios, "add tasks with a deadline")
    assert instruction_items(result.notes) == [] and result.unmatched_terms == ("deadline",)


def test_nothing_is_dropped_and_no_instruction_changes_nothing() -> None:
    scenarios = [_ui("U1", "Open the cart"), _api("A1", "List products", "GET /products")]
    assert steer(scenarios, None).scenarios == tuple(scenarios)
    assert steer(scenarios, "please test the app").scenarios == tuple(scenarios)  # no content word
    result = steer(scenarios, "products")
    assert {s.id for s in result.scenarios} == {"U1", "A1"} and result.scenarios[0].id == "A1"


def test_one_tag_for_http_and_ui_scenarios_rendered_once() -> None:
    scenarios = [_ui("U1", "Open the cart"), _api("A1", "Add to cart", "POST /cart")]
    scenarios += [_ui(f"U{i}", "/ logs no console errors") for i in range(2, 5)]
    result = steer(scenarios, "cart")
    assert {s.id: s.tags.count(FOCUS_TAG) for s in result.scenarios if is_focused(s)} == {"U1": 1, "A1": 1}
    text = render_feature("Web UI: /", [s for s in result.scenarios if s.id == "U1"])
    assert "@ui @focus\n" in text


def test_a_cap_that_drops_scenarios_recounts_the_notes() -> None:
    scenarios = [
        _ui("U1", "Open the cart"),
        _ui("U2", "Empty the cart"),
        _ui("U3", "/ logs"),
        _ui("U4", "/x"),
    ]
    result = steer(scenarios, "cart").restricted({"U1", "U3", "U4"})
    assert [quoted(i) + ": " + i.reason for i in result.covered] == ["cart: 1 scenario(s) focused"]
    assert [s.id for s in result.scenarios] == ["U1", "U3", "U4"]
