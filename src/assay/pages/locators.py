"""Locators as Playwright Python code (``page.get_by_role("button", name="Save")``).

The code string is what the report shows and the generated tests contain; :func:`parse` reads it
back (only a whitelist of locator methods, never ``eval``) so the executor can replay it.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from playwright.async_api import Locator, Page

_METHODS = frozenset(
    {
        "get_by_role",
        "get_by_label",
        "get_by_test_id",
        "get_by_placeholder",
        "get_by_text",
        "locator",
        "nth",
        "filter",
    }
)
_Arg = str | int | bool


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[_Arg, ...]
    kwargs: tuple[tuple[str, _Arg], ...]


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def quoted(value: str) -> str:
    """``value`` as a Python string literal inside locator code."""
    return _q(value)


def by_role(role: str, name: str) -> str:
    return f"page.get_by_role({_q(role)}, name={_q(name)}, exact=True)"


def by_label(label: str) -> str:
    return f"page.get_by_label({_q(label)}, exact=True)"


def by_test_id(test_id: str) -> str:
    return f"page.get_by_test_id({_q(test_id)})"


def by_placeholder(text: str) -> str:
    return f"page.get_by_placeholder({_q(text)}, exact=True)"


def by_css(css: str) -> str:
    return f"page.locator({_q(css)})"


def parse(code: str) -> tuple[Call, ...]:
    """The chain of locator calls in ``code``; ValueError for anything else."""
    node = ast.parse(code.strip(), mode="eval").body
    calls: list[Call] = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr not in _METHODS:
            raise ValueError(f"not a locator method: {node.func.attr}")
        args = tuple(_literal(a) for a in node.args)
        kwargs = tuple((k.arg or "", _literal(k.value)) for k in node.keywords)
        calls.append(Call(node.func.attr, args, kwargs))
        node = node.func.value
    if not (isinstance(node, ast.Name) and node.id == "page") or not calls:
        raise ValueError(f"not a locator on page: {code}")
    return tuple(reversed(calls))


def _literal(node: ast.expr) -> _Arg:
    value = ast.literal_eval(node)
    if not isinstance(value, str | int | bool):
        raise ValueError("locator arguments must be strings, numbers or booleans")
    return value


def resolve(page: Page, code: str) -> Locator:
    """The Playwright locator ``code`` describes on ``page``."""
    calls = parse(code)
    current: Page | Locator = page
    for call in calls:
        kwargs = dict(call.kwargs)
        if call.method == "nth" and isinstance(current, Locator):
            current = current.nth(int(call.args[0]))
            continue
        method = getattr(current, call.method)
        current = method(*call.args, **kwargs)
    if not isinstance(current, Locator):
        raise ValueError(f"not a locator: {code}")
    return current
