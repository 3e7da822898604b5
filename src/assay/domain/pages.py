"""What the crawler recorded of each page: plain data the UI oracles judge without a browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assay.domain.affordances import Affordance

ProbeKind = Literal["submit", "click", "wrong_password"]


@dataclass(frozen=True)
class LinkCheck:
    """A same-origin link found on ``page`` and the status its target answered (0 = no answer)."""

    page: str
    href: str  # path (and query) on the target's origin
    text: str
    status: int
    # A single-page app answers 200 for any path: the route that cannot exist whose not-found
    # view the target rendered in the browser ('' when it rendered a page of its own).
    soft_404: str = ""


@dataclass(frozen=True)
class ActionProbe:
    """One action the crawler tried on a page and what visibly followed.

    ``server_statuses`` holds every 5xx status answered to a request the action caused;
    ``changed`` is True when the visible text (ignoring typed values) or the URL changed;
    ``message`` is the first new alert/status text or new visible line, '' when none.
    ``text_before`` / ``text_after`` are the page's whole visible text before the action and
    after it (read last, once the screenshot is taken), ``messages_after`` the texts of its alert,
    status and error-styled regions after it; '' / () when the probe did not record them.
    """

    page: str
    kind: ProbeKind
    element: str  # accessible name of the control that was activated
    locator: str
    steps: tuple[str, ...]
    url_before: str
    url_after: str
    status: int = 0  # the status of the document the action led to, 0 when none was loaded
    server_statuses: tuple[int, ...] = ()
    changed: bool = False
    message: str = ""
    form_still_shown: bool = False
    screenshot: str = ""
    dom_changed: bool = False  # the markup changed or a file was downloaded (feedback of another kind)
    text_before: str = ""
    text_after: str = ""
    messages_after: tuple[str, ...] = ()
    # Feedback a text diff misses: fields in an error state after the action ("email: aria-invalid",
    # "code: Please match the requested format." for a refused native validation), and the
    # messages of JavaScript dialogs (alert()) it opened.
    field_errors: tuple[str, ...] = ()
    dialogs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageFacts:
    """One crawled page."""

    path: str
    url: str
    status: int
    title: str = ""
    purpose: str = ""
    depth: int = 1
    console_errors: tuple[str, ...] = ()
    failed_requests: tuple[str, ...] = ()  # "GET /static/app.js -> 404" or "... -> net::ERR_..."
    unnamed_controls: tuple[str, ...] = ()  # short descriptions: 'input[name=q]'
    images_without_alt: tuple[str, ...] = ()  # the img's src
    links: tuple[LinkCheck, ...] = ()
    actions: tuple[ActionProbe, ...] = ()
    screenshot: str = ""
    affordances: tuple[Affordance, ...] = ()  # what the page is for (search, filter, create form...)


@dataclass(frozen=True)
class BlockedHost:
    """A host other than the target's that a page tried to reach, and how many of its requests
    the browser aborted (see :mod:`assay.adapters.browser.containment`): listed, never an app fault.

    ``errors`` are the browser errors the blocking caused on the pages ("uncaught ReferenceError:
    $ is not defined" once the CDN's jQuery was kept out, "Failed to fetch" of a call to it): a
    note for the reader, never a console-error finding."""

    host: str
    requests: int
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnsettledPage:
    """A page that stopped answering (a script that never ends, a load that never finishes)."""

    url: str
    reason: str


@dataclass(frozen=True)
class LoginFacts:
    """How the crawler's sign-in went: the form it used, and the one-time code it passed, if any."""

    signed_in: bool = False
    path: str = ""  # the sign-in page's path (and query); '' when none was found
    second_factor: str = ""  # "totp" or "email" when a one-time code was asked and given


@dataclass(frozen=True)
class DiscoveredUrl:
    """One URL on the target's origin the crawl came across, where it came from and what it did with it."""

    url: str  # path and query
    source: str  # one of URL_SOURCES
    depth: int  # navigations from the start page to the page it was found on (0: the start page itself)
    found_on: str = ""  # the page (path) or file it was found in; '' for the start URL
    method: str = "GET"  # GET but for requests a page made itself (fetch/XHR, form posts)
    status: int = -1  # what a GET answered; -1 when it was not fetched
    visited: bool = False  # opened as a page in the browser
    skipped: str = ""  # why it was not fetched or not opened; '' when it was


# Where a URL can come from, in the order a reader meets them.
URL_SOURCES = (
    "start", "anchor", "area", "frame", "form", "attribute", "meta-refresh", "header", "robots",
    "sitemap", "script", "css", "text", "network", "click", "window-open", "history", "redirect",
)  # fmt: skip


@dataclass(frozen=True)
class CrawlFacts:
    """The crawl as a whole: where it started, how long it took, what the containment closed,
    and its coverage: every URL it found, by source, with what it did with each."""

    url: str
    seconds: float = 0.0
    popups_closed: int = 0
    dialogs_dismissed: int = 0
    discovered: tuple[DiscoveredUrl, ...] = ()
    routes: int = 0  # distinct route shapes among the pages opened (/items/1 and /items/2 are one)
    forms: int = 0  # forms seen on the pages opened
    clicks: int = 0  # elements with event listeners clicked to find what they reach
    depth_reached: int = 0
