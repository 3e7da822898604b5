"""What keeping a browser on the target's host means, as data: the host rule and what it blocked.

The browser adapter (:mod:`assay.adapters.browser.containment`) enforces it on every context it
opens; the agents read what it recorded and recognise the errors it causes (see
:func:`is_blocked_error`), and :func:`contained_get` asks for a status through a context without
leaving the host.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.async_api import BrowserContext

from assay.domain.pages import BlockedHost, UnsettledPage

_URL = re.compile(r"(?:https?|wss?)://[^\s'\"<>]+")
_NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})
# The net error Chromium reports for a request aborted by interception; the console then says
# "net::ERR_BLOCKED_BY_CLIENT", which :func:`is_blocked_error` recognises.
ABORT_REASON = "blockedbyclient"
ABORTED = "ERR_BLOCKED_BY_CLIENT"
BLOCKED_ERRORS = (ABORTED, "ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED")
MAX_CAUSED = 5


@dataclass
class Containment:
    """What the contained contexts of one run blocked, closed and dismissed."""

    target_url: str
    _blocked: Counter[str] = field(default_factory=Counter)
    _caused: dict[str, list[str]] = field(default_factory=dict)  # host -> errors its blocking caused
    unsettled: list[UnsettledPage] = field(default_factory=list)
    popups_closed: int = 0
    dialogs_dismissed: int = 0

    @property
    def host(self) -> str:
        return (urlsplit(self.target_url).hostname or "").lower()

    def allows(self, url: str) -> bool:
        """True for the target's host, and for what never touches the network (data:, blob:)."""
        parts = urlsplit(url)
        return parts.scheme not in _NETWORK_SCHEMES or (parts.hostname or "").lower() == self.host

    def names_other_host(self, text: str) -> bool:
        """True when ``text`` (a console message) names a URL of another host: it is about a
        resource the containment kept away ("WebSocket connection to 'ws://...' failed")."""
        return any(not self.allows(url) for url in _URL.findall(text))

    def block(self, url: str) -> None:
        self._blocked[(urlsplit(url).hostname or url).lower()] += 1

    def caused(self, host: str, error: str) -> None:
        """Record a browser error that blocking ``host`` caused (a few distinct ones per host)."""
        errors = self._caused.setdefault(host.lower(), [])
        if error not in errors and len(errors) < MAX_CAUSED:
            errors.append(error)

    def blocked_hosts(self) -> tuple[BlockedHost, ...]:
        """Most blocked first, then by name, each with the errors its blocking caused."""
        ranked = sorted(self._blocked.items(), key=lambda i: (-i[1], i[0]))
        return tuple(BlockedHost(h, n, tuple(self._caused.get(h, ()))) for h, n in ranked)

    def never_settled(self, url: str, reason: str) -> None:
        """Record ``url`` once; a later, graver reason replaces the first."""
        self.unsettled = [p for p in self.unsettled if p.url != url]
        self.unsettled.append(UnsettledPage(url, reason))


def is_blocked_error(text: str) -> bool:
    """True when a console message or request failure is one of the aborts above, or a host
    the sealed browser cannot resolve: the page's third party, not the page's fault."""
    return any(code in text for code in BLOCKED_ERRORS)


async def contained_get(
    context: BrowserContext, url: str, containment: Containment, max_redirects: int = 5
) -> int:
    """The status of GET ``url`` through ``context``'s request API (which the route does not
    see), following redirects only while they stay on the target's host: a redirect elsewhere
    answers its own 3xx and is not followed."""
    status = 0
    for _ in range(max_redirects + 1):
        response = await context.request.get(url, max_redirects=0, timeout=10000)
        status, location = response.status, response.headers.get("location", "")
        await response.dispose()
        following = urljoin(url, location)
        if not (300 <= status < 400 and location) or not containment.allows(following):
            return status
        url = following
    return status
