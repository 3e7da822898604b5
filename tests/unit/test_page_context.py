"""The typed page facts of an Observation and the API's one ``page_context`` object, both ways."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assay.api.mapping import inline_observation, observation_result, page_context
from assay.api.result_models import ObservationResult
from assay.domain.codec import from_json
from assay.domain.errors import UsageError
from assay.domain.json import as_list, as_object
from assay.domain.observation import Observation, UiElement
from assay.domain.pages import (
    ActionProbe,
    BlockedHost,
    CrawlFacts,
    LinkCheck,
    LoginFacts,
    PageFacts,
    UnsettledPage,
)

SITE = "http://127.0.0.1:8000"


def _crawled() -> Observation:
    login = PageFacts(
        "/login", SITE + "/login", 200, "Sign in", "login", depth=2,
        console_errors=("boom",), failed_requests=("GET /app.js -> 404",),
        unnamed_controls=("input[name=q]",), images_without_alt=("/logo.png",),
        links=(LinkCheck("/login", "/help", "Help", 404),),
        actions=(ActionProbe("/login", "wrong_password", "Sign in", "#go", ("fill", "click"),
                             SITE + "/login", SITE + "/login", 200, (500,), True, "Wrong password",
                             True, "shot.png", False, "before", "after", ("Wrong password",)),),
        screenshot="login.png",
    )  # fmt: skip
    return Observation(
        SITE,
        "web",
        ui_elements=(UiElement("/login", "button", "Sign in", "#go"),),
        page_structure={"pages": [{"path": "/login", "snapshot": "Sign in"}]},
        pages=(PageFacts("/", SITE + "/", 200, "Home", "landing"), login),
        login=LoginFacts(True, "/login?next=/", "totp"),
        blocked_hosts=(BlockedHost("fonts.example", 3),),
        unsettled_pages=(UnsettledPage(SITE + "/loop", "closed"),),
        crawl=CrawlFacts(SITE + "/", 12.5, popups_closed=1, dialogs_dismissed=2),
        notes=("crawled 2 pages",),
        confidence=0.8,
    )


def _round_trip(observation: Observation) -> Observation:
    """Out through a results call and back in as a posted ``observation_result``, as JSON text."""
    sent = observation_result(observation).model_dump_json(by_alias=True)
    posted = inline_observation(ObservationResult.model_validate_json(sent))
    assert posted is not None
    return from_json(Observation, posted)


def test_the_page_facts_survive_the_api_both_ways() -> None:
    observation = _crawled()
    assert _round_trip(observation) == observation


def test_page_context_keeps_its_keys_and_summary_counts() -> None:
    context = page_context(_crawled())
    assert context["login"] == {"signed_in": True, "path": "/login?next=/", "second_factor": "totp"}
    assert (context["title"], context["purpose"], context["url"]) == ("Home", "landing", SITE + "/")
    assert (context["console_errors"], context["failed_requests"], context["accessibility_problems"]) == (
        1,
        1,
        2,
    )
    assert (context["crawl_seconds"], context["popups_closed"], context["dialogs_dismissed"]) == (12.5, 1, 2)
    assert context["blocked_hosts"] == [{"host": "fonts.example", "requests": 3, "errors": []}]
    assert [as_object(p)["path"] for p in as_list(context["pages"])] == ["/", "/login"]


@pytest.mark.parametrize(
    "observation",
    [
        Observation(SITE, "api"),  # never crawled: page_context is {}
        Observation(SITE, "web", pages=(PageFacts("/", SITE + "/", 500),)),  # pages, no crawl record
        Observation(SITE, "web", login=LoginFacts(), crawl=CrawlFacts(SITE + "/")),  # crawled, 0 pages
    ],
)
def test_partial_page_facts_survive_too(observation: Observation) -> None:
    assert _round_trip(observation) == observation
    assert (page_context(observation) == {}) == (observation.kind == "api")


def test_a_page_context_of_the_wrong_shape_is_refused_naming_the_field() -> None:
    posted = inline_observation(ObservationResult(target=SITE, page_context={"login": "yes"}))
    assert posted is not None
    with pytest.raises(UsageError, match=r"Observation\.login"):
        from_json(Observation, posted)


def test_what_observation_could_not_do_survives_the_round_trip_too() -> None:
    observation = replace(_crawled(), incomplete=("page /loop never settled",))
    assert _round_trip(observation) == observation
