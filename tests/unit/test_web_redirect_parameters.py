"""Which page parameters the web open-redirect family asks: from crawled pages, links, GET forms and
the sign-in page, by route shape, the sign-in page first."""

from __future__ import annotations

from assay.agents.analysis.security.web.open_redirect import PageParameter, crawled_sign_in, page_parameters
from assay.domain.json import JsonObject
from assay.domain.observation import Observation
from assay.domain.pages import LinkCheck, LoginFacts, PageFacts

ORIGIN = "http://127.0.0.1:8888"


def _observation(login: str, structure: JsonObject | None = None) -> Observation:
    links = (
        LinkCheck("/tree", "/view?url=%2Fa&x=1", "View", 200),
        LinkCheck("/tree", "/view?url=%2Fb&x=2", "View b", 200),  # the same route shape again
        LinkCheck("/tree", "/logout?next=%2F", "Log out", 302),  # ends the session: left alone
        LinkCheck("/tree", "/files?name=x", "Files", 200),  # no redirect-named parameter
    )
    pages = (
        PageFacts("/tree", f"{ORIGIN}/tree", 200, links=links),
        PageFacts("/login?next=%2Ftree", "", 200),
    )
    return Observation(
        ORIGIN, "web", pages=pages, login=LoginFacts(True, login), page_structure=structure or {}
    )


def test_the_sign_in_page_comes_first_and_one_parameter_per_route_shape() -> None:
    found = page_parameters(_observation("/login?next=%2Ftree"), ORIGIN)
    assert [(p.path, p.name, p.source) for p in found] == [
        ("/login", "next", "the sign-in page"),
        ("/view", "url", "a link on /tree"),
    ]
    assert found[1].others == (("x", "1"),)


def test_a_sign_in_page_without_next_is_given_one() -> None:
    observation = Observation(ORIGIN, "web", login=LoginFacts(True, "/accounts/login/?lang=en"))
    assert page_parameters(observation, ORIGIN) == [
        PageParameter("/accounts/login/", "next", (("lang", "en"),), "the sign-in page")
    ]


def test_get_forms_with_a_redirect_field_count_post_forms_and_other_origins_do_not() -> None:
    forms: list[JsonObject] = [
        {"action": "/search", "method": "get", "fields": [{"name": "q"}, {"name": "return_to"}]},
        {"action": "/save", "method": "post", "fields": [{"name": "next"}]},
        {"action": "https://elsewhere.example/go", "method": "get", "fields": [{"name": "next"}]},
    ]
    structure: JsonObject = {"pages": [{"path": "/tree", "forms": list(forms)}]}
    observation = Observation(ORIGIN, "web", page_structure=structure)
    assert [(p.path, p.name, p.source) for p in page_parameters(observation, ORIGIN)] == [
        ("/search", "return_to", "a GET form on /tree")
    ]


def test_a_crawled_page_with_one_password_field_is_the_sign_in_page() -> None:
    fields: list[JsonObject] = [
        {"name": "username", "type": "text"},
        {"name": "password", "type": "password"},
    ]
    signup: list[JsonObject] = [{"name": "p1", "type": "password"}, {"name": "p2", "type": "password"}]
    settings: list[JsonObject] = [{"name": n, "type": "text"} for n in ("a", "b", "c", "d")]
    settings.append({"name": "app_password", "type": "password"})
    pages: list[JsonObject] = [
        {"path": "/settings", "forms": [{"method": "post", "fields": list(settings)}]},
        {"path": "/register", "forms": [{"method": "post", "fields": list(signup)}]},
        {"path": "/admin/login/?next=/admin/", "forms": [{"method": "post", "fields": list(fields)}]},
    ]
    observation = Observation(ORIGIN, "web", page_structure={"pages": list(pages)})
    assert crawled_sign_in(observation) == "/admin/login/?next=/admin/"
    assert crawled_sign_in(Observation(ORIGIN, "web")) == ""
