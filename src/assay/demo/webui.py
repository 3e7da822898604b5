# ruff: noqa: E501
"""The demo's small web UI under /ui, with one planted fault per UI finding category.

Planted faults (everything else is meant to be healthy):
- ui_broken_link:    /ui/items links "Archived item" to /ui/items/99, which answers 404
- ui_console_error:  /ui/reports throws a TypeError from its inline script
- ui_server_error:   submitting the /ui/contact form answers 500
- ui_accessibility:  /ui/search has a search box with no label, an icon button with no name,
                     and an image with no alt text
- ui_silent_failure: a wrong password on /ui/login re-shows the form with no error message

``WebUiState.button_variant`` changes the "Save draft" button on /ui/settings between an
observation and an execution (the healing tests): "renamed" gives it another test id and text,
"changed" makes it do something else, "renamed_changed" both.

No ``from __future__ import annotations``: FastAPI reads the parameter annotations.
"""

import html
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

ButtonVariant = Literal["original", "renamed", "changed", "renamed_changed"]
UI_PLANTED_FAULTS: dict[str, str] = {
    "ui_broken_link": "/ui/items",
    "ui_console_error": "/ui/reports",
    "ui_server_error": "/ui/contact",
    "ui_accessibility": "/ui/search",
    "ui_silent_failure": "/ui/login",
}
_COOKIE = "ui_session"
_ITEMS = {1: "Starter plan", 2: "5G unlimited plan", 3: "Family plan"}


@dataclass
class WebUiState:
    username: str = "demo"
    password: str = field(default="demo-pass-123", repr=False)
    button_variant: ButtonVariant = "original"
    sessions: set[str] = field(default_factory=set)


def _nav() -> str:
    links = [
        ("Home", "/ui/"),
        ("Items", "/ui/items"),
        ("Search", "/ui/search"),
        ("Contact", "/ui/contact"),
        ("Reports", "/ui/reports"),
        ("Settings", "/ui/settings"),
        ("Sign in", "/ui/login"),
    ]
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links)
    return f'<header><nav aria-label="Main"><ul>{items}</ul></nav></header>'


def _page(title: str, body: str, status: int = 200, script: str = "") -> HTMLResponse:
    doc = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<link rel="icon" href="data:,"></head><body>{_nav()}<main><h1>{html.escape(title)}</h1>{body}</main>'
        f"<footer><p>assay demo</p></footer>{script}</body></html>"
    )
    return HTMLResponse(doc, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _login_form() -> str:
    return (
        '<form method="post" action="/ui/login"><p><label for="username">Username</label>'
        '<input id="username" name="username" required autocomplete="username"></p>'
        '<p><label for="password">Password</label><input id="password" name="password" type="password" required>'
        '</p><button type="submit">Sign in</button></form>'
    )


def _settings_body(state: WebUiState, message: str = "", error: str = "") -> str:
    renamed = state.button_variant in ("renamed", "renamed_changed")
    changed = state.button_variant in ("changed", "renamed_changed")
    test_id, label = ("keep-draft", "Keep draft") if renamed else ("save-draft", "Save draft")
    outcome = "Draft discarded" if changed else "Draft saved"
    alert = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    status = f'<p role="status">{html.escape(message)}</p>' if message else ""
    return (
        f'{alert}{status}<form method="post" action="/ui/settings"><p><label for="display">Display name</label>'
        '<input id="display" name="display_name" required maxlength="30"></p>'
        '<p><label for="bio">Bio</label><textarea id="bio" name="bio" maxlength="200"></textarea></p>'
        '<button type="submit">Save settings</button></form>'
        f'<section aria-label="Drafts"><h2>Drafts</h2><p>Keep your unsaved changes.</p>'
        f'<button type="button" data-testid="{test_id}" class="draft-button" '
        f"onclick=\"document.getElementById('draft-status').textContent='{outcome}'\">{label}</button>"
        '<p id="draft-status" role="status"></p></section>'
    )


def add_web_ui(app: FastAPI, state: WebUiState | None = None) -> WebUiState:
    """Mount the /ui pages on ``app``; returns the state the tests may change."""
    ui = state or WebUiState()
    _content_routes(app)
    _form_routes(app, ui)
    return ui


def _content_routes(app: FastAPI) -> None:
    @app.get("/ui/", response_class=HTMLResponse, include_in_schema=False)
    def ui_home() -> HTMLResponse:
        return _page("Demo shop", "<p>Browse plans, search, or contact us.</p>")

    @app.get("/ui/items", response_class=HTMLResponse, include_in_schema=False)
    def ui_items() -> HTMLResponse:
        rows = "".join(f'<li><a href="/ui/items/{i}">{html.escape(n)}</a></li>' for i, n in _ITEMS.items())
        return _page("Plans", f'<ul>{rows}<li><a href="/ui/items/99">Archived item</a></li></ul>')

    @app.get("/ui/items/{item_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_item(item_id: int) -> HTMLResponse:
        if item_id not in _ITEMS:
            return _page("Not found", "<p>No such plan.</p>", status=404)
        return _page(_ITEMS[item_id], f'<p>Plan {item_id}.</p><a href="/ui/items">Back to plans</a>')

    @app.get("/ui/search", response_class=HTMLResponse, include_in_schema=False)
    def ui_search(q: str = "") -> HTMLResponse:
        hits = [n for n in _ITEMS.values() if q and q.lower() in n.lower()]
        found = "".join(f"<li>{html.escape(n)}</li>" for n in hits)
        result = f"<p>{len(hits)} results for {html.escape(q)}</p><ul>{found}</ul>" if q else ""
        form = (
            '<form role="search" action="/ui/search"><input type="search" name="q">'
            '<button type="submit"><img src="/ui/icon.svg"></button></form>'
        )
        return _page("Search plans", form + result)

    @app.get("/ui/icon.svg", include_in_schema=False)
    def ui_icon() -> Response:
        svg = '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12"><circle cx="6" cy="6" r="5"/></svg>'
        return Response(svg, media_type="image/svg+xml")

    @app.get("/ui/reports", response_class=HTMLResponse, include_in_schema=False)
    def ui_reports() -> HTMLResponse:
        script = "<script>document.getElementById('chart').dataset.values.split(',');</script>"
        return _page("Reports", "<p>Monthly usage.</p>", script=script)


def _form_routes(app: FastAPI, ui: WebUiState) -> None:
    @app.get("/ui/login", response_class=HTMLResponse, include_in_schema=False)
    def ui_login() -> HTMLResponse:
        return _page("Sign in", _login_form())

    @app.post("/ui/login", include_in_schema=False)
    async def ui_login_post(request: Request) -> Response:
        form = await _form(request)
        if form.get("username") == ui.username and form.get("password") == ui.password:
            token = secrets.token_urlsafe(16)
            ui.sessions.add(token)
            response = RedirectResponse("/ui/dashboard", status_code=303)
            response.set_cookie(_COOKIE, token, httponly=True)
            return response
        return _page("Sign in", _login_form())  # planted: no error message

    @app.get("/ui/dashboard", include_in_schema=False)
    def ui_dashboard(request: Request) -> Response:
        if request.cookies.get(_COOKIE) not in ui.sessions:
            return RedirectResponse("/ui/login", status_code=303)
        return _page(
            "Dashboard", f'<p>Welcome back, {html.escape(ui.username)}.</p><a href="/ui/logout">Log out</a>'
        )

    @app.get("/ui/logout", include_in_schema=False)
    def ui_logout(request: Request) -> Response:
        ui.sessions.discard(request.cookies.get(_COOKIE, ""))
        return RedirectResponse("/ui/login", status_code=303)

    @app.get("/ui/contact", response_class=HTMLResponse, include_in_schema=False)
    def ui_contact() -> HTMLResponse:
        form = (
            '<form method="post" action="/ui/contact"><p><label for="name">Name</label>'
            '<input id="name" name="name" required maxlength="40"></p><p><label for="email">Email</label>'
            '<input id="email" name="email" type="email" required></p><p><label for="message">Message</label>'
            '<textarea id="message" name="message" maxlength="500"></textarea></p>'
            '<button type="submit">Send message</button></form>'
        )
        return _page("Contact us", form)

    @app.post("/ui/contact", include_in_schema=False)
    def ui_contact_post() -> Response:
        return HTMLResponse("<h1>Internal Server Error</h1>", status_code=500)  # planted

    @app.get("/ui/settings", response_class=HTMLResponse, include_in_schema=False)
    def ui_settings() -> HTMLResponse:
        return _page("Settings", _settings_body(ui))

    @app.post("/ui/settings", include_in_schema=False)
    async def ui_settings_post(request: Request) -> HTMLResponse:
        form = await _form(request)
        name = form.get("display_name", "").strip()
        if not name or len(name) > 30:
            return _page(
                "Settings", _settings_body(ui, error="Display name is required (at most 30 characters).")
            )
        return _page("Settings", _settings_body(ui, message=f"Settings saved for {name}."))
