"""A small single-page app that answers every path with one index page, as a built React app's
static server does (tests/integration/test_spa_fallback.py).

Its script is the router: it renders a view per known route and, for any other path, "Page not
found" (``not_found_view=False``: the home view again, nothing of its own). The nav links to
/reports, a route the flawed app's router lacks and the twin's has. ``api=True`` adds one real
JSON endpoint, ``GET /api/items``, in front of the same catch-all.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

_ROUTES = {
    "/": ["Home", "Welcome to the task board. Three tasks are open."],
    "/about": ["About", "A task board for small teams, built in a weekend."],
}
_REPORTS = {"/reports": ["Reports", "Tasks closed this week: 4. Tasks opened: 2."]}

_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Task board</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/reports">Reports</a></nav>
<main id="app"></main>
<script>
const routes = ROUTES;
const notFoundView = NOT_FOUND_VIEW;
function show(path) {
  const app = document.getElementById('app');
  const known = routes[path] || (notFoundView ? null : routes['/']);
  const h1 = document.createElement('h1');
  const p = document.createElement('p');
  if (known) {
    h1.textContent = known[0];
    p.textContent = known[1];
  } else {
    h1.textContent = 'Page not found';
    p.textContent = 'Nothing lives at ' + path + '.';
  }
  app.replaceChildren(h1, p);
}
document.addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (link && link.origin === location.origin) {
    event.preventDefault();
    history.pushState({}, '', link.pathname);
    show(link.pathname);
  }
});
window.addEventListener('popstate', () => show(location.pathname));
show(location.pathname);
</script>
</body></html>
"""


def spa_fallback(*, flawed: bool, api: bool = False, not_found_view: bool = True) -> Starlette:
    routes = dict(_ROUTES) if flawed else {**_ROUTES, **_REPORTS}
    page = _INDEX.replace("NOT_FOUND_VIEW", json.dumps(not_found_view)).replace("ROUTES", json.dumps(routes))

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(page)  # whatever the path: the router in the page decides

    async def items(request: Request) -> JSONResponse:
        return JSONResponse([{"id": 1, "title": "Write the report"}, {"id": 2, "title": "Ship it"}])

    table = [Route("/api/items", items)] if api else []
    return Starlette(routes=[*table, Route("/{path:path}", index)])


def soft_404_api() -> Starlette:
    """An API whose unknown paths answer 200 with an error naming the path, and one real
    endpoint, ``GET /health``."""

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "uptime": 1234})

    async def anything(request: Request) -> JSONResponse:
        return JSONResponse({"error": "no route", "path": request.url.path, "request": id(request) % 997})

    return Starlette(routes=[Route("/health", health), Route("/{path:path}", anything)])
