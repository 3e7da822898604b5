"""A small server-rendered site whose pages write input back, with one flaw per kind, and a twin
that escapes, sandboxes, keeps its error pages generic and sends the defensive headers (the web
reflection families' test bed).

- ``/search?q=`` shows "Results for …" (unescaped in the flawed app);
- ``/notes`` lists notes and has a form (POST ``/notes/add``) whose title is rendered through
  Jinja2 — ``Template`` in the flawed app, ``SandboxedEnvironment`` in the twin — and redirects
  back to the list (stored);
- ``?_trace=1`` on ``/report`` appends a diagnostic block with the raw query (flawed app only);
- unknown paths answer 404 "Page not found: <path>" (flawed) or "Page not found" (twin).
"""

from __future__ import annotations

import html

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

HARDENED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'",
}


def _page(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    text = f"<!doctype html><html><head><title>Site</title></head><body>{body}</body></html>"
    return HTMLResponse(text, status, headers=headers)


def reflecting_site(flawed: bool) -> Starlette:
    notes: list[str] = []
    sandbox = SandboxedEnvironment()

    def page(body: str, status: int = 200) -> HTMLResponse:
        return _page(body, status, None if flawed else HARDENED)

    def show(value: str) -> str:
        return value if flawed else html.escape(value)

    def render(title: str) -> str:
        try:
            text = Template(title).render() if flawed else sandbox.from_string(title).render()
        except Exception:  # a broken or refused template is kept as typed
            text = title
        return html.escape(text)

    async def home(request: Request) -> Response:
        links = '<a href="/search?q=tea">search</a> <a href="/notes">notes</a> <a href="/report">report</a>'
        form = (
            '<form action="/search" method="get"><input name="q" type="search"><button>Search</button></form>'
        )
        return page(links + form)

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        return page(f"<h1>Results for {show(q)}</h1><p>No results.</p>")

    async def notes_page(request: Request) -> Response:
        items = "".join(f"<li>{render(n)}</li>" for n in notes)
        form = (
            '<form action="/notes/add" method="post"><input type="hidden" name="csrf_token" value="t0k">'
            '<input name="title" type="text"><button type="submit">Add note</button></form>'
        )
        return page(f"<h1>Notes</h1><ul>{items}</ul>{form}")

    async def add_note(request: Request) -> Response:
        form = await request.form()
        notes.append(str(form.get("title", "")))
        return RedirectResponse("/notes", status_code=303)

    async def report(request: Request) -> Response:
        body = "<h1>Report</h1><p>All good.</p>"
        if flawed and request.query_params.get("_trace") == "1":
            raw = "&".join(f"{k}={v}" for k, v in request.query_params.items())
            body += (
                "<pre>"
                + ("trace: sql queries and their duration_ms, traceback of each\n" * 8)
                + raw
                + "</pre>"
            )
        return page(body)

    async def not_found(request: Request, exc: Exception) -> Response:
        return page(f"<p>Page not found: {html.escape(request.url.path) if flawed else ''}</p>", 404)

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/notes", notes_page),
        Route("/notes/add", add_note, methods=["POST"]),
        Route("/report", report),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})
