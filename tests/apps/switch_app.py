"""A tiny settings page with a theme switch that changes between observation and execution.

``SwitchState.variant`` is "observed" (the page the scenario was written from: a switch "Dark
mode", test id ``dark-toggle``, first in its list) or "changed" (the same switch renamed "Night
theme", test id ``theme-switch``, moved last, among look-alike switches): its text, test id and
position all changed, so neither the stored locator (tier 1) nor fingerprint healing (tier 2)
finds it. Clicking it shows "Theme: dark". A "Delete account" button beside them must never be
clicked: ``SwitchState.deletes`` counts the POSTs it would send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flask import Flask, Response

from tests.apps.servers import WSGIServerThread

Variant = Literal["observed", "changed"]
_SCRIPT = """<script>
for (const s of document.querySelectorAll('[role=switch]')) {
  s.addEventListener('click', () => {
    const on = s.getAttribute('aria-checked') !== 'true';
    s.setAttribute('aria-checked', String(on));
    if (s.dataset.theme) document.getElementById('status').textContent = 'Theme: ' + (on ? 'dark' : 'light');
  });
}
</script>"""


@dataclass
class SwitchState:
    variant: Variant = "observed"
    deletes: int = 0


def _switch(label: str, testid: str, theme: bool = False) -> str:
    data = ' data-theme="1"' if theme else ""
    return (
        f'<li><button type="button" role="switch" aria-checked="false" data-testid="{testid}"{data}>'
        f"{label}</button></li>"
    )


def _page(state: SwitchState) -> str:
    if state.variant == "observed":
        switches = _switch("Dark mode", "dark-toggle", theme=True) + _switch("Email alerts", "alerts")
    else:
        switches = (
            _switch("Email alerts", "alerts")
            + _switch("Compact view", "compact")
            + _switch("Sound effects", "sounds")
            + _switch("Night theme", "theme-switch", theme=True)
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Settings</title>'
        '<link rel="icon" href="data:,"></head><body><main><h1>Settings</h1>'
        f"<section><h2>Preferences</h2><ul>{switches}</ul></section>"
        '<p id="status" role="status">Theme: light</p>'
        '<form method="post" action="/account/delete">'
        '<button class="btn-danger">Delete account</button></form>'
        f"</main>{_SCRIPT}</body></html>"
    )


def start_switch_app() -> tuple[WSGIServerThread, SwitchState]:
    state = SwitchState()
    app = Flask("switch-app")

    @app.get("/settings")
    def settings() -> Response:
        return Response(_page(state), mimetype="text/html")

    @app.post("/account/delete")
    def delete() -> Response:
        state.deletes += 1
        return Response("deleted", mimetype="text/plain")

    return WSGIServerThread(app), state
