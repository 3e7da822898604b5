"""The markup rule of report.html: a value is text, escaped here, unless it is ``Html`` built here.

Pure and standard library only. Every value from the run (the target's answers, titles, paths,
evidence) goes through :func:`esc`; only these helpers and the chart renderer make ``Html``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

_BACKTICKS = re.compile(r"`([^`]+)`")


class Html(str):
    """Markup built here from escaped parts: placed as is, never escaped again."""


def esc(value: object) -> Html:
    """``value`` as HTML text, with `code spans` as <code> (markdown's verdict lines use them)."""
    if isinstance(value, Html):
        return value
    return Html(_BACKTICKS.sub(r"<code>\1</code>", html.escape(str(value), quote=True)))


def attrs(**values: object) -> str:
    """`` name="value"`` pairs, escaped (``class_`` is ``class``, ``data_x`` ``data-x``); None is left out."""
    parts = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        parts.append(f" {key}" if value is True else f' {key}="{html.escape(str(value), quote=True)}"')
    return "".join(parts)


def tag(name: str, content: object, cls: str = "", **extra: object) -> Html:
    return Html(f"<{name}{attrs(class_=cls or None, **extra)}>{esc(content)}</{name}>")


def join(parts: Iterable[object]) -> Html:
    return Html("".join(esc(p) for p in parts))


def pre(text: str, **extra: object) -> Html:
    return Html(f"<pre{attrs(**extra)}>{html.escape(text, quote=True)}</pre>")


def table(header: Sequence[str], rows: Sequence[Sequence[object]], cls: str = "") -> Html:
    head = join(tag("th", h, scope="col") for h in header)
    body = join(Html(f"<tr>{join(tag('td', cell) for cell in row)}</tr>") for row in rows)
    return Html(
        f"<table{attrs(class_=cls or None)}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def bullets(items: Iterable[object], empty: str = "none") -> Html:
    listed = [tag("li", item) for item in items]
    return Html(f"<ul>{join(listed)}</ul>") if listed else tag("p", empty)


def section(title: str, *content: object, anchor: str = "") -> Html:
    return Html(f"<section{attrs(id=anchor or None)}>{tag('h2', title)}{join(content)}</section>")


def slug(text: str) -> str:
    """An id or class made of ``text``: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"
