"""The danger vocabulary shared by the browser and the API side."""

from __future__ import annotations

import pytest

from assay.domain.danger import (
    describes_wipe,
    is_dangerous,
    is_destructive,
    is_logout,
    is_reset,
    names_destruction,
)


@pytest.mark.parametrize(
    "text",
    ["Delete post", "deleteUser", "userDelete", "/api/reset-db", "Supprimer", "Löschen", "删除",
     "Drop table", "GET /createdb", "Seed database", "/api/db/reinit", "Remove", "purge_cache"],
)  # fmt: skip
def test_destructive_words_in_any_form_and_language(text: str) -> None:
    assert is_destructive(text)
    assert is_dangerous(text)


@pytest.mark.parametrize(
    "text", ["Save", "undeleted", "presets", "dropdown", "initial", "seeds", "removed", "banner", "Search"]
)
def test_harmless_words_that_contain_a_dangerous_one(text: str) -> None:
    assert not is_destructive(text)


@pytest.mark.parametrize("text", ["/api/reset-db", "Initialize app", "/api/v1/init", "createdb", "Seed data"])
def test_state_resets(text: str) -> None:
    assert is_reset(text)


@pytest.mark.parametrize("text", ["reset_password", "Forgot your password?", "/api/password/reset", "Delete"])
def test_password_reset_and_deletes_are_not_application_resets(text: str) -> None:
    assert not is_reset(text)


def test_logout_is_dangerous_but_not_destructive() -> None:
    assert is_logout("Log out") and is_logout("logoutLink") and is_logout("/accounts/sign-out/")
    assert is_dangerous("Log out")
    assert not is_destructive("Log out")


@pytest.mark.parametrize("text", ["restored", "destroyed", "swagger-initializer.js", "truncated", "Deleted"])
def test_past_tense_and_agent_nouns_describe_not_command(text: str) -> None:
    assert not is_destructive(text)


def test_re_create_and_db_words_are_resets() -> None:
    assert is_reset("Drops and re-creates the database") and is_reset("/api/dropdb") and is_reset("resetdb")
    assert names_destruction("/cache/purge") and not names_destruction("/password/reset")


@pytest.mark.parametrize(
    "text",
    ["Drops and re-creates the database.", "Deletes all records", "Truncates every table", "Reset the DB"],
)
def test_descriptions_that_say_the_store_is_wiped(text: str) -> None:
    assert describes_wipe(text)


@pytest.mark.parametrize(
    "text", ["Answers 404 when the item was removed from the database", "Delete the item", "List all tables"]
)
def test_descriptions_that_do_not(text: str) -> None:
    assert not describes_wipe(text)
