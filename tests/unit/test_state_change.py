"""Which operations reset the application or change an existing object; the object a URL names."""

from __future__ import annotations

import pytest

from assay.domain.operations import Operation
from assay.domain.state_change import (
    changes_existing,
    filled_path,
    is_state_reset,
    object_of,
    request_changes_existing,
    request_is_reset,
)


@pytest.mark.parametrize(
    "op",
    [
        Operation("GET", "/reset"),
        Operation("POST", "/api/createdb"),
        Operation("POST", "/admin/db", operation_id="seedDatabase"),
        Operation("GET", "/maintenance", summary="Initialize app"),
        Operation("POST", "/setup", description="Drops and re-creates the database, then seeds it."),
        Operation("GET", "/fresh", description="Truncates every table."),
        Operation("POST", "/purge"),
        Operation("DELETE", "/items"),
    ],
)  # fmt: skip
def test_state_resets_by_name_description_or_collection_delete(op: Operation) -> None:
    assert is_state_reset(op)


@pytest.mark.parametrize(
    "op",
    [
        Operation("GET", "/items"),
        Operation("POST", "/items", summary="Create an item"),
        Operation("POST", "/password/reset"),
        Operation("POST", "/users/{id}/reset"),  # one object's reset: a change to it, not a reset
        Operation("DELETE", "/items/{id}"),
        Operation("DELETE", "/users/me"),
        Operation("DELETE", "/session", summary="Log out"),
        Operation("GET", "/drop"),  # a read named "drop" alone is too weak a sign
        Operation("GET", "/items/{id}", description="Answers 404 when it was removed from the database."),
        Operation("GET", "/swagger-initializer.js"),
    ],
)  # fmt: skip
def test_not_resets(op: Operation) -> None:
    assert not is_state_reset(op)


def test_changes_to_existing_objects() -> None:
    assert changes_existing(Operation("PUT", "/items/{id}"))
    assert changes_existing(Operation("PATCH", "/users/me"))
    assert changes_existing(Operation("POST", "/items/{id}/delete"))
    assert changes_existing(Operation("GET", "/items/{id}/remove"))
    assert not changes_existing(Operation("POST", "/items"))
    assert not changes_existing(Operation("GET", "/items/{id}"))
    assert not changes_existing(Operation("GET", "/clear"))
    assert not changes_existing(Operation("POST", "/auth/password-reset/confirm"))
    assert not request_changes_existing("POST", "/api/v1/auth/password-reset")


def test_undocumented_requests() -> None:
    assert request_is_reset("GET", "/api/reset-db")
    assert not request_is_reset("GET", "/api/items")
    assert request_changes_existing("DELETE", "/anything")
    assert request_changes_existing("POST", "/cache/purge")
    assert not request_changes_existing("GET", "/drop")


def test_object_of_reads_the_last_path_parameter_under_any_base_path() -> None:
    ref = object_of("/users/{uid}/items/{id}", "http://h/api/users/7/items/a%20b/archive")
    assert ref is None  # the template does not end there
    ref = object_of("/users/{uid}/items/{id}/archive", "http://h/api/users/7/items/a%20b/archive?x=1")
    assert ref is not None and (ref.parameter, ref.value, ref.path) == ("id", "a b", "/users/7/items/a b")
    assert object_of("/items", "http://h/items") is None
    assert filled_path("/users/{uid}/items", "http://h/api/users/7/items/") == "/users/7/items"
