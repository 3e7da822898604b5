"""A small FastAPI app whose "continue" link redirects anywhere, and its healthy twin.

``build_redirect_app(healthy=False)``: ``GET /go?next=`` answers 302 with ``Location`` set to
whatever ``next`` says (the open redirect of login and "continue" links: CVE-2023-39968's shape).
``healthy=True``: ``/go`` follows only relative same-site paths (``/x``, never ``//x``, ``/\\x`` or
a scheme) and sends anything else home. Both have ``GET /redirect-to?url=``, documented as
redirecting to the given URL (httpbin's shape: intended, not a fault), and ``GET /items?target=``,
a parameter named like a redirect target that only filters a list.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response

ITEMS = [{"id": 1, "name": "pen", "target": "office"}, {"id": 2, "name": "mug", "target": "kitchen"}]


def safe_next(value: str) -> str:
    """``value`` when it is a path on this site, else ``/`` (what a careful app does)."""
    cleaned = "".join(c for c in value if c not in "\t\r\n").strip()
    parts = urlsplit(cleaned)
    relative = cleaned.startswith("/") and not cleaned.startswith("//") and "\\" not in cleaned
    return cleaned if relative and not parts.scheme and not parts.netloc else "/"


def build_redirect_app(healthy: bool = False) -> FastAPI:
    app = FastAPI(title="redirects", version="1.0")

    @app.get("/", summary="Home page")
    def home() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/go", summary="Continue to the next page", status_code=302, response_class=Response)
    def go(next: str = "/") -> Response:
        return RedirectResponse(safe_next(next) if healthy else next, status_code=302)

    @app.get("/redirect-to", summary="Redirects to the given URL.", status_code=302, response_class=Response)
    def redirect_to(url: str) -> Response:
        return RedirectResponse(url, status_code=302)

    @app.get("/items", summary="List items, optionally by where they go")
    def items(target: str | None = None) -> list[dict[str, object]]:
        return [i for i in ITEMS if target is None or i["target"] == target]

    return app
