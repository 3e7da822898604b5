"""The observer's verdicts on a crawl's forms reach the UI scenarios, and one note sums them up."""

from __future__ import annotations

from assay.agents.observation.web.crawler import CrawlResult, PageVisit
from assay.agents.observation.web.observe import summarise
from assay.agents.requirements.ui_scenarios import ui_scenarios
from assay.domain.action_safety import ActionPolicy
from assay.domain.json import Json, JsonObject, as_list, as_object, dig
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import PageFacts
from assay.pages.extract import PageExtract

SITE = "http://127.0.0.1:5000"


def _facts(action: str, method: str, submit: str, prefilled: tuple[str, ...] = ()) -> JsonObject:
    return {"action": SITE + action, "method": method, "override": "", "attrs": [],
            "submit": {"text": submit, "attrs": [], "target": ""}, "hidden": [],
            "prefilled": list(prefilled), "choices": [], "passwords": 0}  # fmt: skip


def _form(action: str, method: str, submit: str, prefilled: tuple[str, ...] = ()) -> Json:
    return {"id": "", "action": action, "method": method, "fields": [], "submit": submit,
            "facts": _facts(action, method, submit, prefilled)}  # fmt: skip


def _element(role: str, name: str, form: str, tag: str = "input") -> UiElement:
    locator = f'page.get_by_role("{role}", name="{name}", exact=True)'
    return UiElement("/posts/3", role, name, locator, tag, "text" if role == "textbox" else "submit",
                     fingerprint={"form": form, "attributes": {}})  # fmt: skip


def crawl_result() -> CrawlResult:
    forms: list[Json] = [
        _form("/search", "get", "Search"),
        _form("/posts/3/edit", "post", "Save", ("title",)),
        _form("/posts/3/delete", "post", "Delete"),
        _form("/posts/3/comments", "post", "Post comment"),
    ]
    elements = [
        _element("textbox", "Search posts", "/search"),
        _element("button", "Search", "/search", "button"),
        _element("textbox", "Title", "/posts/3/edit"),
        _element("button", "Save", "/posts/3/edit", "button"),
        _element("button", "Delete", "/posts/3/delete", "button"),
        _element("textbox", "Comment", "/posts/3/comments"),
        _element("button", "Post comment", "/posts/3/comments", "button"),
        _element("button", "Supprimer", "", "button"),
    ]
    page = PageFacts("/posts/3", SITE + "/posts/3", 200, "Post 3", "detail")
    return CrawlResult(SITE + "/", [PageVisit(page, PageExtract(elements, {"forms": forms}))])


def _submitted(policy: ActionPolicy | None) -> set[str]:
    web = summarise(crawl_result(), policy)
    observation = web.onto(Observation(SITE, "web"))
    return {s.title for s in ui_scenarios(observation) if s.kind == "happy_path"}


def test_only_search_and_create_forms_become_scenarios_by_default() -> None:
    assert _submitted(None) == {
        'Submit "Search" with valid values',
        'Submit "Post comment" with valid values',
    }


def test_destructive_lets_the_edit_form_through() -> None:
    assert 'Submit "Save" with valid values' in _submitted(ActionPolicy.for_url(SITE, destructive=True))


def test_one_note_says_what_was_left_alone_and_why() -> None:
    web = summarise(crawl_result())
    (note,) = [n for n in web.notes if "not submitted" in n]
    assert "1 that would change an existing object: form 'Save' on /posts/3" in note
    assert "2 that delete or reset: form 'Delete' on /posts/3, button 'Supprimer' on /posts/3" in note
    assert "--destructive" in note
    forms = as_list(dig(web.page_structure, "pages.0.forms"))
    verdicts = [as_object(as_object(f)["verdict"]) for f in forms]
    assert [v["kind"] for v in verdicts] == ["search", "edit", "dangerous", "create"]


def test_a_sign_in_assay_could_not_do_is_incomplete_a_rejected_login_is_not() -> None:
    from assay.pages.login import LoginOutcome

    result = crawl_result()
    result.login = LoginOutcome(False, "signing in failed (TimeoutError: ...)", failure="TimeoutError: x")
    assert summarise(result).incomplete == (
        "browser sign-in not done (TimeoutError: x): signed-in pages were not observed",
    )
    result.login = LoginOutcome(False, "signing in at /login failed: the login form is still shown")
    assert summarise(result).incomplete == ()
