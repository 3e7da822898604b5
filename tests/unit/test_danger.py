"""The danger vocabulary shared by the browser and the API side."""

from __future__ import annotations

import pytest

from assay.domain.danger import is_dangerous, is_destructive, is_logout, is_reset


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
