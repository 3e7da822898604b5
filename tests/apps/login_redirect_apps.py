"""A small server-rendered app whose sign-in page sends a signed-in visitor to ``next``, checked as
Jupyter Server 2.7.1 checked it, and its fixed twin (2.7.2's check). No OpenAPI spec: the pages are
only what a crawl sees.

- ``GET /``: links to ``/login`` (no ``next``), ``/continue?return=%2Fhome`` and ``/logout?next=%2F``.
- ``GET /login``: a visitor signed in (``Authorization: token <TOKEN>``, or the cookie
  ``POST /login`` sets for the password ``TOKEN``) is sent to ``next``; anyone else gets the form.
  Faulty: the advisory's ``urlparse`` check: no netloc and a path under ``/`` is "on site", so
  ``https:///evil`` and ``/\\evil`` pass (GHSA-r726-vmfq-j9j3). Fixed: ``\\`` escaped and any
  ``scheme:/*`` collapsed to ``scheme://`` first, and any scheme refused.
- ``GET /continue?return=``: faulty, redirects anyone anywhere; fixed, the same check.
- ``GET /logout?next=``: ends the session, then redirects anywhere (in both): a prober must not
  follow a link that signs out, so it never finds this one.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

TOKEN = "s3cret-token"
COOKIE = "signed"


def redirect_safe(url: str, fixed: bool) -> str:
    """Where the app sends the visitor for ``url``: ``url`` itself or home."""
    if fixed:
        url = url.replace("\\", "%5C")
        if ":" in url:
            scheme, _, rest = url.partition(":")
            url = f"{scheme}://{rest.lstrip('/')}"
    parsed = urlparse(url)
    if (fixed and parsed.scheme) or parsed.netloc or not (parsed.path + "/").startswith("/"):
        return "/"
    return url


def _redirect(url: str) -> Response:
    # Written by hand: Starlette's RedirectResponse would percent-quote the backslash.
    return Response(status_code=302, headers={"location": url})


def build_login_redirect_app(fixed: bool = False) -> Starlette:
    def signed_in(request: Request) -> bool:
        return request.headers.get("authorization") == f"token {TOKEN}" or request.cookies.get(COOKIE) == "1"

    async def home(request: Request) -> Response:
        return HTMLResponse(
            "<html><head><title>Home</title></head><body><h1>Home</h1>"
            '<a href="/login">Sign in</a> <a href="/continue?return=%2Fhome">Continue</a> '
            '<a href="/logout?next=%2F">Sign out</a></body></html>'
        )

    async def login(request: Request) -> Response:
        target = request.query_params.get("next", "/")
        if request.method == "POST":
            form = parse_qs((await request.body()).decode())
            if form.get("password") == [TOKEN]:
                response = _redirect(redirect_safe(target, fixed))
                response.set_cookie(COOKIE, "1", httponly=True)
                return response
        elif signed_in(request):
            return _redirect(redirect_safe(target, fixed))
        return HTMLResponse(
            "<html><head><title>Sign in</title></head><body><form method='post'>"
            "<label>Password <input type='password' name='password'></label>"
            "<button type='submit'>Log in</button></form></body></html>"
        )

    async def go_on(request: Request) -> Response:
        target = request.query_params.get("return", "/")
        return _redirect(redirect_safe(target, True) if fixed else target)

    async def logout(request: Request) -> Response:
        response = _redirect(request.query_params.get("next", "/"))
        response.delete_cookie(COOKIE)
        return response

    return Starlette(
        routes=[
            Route("/", home),
            Route("/login", login, methods=["GET", "POST"]),
            Route("/continue", go_on),
            Route("/logout", logout),
        ]
    )
