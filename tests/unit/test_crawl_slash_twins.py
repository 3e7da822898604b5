"""A page reached with and without a trailing slash is crawled once (seen on optuna-dashboard:
``/dashboard?x`` and ``/dashboard/?x`` were two pages, each with its own scenarios and findings)."""

from __future__ import annotations

from assay.agents.observation.web.crawler import PageVisit, slash_twin
from assay.domain.observation import UiElement
from assay.domain.pages import PageFacts
from assay.pages.extract import PageExtract


def _visit(path: str, title: str = "Studies", controls: tuple[str, ...] = ("#new", "#search")) -> PageVisit:
    elements = [UiElement(path, "button", c, c) for c in controls]
    return PageVisit(PageFacts(path, "http://127.0.0.1:8080" + path, 200, title), PageExtract(elements))


def test_the_same_page_a_slash_apart_is_a_twin() -> None:
    kept = [_visit("/dashboard?order=desc")]
    assert slash_twin(_visit("/dashboard/?order=desc"), kept) == "/dashboard?order=desc"
    assert slash_twin(_visit("/dashboard/"), [_visit("/dashboard")]) == "/dashboard"


def test_different_pages_stay_apart() -> None:
    kept = [_visit("/dashboard?order=desc")]
    assert slash_twin(_visit("/dashboard/?order=asc"), kept) is None  # another query
    assert slash_twin(_visit("/dashboard/?order=desc", title="Not found"), kept) is None
    assert slash_twin(_visit("/dashboard/?order=desc", controls=("#other",)), kept) is None
    assert slash_twin(_visit("/dashboards?order=desc"), kept) is None
    assert slash_twin(_visit("/dashboard?order=desc"), kept) is None  # the same path is not a twin
