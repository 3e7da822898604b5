"""What one page showed: its console errors and its failed requests, each attributed.

The containment aborts every request to another host than the target's, so a page that pulls
jQuery from a CDN or calls an analytics API logs errors that are the blocking's doing, not the
app's: "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT" at the CDN's URL, "$ is not
defined" once the library is missing, "Failed to fetch" from the app's own ``catch`` of a call to
the other host. Those are recorded against the blocked host (:meth:`Containment.caused`, shown as
a note in the report); only what remains, the app's own code on its own origin, is the page's
``console_errors`` the ``ui_console_error`` oracle judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import ConsoleMessage, Page, Request, Response

from assay.domain.json import as_str
from assay.pages.containment import Containment, is_blocked_error
from assay.pages.extract import path_of

_IGNORED_RESOURCES = ("/favicon.ico",)
PROBES = frozenset({"HEAD", "OPTIONS"})
PROBE_REFUSALS = frozenset({404, 405, 501})  # "no such method here", not a broken page
# Resource types whose failure reaches the page's script as a rejected promise or an error event.
_CALLS = frozenset({"fetch", "xhr", "eventsource", "websocket"})
# How browsers and HTTP libraries word a network call that never got an answer.
NETWORK_FAILURE = re.compile(r"(?i)failed to fetch|network ?error|load failed|net::ERR_|ERR_NETWORK")
_URL = re.compile(r"(?:https?|wss?)://[^\s'\"<>]+")


@dataclass
class PageLog:
    """What a page showed on its console and which of its requests failed, attributed to the
    app or to the blocking of another host (see the module)."""

    containment: Containment
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uncaught: list[str] = field(default_factory=list)
    blocked_scripts: list[str] = field(default_factory=list)  # hosts whose scripts were kept out
    blocked_calls: list[str] = field(default_factory=list)  # hosts whose fetch/XHR were kept out
    own_calls_failed: bool = False  # a call to the app's own origin got no answer
    suspect: list[str] = field(default_factory=list)  # own-origin messages worded as a failed call
    # "Failed to load resource" messages with their URL, and the URLs that failed only as a probe
    # (HEAD or OPTIONS refused: how a server says it does not offer a method, asked by the app's
    # own feature detection, e.g. a wiki checking whether it may save), not as a load or a call.
    resource_errors: list[tuple[str, str]] = field(default_factory=list)
    probed: set[str] = field(default_factory=set)
    loaded_failed: set[str] = field(default_factory=set)

    def clear(self) -> None:
        """Forget what was seen so far (a new page is opened in the same tab)."""
        for seen in (self.console, self.failed, self.uncaught, self.blocked_scripts, self.blocked_calls):
            seen.clear()
        self.suspect.clear()
        self.resource_errors.clear()
        self.probed.clear()
        self.loaded_failed.clear()
        self.own_calls_failed = False

    @property
    def blocked_script(self) -> bool:
        return bool(self.blocked_scripts)

    def own(self, url: str) -> bool:
        return self.containment.allows(url) and not path_of(url).endswith(_IGNORED_RESOURCES)

    def console_errors(self) -> tuple[str, ...]:
        """The app's own errors; the ones the blocking caused go to the containment's record."""
        own = list(self.console)
        for message, url in self.resource_errors:
            if url not in self.probed or url in self.loaded_failed:
                own.append(message)
        for message in self.suspect:
            if not self.blamed_on_blocking(message, self.blocked_calls):
                own.append(message)
        for error in self.uncaught:
            # "$ is not defined" after the CDN's jQuery was blocked is the blocking's doing too.
            if "ReferenceError" in error and self.blamed_on_blocking(error, self.blocked_scripts):
                continue
            if NETWORK_FAILURE.search(error) and self.blamed_on_blocking(error, self.blocked_calls):
                continue
            own.append(error)
        return tuple(dict.fromkeys(own))

    def blamed_on_blocking(self, error: str, hosts: list[str]) -> bool:
        """Record ``error`` against ``hosts`` when one was blocked and no own call failed too."""
        if not hosts or (self.own_calls_failed and NETWORK_FAILURE.search(error)):
            return False
        for host in dict.fromkeys(hosts):
            self.containment.caused(host, error)
        return True

    def note_foreign(self, text: str, where: str) -> None:
        """A console error about another host (its URL is the message's source or in its text)."""
        urls = [where, *_URL.findall(text)]
        host = next((h for u in urls if u and (h := _host(u)) and not self.containment.allows(u)), "")
        if host:
            self.containment.caused(host, text[:300])


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def listen(page: Page, log: PageLog) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = as_str(message.location.get("url")) if message.location else ""
        text = message.text
        if (where and not log.containment.allows(where)) or log.containment.names_other_host(text):
            log.note_foreign(text, where)
        elif where and not log.own(where):
            return  # the browser's own favicon request
        elif is_blocked_error(text):
            # An abort with no URL of its own: the blocking's, whichever host it was.
            log.blamed_on_blocking(text[:300], [*log.blocked_calls, *log.blocked_scripts])
        elif NETWORK_FAILURE.search(text):
            log.suspect.append(text[:300])
        elif where and text.startswith("Failed to load resource"):
            log.resource_errors.append((text[:300], where))
        else:
            log.console.append(text[:300])

    def on_response(response: Response) -> None:
        document = response.request.resource_type == "document"
        if response.status >= 400 and not document and log.own(response.url):
            method = response.request.method
            if method in PROBES and response.status in PROBE_REFUSALS:
                log.probed.add(response.url)  # an answer to a question, not a failed load
            else:
                log.failed.append(f"{method} {path_of(response.url)} -> {response.status}")
                log.loaded_failed.add(response.url)

    def on_failed(request: Request) -> None:
        failure = request.failure or "failed"
        # A navigation cancelled (by the next one, or by the containment) is nobody's fault.
        cancelled = request.resource_type == "document" and "ERR_ABORTED" in failure
        if request.method in PROBES and "ERR_ABORTED" in failure and log.own(request.url):
            # Chromium ends a script's HEAD/OPTIONS probe so when its answer has no body to read.
            log.probed.add(request.url)
            return
        if log.own(request.url) and not is_blocked_error(failure) and not cancelled:
            log.failed.append(f"{request.method} {path_of(request.url)} -> {failure}")
            log.own_calls_failed = log.own_calls_failed or request.resource_type in _CALLS
        elif not log.containment.allows(request.url):
            kept_out = log.blocked_scripts if request.resource_type == "script" else log.blocked_calls
            if request.resource_type == "script" or request.resource_type in _CALLS:
                kept_out.append(_host(request.url))

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.uncaught.append(f"uncaught {error.name}: {error.message}"[:300]))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
