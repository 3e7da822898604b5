"""A login described step by step, as a Web Fuzzing Commons auth file describes it.

Most logins assay finds by itself (the spec's login operation, a sign-in form). A WFC file says
exactly how instead: which endpoint to call with which verb, body and headers, where the token is
in the answer (a JSON pointer into the body, or a header), and how to send it on later requests
(a header or query parameter, through a ``{token}`` template), or that the answer sets cookies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class TokenRecipe:
    """Where the token is in the login's answer, and how later requests carry it."""

    extract_from: Literal["body", "header"] = "body"
    selector: str = ""  # a JSON pointer (``/data/token``) into the body, or a header name
    send_in: Literal["header", "query"] = "header"
    send_name: str = "Authorization"
    template: str = "{token}"  # e.g. ``Bearer {token}``

    def value(self, token: str) -> str:
        return self.template.replace("{token}", token)


@dataclass(frozen=True)
class LoginRecipe:
    """One login request and what to take from its answer. No secret appears in a repr."""

    method: str
    endpoint: str = ""  # a path on the target (``/api/login``)...
    url: str = ""  # ... or an absolute URL (the host policy still applies: only the target's host)
    body: str | None = field(default=None, repr=False)  # the payload exactly as sent
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    token: TokenRecipe | None = None
    expect_cookies: bool = False

    @property
    def secrets(self) -> tuple[str, ...]:
        """The login's header values (a Basic or API-key header is a credential) and its body (a raw
        payload may hold a password under a name assay does not know)."""
        values = (*(value for _, value in self.headers), self.body or "")
        return tuple(v for v in values if len(v) >= 4)
