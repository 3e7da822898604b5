"""A plain-JavaScript single-page shop (issue 16) with planted bugs, each switched on by name.

``spa_shop()`` is the bug-free twin; ``spa_shop({"search"})`` plants one bug (any subset works).
The client lives in ``tests/apps/spa_shop_static/`` (``app.js``, ``app.css``, ``index.html``) and
keeps all its state in localStorage (keys ``shop.products``, ``shop.notes``, ``shop.cart``): the
server has no API. Like a static host with a catch-all, every GET path other than the two assets
(``/api/users``, ``/health``, ``/anything/at/all``) answers 200 with the same index page, whose
``window.BUGS`` tells the client which bugs are on. Views: ``/`` products (search, category
filter, sort, "Add product" dialog, "Add to cart"), ``/notes`` (a form, notes kept in the browser),
``/counter``, ``/about``, anything else "Page not found" (rendered by the client, still a 200).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

STATIC = Path(__file__).with_name("spa_shop_static")

# Each bug changes one behaviour; the test that proves it is tests/integration/test_spa_shop_app.py.
BUGS: tuple[str, ...] = (
    "search",  # the search box filters on the first character of the term only
    "filter",  # category "Dairy" also shows the Vegetable items
    "sort",  # "Price: low to high" compares the price strings ("$12.00" before "$2.50")
    "create",  # a valid note is stored but the list is not re-rendered
    "required",  # an empty note is accepted: a blank item, no message
    "dialog",  # the dialog's Cancel adds the product anyway
    "counter",  # "Add to cart" adds 2 to the cart badge
    "route",  # the About nav link points to /about-us, which the router does not know
    "persist",  # notes are never written to storage, though the page says they are saved
    "history",  # popstate is ignored: after Back the URL changes, the view does not
    "stepper",  # the counter's Decrement button adds 1
)


@cache
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def spa_shop(bugs: Iterable[str] = ()) -> Starlette:
    """The shop with `bugs` planted (names from BUGS); no bugs: the twin where everything holds."""
    active = sorted(set(bugs))
    unknown = [name for name in active if name not in BUGS]
    if unknown:
        raise ValueError(f"unknown bug(s) {unknown}; known: {', '.join(BUGS)}")
    # The names are checked above, so the JSON cannot break out of the script element.
    index = _asset("index.html").replace("/*BUGS*/[]", json.dumps(active))
    no_store = {"Cache-Control": "no-store"}

    async def script(request: Request) -> Response:
        return Response(_asset("app.js"), media_type="text/javascript", headers=no_store)

    async def style(request: Request) -> Response:
        return Response(_asset("app.css"), media_type="text/css", headers=no_store)

    async def fallback(request: Request) -> Response:
        return HTMLResponse(index, headers=no_store)

    return Starlette(
        routes=[
            Route("/static/app.js", script),
            Route("/static/app.css", style),
            Route("/{path:path}", fallback),
        ]
    )
