"""A small site of pages with browser-side faults, each with a twin page that has none.

For the attribution of UI faults (``tests/integration/test_ui_attribution.py``):

- ``/widgets`` loads jQuery from a CDN (another host: the containment blocks it), calls ``$``
  and logs a failed ``fetch`` to another host: all of it the blocking's doing, never the app's;
  it also asks its own server ``OPTIONS``/``HEAD /store`` (404: a capability probe refused);
- ``/dashboard`` runs its own script, which throws on the flawed site (``/static/app.js`` calls
  an undefined function) and not on the twin;
- ``/signup`` validates in script: it marks the e-mail field ``aria-invalid`` and puts the
  message in an ``aria-live`` region (no alert role, no navigation): feedback, not silence;
- ``/contact`` swallows its submission on the flawed site (nothing visible changes) and shows
  "Thanks, we got your message" on the twin;
- ``/signin`` answers a wrong password only by marking the password field ``aria-invalid``
  (its style outlines it in red): no text at all, yet the user sees the field refused;
- ``/newsletter`` has a ``pattern`` the sample value cannot meet: the browser refuses the
  submission and shows its own validation bubble (``:invalid`` + ``validationMessage``).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

NAV = (
    '<nav><a href="/widgets">Widgets</a> <a href="/dashboard">Dashboard</a> '
    '<a href="/signup">Sign up</a> <a href="/contact">Contact</a> '
    '<a href="/newsletter">Newsletter</a> <a href="/signin">Sign in</a></nav>'
)


THEME_SWITCH = (
    '<button id="theme" type="button">Toggle dark mode</button>'
    "<script>document.getElementById('theme').addEventListener('click', () => {"
    " document.documentElement.dataset.theme = 'dark'; });</script>"
)


def _page(title: str, body: str) -> HTMLResponse:
    text = (
        f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
        f"<body>{NAV}<main><h1>{title}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(text)


WIDGETS = """
<p>Our widgets.</p>
<script src="https://cdn.example-assets.test/jquery.min.js"></script>
<script>
  fetch("https://api.example-metrics.test/hit").catch((err) => console.error("metrics:", err.message));
  // Feature detection, as a wiki asks whether it may save: the server's "no" is no fault.
  fetch("/store", { method: "OPTIONS" });
  fetch("/store", { method: "HEAD" });
  $(function () { document.title = "Widgets"; });
</script>
"""

SIGNUP = """
<form id="signup" novalidate>
  <label for="email">E-mail</label> <input id="email" name="email" type="text"
    aria-describedby="email-msg">
  <span id="email-msg" aria-live="polite"></span>
  <button type="submit">Create account</button>
</form>
<script>
  document.getElementById("signup").addEventListener("submit", (event) => {
    event.preventDefault();
    const email = document.getElementById("email");
    email.setAttribute("aria-invalid", "true");
    document.getElementById("email-msg").textContent = "Use your work address";
  });
</script>
"""

SIGNIN = """
<style>[aria-invalid=true] { outline: 3px solid #c00; }</style>
<form id="signin" method="post" action="/signin">
  <label for="user">E-mail</label> <input id="user" name="username" type="email" autocomplete="username">
  <label for="pw">Password</label> <input id="pw" name="password" type="password"
    autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>
<script>
  document.getElementById("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    document.getElementById("pw").setAttribute("aria-invalid", "true");
  });
</script>
"""

NEWSLETTER = """
<form method="post" action="/newsletter">
  <label for="code">Invitation code</label>
  <input id="code" name="code" type="text" required pattern="INV-[0-9]{6}-[A-Z]{4}">
  <button type="submit">Join</button>
</form>
"""


def _contact(flawed: bool) -> str:
    answer = "" if flawed else 'document.getElementById("done").textContent = "Thanks, we got your message";'
    return f"""
<form id="contact">
  <label for="message">Message</label> <input id="message" name="message" type="text">
  <button type="submit">Send</button>
</form>
<p id="done"></p>
<script>
  document.getElementById("contact").addEventListener("submit", (event) => {{
    event.preventDefault();
    {answer}
  }});
</script>
"""


def ui_fault_site(flawed: bool) -> Starlette:
    """The site (see the module); ``flawed=False`` is the twin without the app's own faults."""

    async def home(_: Request) -> Response:
        # A theme switch marks <html>, not the body: visible, so never a silent failure.
        return _page("Home", "<p>Welcome.</p>" + THEME_SWITCH)

    async def widgets(_: Request) -> Response:
        return _page("Widgets", WIDGETS)

    async def dashboard(_: Request) -> Response:
        return _page("Dashboard", '<p id="out">Numbers</p><script src="/static/app.js"></script>')

    async def app_js(_: Request) -> Response:
        body = "renderChart(document.getElementById('out'));" if flawed else "document.title = 'Dashboard';"
        return PlainTextResponse(body, media_type="application/javascript")

    async def signup(_: Request) -> Response:
        return _page("Sign up", SIGNUP)

    async def contact(_: Request) -> Response:
        return _page("Contact", _contact(flawed))

    async def signin(_: Request) -> Response:
        return _page("Sign in", SIGNIN)

    async def newsletter(request: Request) -> Response:
        if request.method == "POST":
            return _page("Newsletter", "<p>You are on the list.</p>")
        return _page("Newsletter", NEWSLETTER)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/widgets", widgets),
            Route("/dashboard", dashboard),
            Route("/static/app.js", app_js),
            Route("/signup", signup),
            Route("/contact", contact),
            Route("/signin", signin, methods=["GET", "POST"]),
            Route("/newsletter", newsletter, methods=["GET", "POST"]),
        ]
    )
