"""bench/spa_scoring.py: a behaviour is credited only to a scenario that did what it is about.

The scenarios are the ones assay wrote in a real bench run (/tmp/bench-spa2), step by step as they
ran; the behaviours are the bench's own checklist entries, evidence and all.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from spa_scoring import ScenarioSeen, exercise, parse_step, score, score_run  # noqa: E402

NOT_RUN = "not run"


def checklist(app: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((BENCH / "spa_checklists" / f"{app}.json").read_text())
    return loaded


def behaviour(app: str, bid: str) -> dict[str, Any]:
    return next(b for b in checklist(app)["behaviours"] if b["id"] == bid)


def ran(
    sid: str,
    page: str,
    affordances: set[str],
    steps: list[tuple[str, str]],
    data: dict[str, Any] | None = None,
) -> ScenarioSeen:
    """A UI scenario as analysis.json records it: each step's words and whether it held or ran."""
    passed = all(state == "passed" for _, state in steps)
    seen = ScenarioSeen(sid, "", page, affordances, True, "passed" if passed else "failed", data=data or {})
    seen.steps = [parse_step(text, state) for text, state in steps]
    return seen


OPTUNA = "/dashboard"
# The "New Study" dialog opened and a name typed, as both optuna scenarios below begin.
NEW_STUDY_OPENED = [
    ('I open "/dashboard/?studies_order_by=desc"', "passed"),
    ("I note the items listed", "passed"),
    ('I click "Create"', "passed"),
    ('the "New Study" dialog opens', "passed"),
    ('I type "Assay test 2176" into "Study name"', "passed"),
]
# Optuna's "New Study" dialog cancelled: it passed, and it neither deletes nor confirms anything.
NEW_STUDY_CANCELLED = ran(
    "SC-UI-021",
    OPTUNA,
    {"dialog"},
    [
        *NEW_STUDY_OPENED,
        ('I click "Cancel"', "passed"),
        ("the dialog closes", "passed"),
        ('"Assay test 2176" is not listed', "passed"),
        ("nothing is added", "passed"),
    ],
)


def completing_new_study(click_create: str) -> ScenarioSeen:
    """Optuna's "Completing New Study adds …", tagged a dialog (not a create form)."""
    after = "passed" if click_create == "passed" else NOT_RUN
    return ran(
        "SC-UI-022",
        OPTUNA,
        {"dialog"},
        [
            *NEW_STUDY_OPENED,
            ('I click "Create"', click_create),
            ("the dialog closes", after),
            ('"Assay test 2176" is listed', after),
        ],
    )


# TiddlyWiki's SC-UI-007: the new-tiddler "dialog" did not open; close and its checks never ran.
NEW_TIDDLER_CANCELLED = ran(
    "SC-UI-007",
    "/",
    {"dialog"},
    [
        ('I open "/"', "passed"),
        ("I note the items listed", "passed"),
        ('I click "new tiddler"', "passed"),
        ('the "new tiddler" dialog opens', "failed"),
        ('I click "close"', NOT_RUN),
        ("the dialog closes", NOT_RUN),
        ('"Assay test 3871" is not listed', NOT_RUN),
        ("nothing is added", NOT_RUN),
    ],
)


def searched(term: str, expected: str, data: dict[str, Any] | None = None) -> ScenarioSeen:
    return ran(
        "SC-UI-005",
        "/",
        {"search"},
        [('I open "/"', "passed"), (f'I type "{term}" into ""', "passed"), (expected, "passed")],
        data,
    )


def deleted(page: str, confirm: str = "I confirm, if the app asks") -> ScenarioSeen:
    """assay's own-item delete: add, click Delete on it, confirm, it is gone."""
    return ran(
        "SC-UI-030",
        page,
        {"create_form"},
        [
            (f'I open "{page}"', "passed"),
            ('I type "Assay test 1" into "Title"', "passed"),
            ("I press Enter", "passed"),
            ('"Assay test 1" is listed', "passed"),
            ('I click "Delete" on "Assay test 1"', "passed"),
            (confirm, "passed"),
            ('"Assay test 1" is no longer listed', "passed"),
        ],
    )


def test_optuna_delete_confirm_is_not_credited_to_cancelling_new_study() -> None:
    delete = behaviour("optuna-dashboard", "delete-confirm")
    assert exercise(delete, NEW_STUDY_CANCELLED) is None
    # What that scenario did do is cancel the create dialog.
    cancelled = exercise(behaviour("optuna-dashboard", "create-cancel"), NEW_STUDY_CANCELLED)
    assert cancelled is not None and cancelled.text == '"Assay test 2176" is not listed'
    # A scenario that clicked a delete control and confirmed is credited.
    assert exercise(delete, deleted(OPTUNA)) is not None


def test_tiddlywiki_delete_confirm_is_not_credited_to_cancelling_new_tiddler() -> None:
    delete = behaviour("tiddlywiki", "delete-confirm")
    assert exercise(delete, NEW_TIDDLER_CANCELLED) is None
    # Nor is cancelling, whose close step never ran, credited as exercised at all.
    tw = checklist("tiddlywiki")
    assert not any(exercise(b, NEW_TIDDLER_CANCELLED) for b in tw["behaviours"])
    assert exercise(delete, deleted("/")) is not None
    # A delete whose confirmation is not a step of its own is not the behaviour.
    no_confirm = deleted("/", confirm="I note the items listed")
    assert exercise(delete, no_confirm) is None


def test_tiddlywiki_search_nothing_needs_a_term_that_matches_nothing() -> None:
    nothing = behaviour("tiddlywiki", "search-nothing")
    found = searched("title", 'a result for "title", a word the page shows, is listed')
    assert exercise(nothing, found) is None
    assert exercise(behaviour("tiddlywiki", "search-finds"), found) is not None
    nonsense = searched("zqxjvw", '"Groceries" is not listed')
    assert exercise(nothing, nonsense) is not None
    assert exercise(behaviour("tiddlywiki", "search-finds"), nonsense) is None
    # The scenario's data may mark the term as one the page does not match.
    marked = searched("zqxjvw", "the server answers without an error", {"no_match": "zqxjvw"})
    unmarked = searched("zqxjvw", "the server answers without an error")
    no_outcome = {**nothing, "evidence": {**nothing["evidence"], "outcome": []}}
    assert exercise(no_outcome, marked) is not None
    assert exercise(no_outcome, unmarked) is None


def test_optuna_create_study_is_credited_to_a_dialog_that_created_it() -> None:
    create = behaviour("optuna-dashboard", "create-study")
    credited = exercise(create, completing_new_study("passed"))
    assert credited is not None and credited.text == '"Assay test 2176" is listed'
    # As in the bench run: the dialog's Create was disabled, so nothing was created or judged.
    assert exercise(create, completing_new_study("failed")) is None
    assert exercise(create, NEW_STUDY_CANCELLED) is None


def test_a_failed_outcome_still_exercises_the_behaviour_but_a_scenario_not_run_does_not() -> None:
    add = behaviour("todomvc-jquery", "add-item")
    steps = [
        ('I open "/examples/jquery/"', "passed"),
        ('I type "Assay test 5065" into "What needs to be done?"', "passed"),
        ("I press Enter", "passed"),
        ('"Assay test 5065" is listed', "failed"),
    ]
    judged = exercise(add, ran("SC-UI-003", "/examples/jquery/", {"create_form"}, steps))
    assert judged is not None and judged.state == "failed"
    skipped = ran("SC-UI-003", "/examples/jquery/", {"create_form"}, steps)
    skipped.status = "skipped"
    assert exercise(add, skipped) is None
    elsewhere = ran("SC-UI-003", "/examples/react/", {"create_form"}, steps)
    assert exercise(add, elsewhere) is None


def test_ui_functional_findings_no_known_bug_explains_are_false_alarms() -> None:
    findings = [
        {
            "id": "F-1",
            "category": "ui_functional",
            "path": "/examples/jquery/",
            "title": "the new item is not listed",
        },
        {"id": "F-2", "category": "ui_functional", "path": "/examples/jquery/", "title": "a count stays"},
        {"id": "F-3", "category": "security_headers", "path": "/", "title": "no CSP"},
    ]
    result = score(checklist("todomvc-jquery"), [], findings)
    assert list(result.bugs_found) == ["jquery-not-shipped"]
    assert result.false_alarms == ["F-2: a count stays"]
    assert [f["title"] for f in result.other_findings] == ["a count stays", "no CSP"]


FEATURE = """@web-ui
Feature: Web UI: /

  Background:
    Given I open "/"

  @ui @affordance:search @ui_search @focus
  Scenario: SC-UI-005 Searching "" for "title" finds it
    When I type "title" into ""
    Then a result for "title", a word the page shows, is listed

  @ui @affordance:dialog @ui_dialog @focus
  Scenario: SC-UI-007 Cancelling "new tiddler" changes nothing
    And I note the items listed
    When I click "new tiddler"
    Then the "new tiddler" dialog opens
    When I click "close"
    Then the dialog closes
"""


def test_an_output_folder_is_scored_from_its_features_and_the_steps_as_they_ran(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "web-ui.feature").write_text(FEATURE)
    (tmp_path / "findings.json").write_text(json.dumps({"findings": []}))
    cancel_steps = [
        {"name": 'I open "/"', "passed": True, "message": ""},
        {"name": "I note the items listed", "passed": True, "message": ""},
        {"name": 'I click "new tiddler"', "passed": True, "message": ""},
        {"name": 'the "new tiddler" dialog opens', "passed": False, "message": "no dialog opened"},
        {"name": 'I click "close"', "passed": False, "message": "not run: an earlier step failed"},
        {"name": "the dialog closes", "passed": False, "message": "not run: an earlier step failed"},
    ]
    runs = [
        {"scenario_id": "SC-UI-005", "status": "passed", "steps": []},
        {"scenario_id": "SC-UI-007", "status": "failed", "steps": cancel_steps},
    ]
    (tmp_path / "analysis.json").write_text(json.dumps({"analysis": {"runs": runs}}))
    result = score_run(checklist("tiddlywiki"), tmp_path)
    assert list(result.exercised) == ["search-finds"]
    assert "SC-UI-005" in result.exercised["search-finds"]
    assert "delete-confirm" in result.not_exercised and "search-nothing" in result.not_exercised
    assert (result.ui_total, result.ui_executed) == (2, 2)
