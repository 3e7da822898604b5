"""The one English singular of assay (resource keys, recipe names, scenario names)."""

from __future__ import annotations

import pytest

from assay.spec import naming
from assay.spec.names import resource_key, singular

SINGULARS = [
    ("statuses", "status"), ("status", "status"), ("news", "news"), ("addresses", "address"),
    ("categories", "category"), ("boxes", "box"), ("analyses", "analysis"), ("people", "person"),
    ("series", "series"), ("data", "data"), ("buses", "bus"), ("aliases", "alias"), ("indices", "index"),
    ("quizzes", "quiz"), ("users", "user"), ("kits", "kit"), ("agent-kits", "agent-kit"),
    # Words the ending rules alone would get wrong.
    ("houses", "house"), ("causes", "cause"), ("databases", "database"), ("courses", "course"),
    ("caches", "cache"), ("movies", "movie"), ("cookies", "cookie"), ("menus", "menu"), ("apis", "api"),
    ("uris", "uri"), ("campus", "campus"), ("bonuses", "bonus"), ("hypotheses", "hypothesis"),
    ("heroes", "hero"), ("knives", "knife"), ("archives", "archive"), ("settings", "settings"),
    ("classes", "class"), ("matches", "match"), ("wishes", "wish"), ("buzzes", "buzz"),
    ("sizes", "size"), ("ids", "id"), ("os", "os"), ("ws", "ws"), ("js", "js"),
    ("statistics", "statistic"), ("analytics", "analytics"),
    ("s", "s"), ("", ""),
    # Only the last word changes; separators and case are kept.
    ("agent_kits", "agent_kit"), ("agentKits", "agentKit"), ("Categories", "Category"),
    ("STATUSES", "STATUS"), ("chat/sessions", "chat/session"), ("v2", "v2"),
]  # fmt: skip


@pytest.mark.parametrize(("plural", "one"), SINGULARS)
def test_singular(plural: str, one: str) -> None:
    assert singular(plural) == one
    assert singular(one) == one  # already singular: unchanged


def test_naming_reads_the_same_singular() -> None:
    assert naming.singular is singular


@pytest.mark.parametrize(
    ("name", "key"),
    [("agentKits", "agent_kit"), ("order_statuses", "order_status"), ("NewsItems", "news_item"),
     ("news", "news"), ("AddressBook", "address_book")],
)  # fmt: skip
def test_resource_keys_take_the_singular_of_the_last_word(name: str, key: str) -> None:
    assert resource_key(name) == key
