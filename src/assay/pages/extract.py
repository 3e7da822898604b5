"""Read one loaded page: its interactive elements with checked locators, its structure and purpose."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Page

from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.domain.observation import UiElement
from assay.pages import locators
from assay.pages.form_facts import with_form_facts
from assay.pages.page_script import COLLECT

MAX_ELEMENTS = 80
_FINGERPRINT_KEYS = ("role", "name", "text", "tag", "type", "label", "testid", "placeholder", "form")


@dataclass
class PageExtract:
    elements: list[UiElement] = field(default_factory=list)
    structure: JsonObject = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, text)
    unnamed: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    text: str = ""


async def extract_page(page: Page, path: str, max_elements: int = MAX_ELEMENTS) -> PageExtract:
    """Everything :mod:`assay.pages.page_script` reads, with each element's locator verified."""
    raw = as_object(await page.evaluate(COLLECT, max_elements))
    out = PageExtract(
        structure=await with_form_facts(page, as_object(raw.get("structure"))),
        unnamed=[as_str(u) for u in as_list(raw.get("unnamed"))],
        images_without_alt=[as_str(u) for u in as_list(raw.get("noAlt"))],
        text=as_str(raw.get("text")),
    )
    for link in as_list(raw.get("links")):
        item = as_object(link)
        out.links.append((as_str(item.get("href")), as_str(item.get("text"))))
    elements = [as_object(e) for e in as_list(raw.get("elements"))]
    # Every element's candidates are checked at once: one round trip's wait for all, not one each.
    chosen = await asyncio.gather(*(choose_locator(page, e) for e in elements))
    out.elements.extend(to_ui_element(path, e, locator) for e, locator in zip(elements, chosen, strict=True))
    return out


def candidate_locators(element: JsonObject) -> list[str]:
    """Locator code for ``element``, best first: role+name, label, test id, placeholder, CSS path."""
    role, name = as_str(element.get("role")), as_str(element.get("name"))
    found: list[str] = []
    if role and name and role not in {"img"}:
        found.append(locators.by_role(role, name))
    if as_str(element.get("label")):
        found.append(locators.by_label(as_str(element.get("label"))))
    if as_str(element.get("testid")):
        found.append(locators.by_test_id(as_str(element.get("testid"))))
    if as_str(element.get("placeholder")):
        found.append(locators.by_placeholder(as_str(element.get("placeholder"))))
    found.append(locators.by_css(as_str(element.get("css")) or as_str(element.get("tag"), "body")))
    return found


async def choose_locator(page: Page, element: JsonObject) -> str:
    """The first candidate that matches exactly one element on ``page``."""
    candidates = candidate_locators(element)
    if element.get("plainUniqueRole") is True and candidates[0].startswith("page.get_by_role("):
        return candidates[0]  # unique by the page script's count, with a name Playwright reads alike
    for code in candidates:
        try:
            if await locators.resolve(page, code).count() == 1:
                return code
        except Exception:  # an odd name can make a selector invalid; try the next candidate
            continue
    return candidates[-1]


def fingerprint(element: JsonObject) -> JsonObject:
    """What healing compares: role, name, text, attributes and neighbours."""
    fp: JsonObject = {key: element.get(key, "") for key in _FINGERPRINT_KEYS}
    attributes: JsonObject = dict(as_object(element.get("attrs")))
    fp["attributes"] = attributes
    fp["neighbours"] = {k: element.get(k, "") for k in ("before", "after", "heading")}
    fp["css"] = element.get("css", "")
    return fp


def to_ui_element(path: str, element: JsonObject, locator: str) -> UiElement:
    constraints: JsonObject = dict(as_object(element.get("constraints")))
    return UiElement(
        page=path,
        role=as_str(element.get("role")),
        name=as_str(element.get("name")),
        locator=locator,
        tag=as_str(element.get("tag")),
        input_type=as_str(element.get("type")),
        required=element.get("required") is True,
        constraints=constraints,
        fingerprint=fingerprint(element),
    )


def purpose(title: str, text: str, structure: JsonObject, path: str) -> str:
    """What the page is for: login, search, form, list, detail, dashboard or content."""
    forms = [as_object(f) for f in as_list(structure.get("forms"))]
    types = {as_str(as_object(x).get("type")) for f in forms for x in as_list(f.get("fields"))}
    head = f"{title} {path}".lower()
    if "password" in types:
        return "login"
    if "search" in types or re.search(r"\bsearch\b", head):
        return "search"
    if re.search(r"\b(dashboard|overview)\b", head):
        return "dashboard"
    if forms:
        return "form"
    if text.count("\n") > 8 and re.search(r"/\d+/?$|/[0-9a-f-]{8,}/?$", path) is None:
        return "list"
    return "detail" if re.search(r"/\d+/?$|/[0-9a-f-]{8,}/?$", path) else "content"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def structure_summary(structure: JsonObject) -> dict[str, Json]:
    return {key: structure.get(key, []) for key in ("landmarks", "headings", "forms", "nav")}
