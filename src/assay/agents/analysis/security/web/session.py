"""A browser-like session over a family's ProbeClient: cookies kept, same-site redirects followed.

The HTTP transport keeps no cookies and follows no redirects (each identity sends exactly what
it owns). A web form check needs both: a form's anti-forgery token is bound to the session
cookie that came with the page, and a form answers its submission with a redirect to the page
that shows the result. So the session keeps its own jar and follows redirects that stay on the
target's origin; a redirect elsewhere is never followed (its Location is the evidence).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from assay.agents.analysis.execution.auth import parse_set_cookie
from assay.agents.analysis.security.base import ProbeClient
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.target import Credentials
from assay.pages.html_forms import HtmlForm, parse_forms

FORM = "application/x-www-form-urlencoded"
MAX_HOPS = 3
_USERNAME_HINTS = ("user", "login", "email", "name", "account")


@dataclass(frozen=True)
class Submitted:
    """A form sent, and the answer: ``first`` to the submission itself, ``final`` after redirects."""

    first: Exchange
    final: Exchange


class WebSession:
    """Cookies and same-origin redirects for one identity's browsing of the target."""

    def __init__(self, client: ProbeClient, base_url: str, headers: Mapping[str, str] | None = None) -> None:
        self.client = client
        self.base_url = base_url
        self.origin = _origin(base_url)
        self.headers = dict(headers or {})  # sent on every request (a fixed credential header)
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []
        self.landed: Exchange | None = None  # the page the last successful sign-in landed on

    def url(self, path_or_url: str) -> str:
        return urljoin(self.base_url, path_or_url)

    def _request(
        self, method: str, url: str, body: str | None, headers: Mapping[str, str] | None
    ) -> RecordedRequest:
        sent = {**self.headers, **(headers or {})}
        if self.cookies and "Cookie" not in sent:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is None:
            return RecordedRequest(method, url, sent)
        return RecordedRequest(method, url, {**sent, "Content-Type": FORM}, body, True, FORM)

    def _absorb(self, exchange: Exchange) -> None:
        response = exchange.response
        raw = response.header("set-cookie") if response is not None else None
        if not raw:
            return
        self.set_cookie_headers.append(raw)
        for name, value in parse_set_cookie(raw).items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)  # cleared by the server

    async def send(
        self,
        method: str,
        path_or_url: str,
        *,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
        action: str = "",
        follow: bool = True,
    ) -> Submitted | None:
        """One request and, when ``follow``, the same-origin redirects after it (GETs, ≤ 3)."""
        url = self.url(path_or_url)
        if _origin(url) != self.origin:
            # A form may submit elsewhere (a phishing page posting to a collector on the same host,
            # another port): what a session sends, a password above all, stays on the target.
            return None
        first = await self.client.send(self._request(method, url, body, headers), action=action)
        if first is None:
            return None
        self._absorb(first)
        final = first
        for _ in range(MAX_HOPS if follow else 0):
            location = final.response.header("location") if final.response is not None else None
            if final.response is None or not 300 <= final.response.status < 400 or not location:
                break
            nxt = urljoin(final.request.url, location)
            if _origin(nxt) != self.origin:
                break  # never leave the target's origin
            hop = await self.client.send(
                self._request("GET", nxt, None, headers), action=f"{action} (redirect)"
            )
            if hop is None:
                break
            self._absorb(hop)
            final = hop
        return Submitted(first, final)

    async def get(
        self, path_or_url: str, *, headers: Mapping[str, str] | None = None, action: str = ""
    ) -> Exchange | None:
        done = await self.send("GET", path_or_url, headers=headers, action=action or "read a page")
        return done.final if done is not None else None

    async def submit(
        self,
        form: HtmlForm,
        values: Sequence[tuple[str, str]],
        *,
        headers: Mapping[str, str] | None = None,
        action: str = "",
        follow: bool = True,
    ) -> Submitted | None:
        """Send ``form`` with ``values`` the way a browser does (GET query or urlencoded POST)."""
        encoded = urlencode(list(values))
        if form.method == "get":
            base = form.action.split("#", 1)[0].split("?", 1)[0]
            url = f"{base}?{encoded}" if encoded else base
            return await self.send("GET", url, headers=headers, action=action, follow=follow)
        return await self.send(
            "POST", form.action, body=encoded, headers=headers, action=action, follow=follow
        )

    async def forms_on(self, path_or_url: str) -> tuple[Exchange | None, list[HtmlForm]]:
        """The page (fresh, so its tokens are current) and the forms it holds."""
        page = await self.get(path_or_url, action="read the page's forms")
        if page is None or page.response is None or not is_html(page):
            return page, []
        return page, parse_forms(page.response.text, page.request.url)

    async def sign_in(self, login_path: str, credentials: Credentials) -> bool:
        """Fill the sign-in form on ``login_path`` and submit it; True when the session then holds
        a cookie it did not have before and the answer is no longer the sign-in form."""
        page, forms = await self.forms_on(login_path)
        form = next((f for f in forms if f.passwords == 1), None)
        if page is None or form is None:
            return False
        before = dict(self.cookies)
        done = await self.submit(form, login_values(form, credentials), action="sign in")
        if done is None or done.final.response is None or done.final.response.status >= 400:
            return False
        still_form = is_html(done.final) and any(
            f.passwords == 1 for f in parse_forms(done.final.response.text, done.final.request.url)
        )
        if self.cookies != before and not still_form:
            self.landed = done.final
            return True
        return False


def login_values(form: HtmlForm, credentials: Credentials) -> list[tuple[str, str]]:
    """The form's own values with the password, and the user name in the likeliest text field."""
    texts = [f for f in form.fields if f.kind == "text"]
    user = next((f for f in texts if any(h in f.name.lower() for h in _USERNAME_HINTS)), None)
    user = user or (texts[0] if texts else None)
    values: list[tuple[str, str]] = []
    for name, value in form.default_values():
        field = next((f for f in form.fields if f.name == name), None)
        if field is not None and field.kind == "password":
            value = credentials.password
        elif user is not None and name == user.name:
            value = credentials.username
        values.append((name, value))
    return values


def is_html(exchange: Exchange) -> bool:
    response = exchange.response
    return response is not None and "html" in (response.header("content-type") or "").lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
