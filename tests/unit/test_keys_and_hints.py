"""Version segments never name a resource; natural keys name objects; refusals name missing fields."""

from __future__ import annotations

from typing import cast

import pytest

from assay.domain.json import JsonObject
from assay.spec.body_hints import fields_to_add, named_fields
from assay.spec.names import collection_keys, is_natural_key, is_version, static_segments
from assay.spec.naming import article, last_noun


@pytest.mark.parametrize("segment", ["v1", "V2", "v1.2", "v2beta1", "v1alpha", "2023-01-01", "2023-01"])
def test_version_segments(segment: str) -> None:
    assert is_version(segment)


@pytest.mark.parametrize("segment", ["users", "vault", "v", "2023", "videos", "{id}"])
def test_not_version_segments(segment: str) -> None:
    assert not is_version(segment)


@pytest.mark.parametrize(
    ("path", "noun"),
    [("/users/v2", "users"), ("/users/v2/{username}", "users"), ("/api/v1/orders", "orders"),
     ("/v1.2/books/", "books"), ("/2023-01-01/accounts", "accounts"), ("/orders/v2/{ref}/items", "items")],
)  # fmt: skip
def test_the_last_noun_skips_versions_and_params(path: str, noun: str) -> None:
    assert last_noun(path) == noun


def test_articles() -> None:
    assert (
        article("user") == "a user"
        and article("order") == "an order"
        and article("agent_kit") == "an agent kit"
    )


def test_a_versioned_collection_answers_to_its_resource() -> None:
    assert collection_keys("/users/v2") == ("user",)
    assert collection_keys("/api/v1/orders/") == ("order",)
    assert static_segments("/2023-01-01/accounts/{n}") == ["accounts"]


@pytest.mark.parametrize("name", ["username", "title", "book_title", "slug", "accountNumber", "ref", "email"])
def test_natural_keys(name: str) -> None:
    assert is_natural_key(name)


@pytest.mark.parametrize("name", ["id", "amount", "owner", "created_at"])
def test_not_natural_keys(name: str) -> None:
    assert not is_natural_key(name)


@pytest.mark.parametrize(
    ("answer", "text", "names"),
    [
        (
            {"detail": [{"loc": ["body", "amount"], "msg": "Field required", "type": "missing"}]},
            "",
            ["amount"],
        ),
        ({"errors": {"recipient": ["Missing data for required field."]}}, "", ["recipient"]),
        ({"amount": ["This field is required."]}, "", ["amount"]),
        ({"error": "recipient is required"}, "recipient is required", ["recipient"]),
        (None, "missing field 'recipient'", ["recipient"]),
        (None, "Internal error: KeyError: 'amount'", ["amount"]),
        (None, "Missing required parameter: to_account", ["to_account"]),
        ({"error": "not found"}, "not found", []),
        ({"detail": [{"loc": ["body", "amount"], "msg": "value is not a valid float"}]}, "", []),
    ],
)
def test_fields_a_refusal_names(answer: object, text: str, names: list[str]) -> None:
    assert named_fields(answer, text) == names  # type: ignore[arg-type]


def test_fields_to_add_prefers_documented_fields_and_skips_what_was_sent() -> None:
    schema: JsonObject = {
        "type": "object",
        "properties": {"amount": {"type": "number"}, "memo": {"type": "string"}},
    }
    said = "amount is required; memo is required"
    added = fields_to_add(schema, {"memo": "x"}, {"error": said}, said)
    assert list(added) == ["amount"] and isinstance(added["amount"], int | float)
    assert fields_to_add(schema, {"amount": 1}, None, "amount is required") == {}


def test_a_versioned_natural_key_api_gets_user_and_order_recipes() -> None:
    from tests.apps.keys_api import spec

    from assay.agents.requirements.recipes import build_recipes
    from assay.spec import build_api_model

    api = build_api_model(cast(JsonObject, spec()))
    plan = build_recipes(api)
    assert {r.name: r.id_field for r in plan.recipes} == {"user": "username", "order": "ref"}
    assert "v2" not in plan.names()
