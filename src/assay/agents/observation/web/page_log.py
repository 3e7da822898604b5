"""What one crawled page showed: its console errors and its failed requests, minus the containment's noise."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.async_api import ConsoleMessage, Page, Request, Response

from assay.domain.json import as_str
from assay.pages.containment import Containment, is_blocked_error
from assay.pages.extract import path_of

_IGNORED_RESOURCES = ("/favicon.ico",)


@dataclass
class PageLog:
    """What a page showed on its console and which of its requests failed, without the noise of
    the containment: a blocked (or unresolvable) third-party resource is not the page's fault."""

    containment: Containment
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uncaught: list[str] = field(default_factory=list)
    blocked_script: bool = False  # a script of another host was not loaded

    def own(self, url: str) -> bool:
        return self.containment.allows(url) and not path_of(url).endswith(_IGNORED_RESOURCES)

    def console_errors(self) -> tuple[str, ...]:
        # "$ is not defined" after the CDN's jQuery was blocked is the blocking's doing too.
        uncaught = [e for e in self.uncaught if not (self.blocked_script and "ReferenceError" in e)]
        return tuple(dict.fromkeys([*self.console, *uncaught]))


def listen(page: Page, log: PageLog) -> None:
    def on_console(message: ConsoleMessage) -> None:
        where = as_str(message.location.get("url")) if message.location else ""
        text = message.text
        if message.type != "error" or (where and not log.own(where)) or is_blocked_error(text):
            return
        if not log.containment.names_other_host(text):
            log.console.append(text[:300])

    def on_response(response: Response) -> None:
        document = response.request.resource_type == "document"
        if response.status >= 400 and not document and log.own(response.url):
            log.failed.append(f"{response.request.method} {path_of(response.url)} -> {response.status}")

    def on_failed(request: Request) -> None:
        failure = request.failure or "failed"
        # A navigation cancelled (by the next one, or by the containment) is nobody's fault.
        cancelled = request.resource_type == "document" and "ERR_ABORTED" in failure
        if log.own(request.url) and not is_blocked_error(failure) and not cancelled:
            log.failed.append(f"{request.method} {path_of(request.url)} -> {failure}")
        elif request.resource_type == "script":
            log.blocked_script = True

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.uncaught.append(f"uncaught {error.name}: {error.message}"[:300]))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
