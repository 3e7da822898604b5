"""The app's not-found view and the link targets that render it (the pure half of
agents/observation/web/not_found.py; tests/integration/test_spa_fallback.py runs it in Chromium)."""

from __future__ import annotations

from assay.agents.observation.web.not_found import Rendered, renders, view_of

NAV = "Home About Reports"
ABSENT = "/assay-absent-0123456789"
START = Rendered("/", "/", f"{NAV}\nHome\nWelcome to the board.", "Home")


def _not_found(path: str) -> Rendered:
    return Rendered(path, path, f"{NAV}\nPage not found\nNothing lives at {path}.", "Page not found")


def test_a_route_the_router_lacks_renders_the_view_whatever_its_path() -> None:
    view = view_of(_not_found(ABSENT), START)
    assert view is not None and view.path == ABSENT
    assert renders(view, _not_found("/reports"))
    assert not renders(view, Rendered("/about", "/about", f"{NAV}\nAbout\nA board for teams.", "About"))
    assert not renders(view, START)


def test_the_same_not_found_heading_is_enough() -> None:
    view = view_of(_not_found(ABSENT), START)
    assert view is not None
    other = Rendered("/old", "/old", f"{NAV}\nPage not found\nTry the search.\nLatest: x", "Page not found")
    assert renders(view, other)


def test_a_shared_heading_without_not_found_wording_is_not_enough() -> None:
    absent = Rendered(ABSENT, ABSENT, f"{NAV}\nTask board\nOops, nothing here.", "Task board")
    view = view_of(absent, START)
    assert view is not None
    assert not renders(view, Rendered("/reports", "/reports", f"{NAV}\nTask board\n4 closed", "Task board"))


def test_no_view_when_unknown_routes_render_nothing_of_their_own() -> None:
    assert view_of(Rendered(ABSENT, ABSENT, START.text, "Home"), START) is None  # the start page again
    assert view_of(Rendered(ABSENT, ABSENT, NAV, ""), START) is None  # only the shell
    assert view_of(Rendered(ABSENT, ABSENT, "", ""), START) is None
    assert view_of(Rendered(ABSENT, "/login", f"{NAV}\nSign in", "Sign in"), START) is None  # sent elsewhere
    assert view_of(Rendered(ABSENT, ABSENT, _not_found(ABSENT).text, "", status=404), START) is None


def test_a_redirect_to_a_not_found_route_is_a_view() -> None:
    redirected = Rendered(ABSENT, "/404", f"{NAV}\n404\nThis page does not exist.", "404")
    view = view_of(redirected, START)
    assert view is not None
    assert renders(view, Rendered("/reports", "/404", redirected.text, "404"))
    assert renders(view, Rendered("/gone", "/404", f"{NAV}\n404\nLooked for /gone", "404"))  # the heading
