"""Which forms, buttons and links the browser may use on a target it did not build."""

from __future__ import annotations

import pytest

from assay.domain.action_safety import (
    ActionPolicy,
    Control,
    FormFacts,
    judge_button,
    judge_form,
    judge_link,
)
from assay.domain.json import JsonObject
from assay.domain.ledger import Ledger
from assay.pages.form_facts import form_from_json

SITE = "http://127.0.0.1:8000"
POLICY = ActionPolicy.for_url(SITE + "/")


def form(
    page: str = "/",
    action: str = "",
    method: str = "post",
    text: str = "Submit",
    **extra: object,
) -> FormFacts:
    submit = Control(text, tuple(extra.pop("submit_attrs", ())), str(extra.pop("formaction", "")))  # type: ignore[arg-type]
    return FormFacts(SITE + page, SITE + (action or page), method, submit=submit, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "kind"),
    [
        (form("/search", method="get", text="Search"), "search"),
        (form("/", "/filter", method="get", text="Go", prefilled=("q",)), "search"),
        (form("/login", text="Sign in", passwords=1), "login"),
        (form("/posts/new", "/posts", text="Publish"), "create"),
        (form("/admin/catalog/product/add/", text="Save"), "create"),
        (form("/contact", text="Send message"), "create"),
        (form("/signup", text="Create account", passwords=2), "create"),
        (form("/posts/3", "/posts/3/comments", text="Post comment", hidden=("post_id", "csrf")), "create"),
        (form("/nouveau", text="Créer"), "create"),
        (form("/products", text="Filter", attrs=("search",)), "search"),
        (form("/produits", text="Rechercher", prefilled=("q",)), "search"),
    ],
)  # fmt: skip
def test_search_login_and_create_forms_are_submitted(facts: FormFacts, kind: str) -> None:
    verdict = judge_form(facts, POLICY)
    assert (verdict.kind, verdict.allowed) == (kind, True)


@pytest.mark.parametrize(
    ("facts", "kind"),
    [
        (form("/posts/3", "/posts/3/edit", text="Save", prefilled=("title", "body")), "edit"),
        (form("/posts/3/edit", "/posts/3/edit", text="Publish"), "edit"),
        (form("/post/my-first-post/update", text="Go"), "edit"),
        (form("/post/my-first-post", "/post/my-first-post", text="Envoyer", prefilled=("body",)), "edit"),
        (form("/items", "/items/update", text="Go", hidden=("id",)), "edit"),
        (form("/notes", "/notes/save", text="Go", hidden=("note_id",)), "edit"),
        (form("/items/7", "/items/7", text="Go", override="PATCH"), "edit"),
        (form("/settings", text="Save settings"), "edit"),
        (form("/reports", text="Save filter"), "edit"),
        (form("/profil", text="Enregistrer"), "edit"),
        (form("/posts/3", "/posts/3/delete", text="Delete"), "dangerous"),
        (form("/posts/3", "/posts/3", text="Confirm", override="DELETE"), "dangerous"),
        (form("/posts/3", "/posts/3/x", text="Supprimer"), "dangerous"),
        (form("/posts/3", "/posts/3/x", text="Go", submit_attrs=("btn btn-danger",)), "dangerous"),
        (form("/posts/3", "/posts/3/x", text="🗑", submit_attrs=("Delete post",)), "dangerous"),
        (form("/admin/", "/admin/actions", text="Go", choices=("Delete selected products",)), "dangerous"),
        (form("/admin/", "/admin/db/reset", text="Yes"), "dangerous"),
        (form("/", "/logout", text="Log out"), "leave"),
        (form("/", "/vote", text="Go"), "unclear"),
    ],
)  # fmt: skip
def test_forms_that_change_destroy_or_leave_are_not_submitted(facts: FormFacts, kind: str) -> None:
    verdict = judge_form(facts, POLICY)
    assert (verdict.kind, verdict.allowed) == (kind, False)
    assert verdict.reason


def test_destructive_and_the_ledger_allow_changes_but_never_leaving_the_origin_or_session() -> None:
    edit = form("/posts/3", "/posts/3/edit", text="Save", prefilled=("title",))
    delete = form("/posts/3", "/posts/3/delete", text="Delete")
    permitted = ActionPolicy.for_url(SITE, destructive=True)
    assert judge_form(edit, permitted).kind == "permitted" and judge_form(delete, permitted).allowed
    assert judge_form(form("/", "/logout", text="Log out"), permitted).kind == "leave"
    ledger = Ledger()
    ledger.record("page", "/posts/3", "form on /posts/new", "/posts/3")
    owned = ActionPolicy.for_url(SITE, ledger=ledger)
    assert judge_form(edit, owned).kind == "owned" and judge_form(delete, owned).kind == "owned"
    other = form("/posts/4", "/posts/4/edit", text="Save", prefilled=("title",))
    assert judge_form(other, owned).kind == "edit"
    # On assay's own page, a form acting on another object, or a script button, stays refused.
    assert judge_form(form("/posts/3", "/posts/4/delete", text="Delete"), owned).kind == "dangerous"
    assert judge_button(Control("Delete"), SITE + "/posts/3", owned).kind == "dangerous"


def test_a_form_or_button_submitting_to_another_origin_is_never_used() -> None:
    login = FormFacts(
        SITE + "/login", "http://127.0.0.1:9999/steal", "post", submit=Control("Sign in"), passwords=1
    )
    assert judge_form(login, ActionPolicy.for_url(SITE, destructive=True)).kind == "off_origin"
    search = form("/search", method="get", text="Search", formaction="https://evil.example/collect")
    assert judge_form(search, POLICY).kind == "off_origin"


@pytest.mark.parametrize(
    ("button", "kind"),
    [
        (Control("Save draft"), "click"),
        (Control("Show details", ("toggle",)), "click"),
        (Control("Supprimer"), "dangerous"),
        (Control("×", ("delete-comment",)), "dangerous"),
        (Control("", ("Remove item",)), "dangerous"),
        (Control("Reset database"), "dangerous"),
        (Control("Sign out"), "leave"),
    ],
)  # fmt: skip
def test_buttons_by_text_name_class_and_label(button: Control, kind: str) -> None:
    assert judge_button(button, SITE + "/posts/3", POLICY).kind == kind


def test_links_the_crawl_never_follows() -> None:
    assert judge_link(SITE + "/posts/3", "Read more", POLICY).allowed
    assert judge_link(SITE + "/posts/3/delete", "x", POLICY).kind == "dangerous"
    assert judge_link(SITE + "/accounts/logout/", "Me", POLICY).kind == "leave"
    assert judge_link("https://other.example/", "Partner", POLICY).kind == "off_origin"
    assert not judge_link(SITE + "/admin/reset-db", "Maintenance", ActionPolicy.for_url(SITE, True)).allowed


def test_a_stored_form_without_facts_is_not_submitted() -> None:
    stored = form_from_json(SITE + "/x", {"action": "/x", "submit": "Go"})
    assert not judge_form(stored, POLICY).allowed
    facts: JsonObject = {
        "action": SITE + "/search",
        "method": "get",
        "submit": {"text": "Search", "attrs": [], "target": ""},
    }
    assert judge_form(form_from_json(SITE + "/", {"facts": facts}), POLICY).kind == "search"
