# ruff: noqa: E501
"""The URLs a live page reaches beyond its markup: requests it makes, History API and hash routes,
``window.open``, and what clicking its elements with event listeners does.

:data:`INIT_SCRIPT` runs in every document before the page's own scripts. It records
``pushState``/``replaceState``/``hashchange`` and ``window.open`` targets, and which elements get
click listeners, without changing what the page does (the calls go through). :func:`explore_clicks`
then clicks those elements one by one, newest first, so a button that appears after a first click
(a menu, a "show more") is clicked next. While it does so, no write leaves the browser: a POST,
PUT, PATCH or DELETE the page attempts is recorded and answered locally with an empty 204, and a
navigation the link rule refuses (log out, delete, restart) is aborted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urldefrag

from playwright.async_api import Page, Request, Route

from assay.agents import run_clock
from assay.domain.action_safety import ActionPolicy, judge_button, judge_link, origin_of
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.pages.form_facts import button_control
from assay.pages.url_sources import FoundUrl

INIT_SCRIPT = r"""
(() => {
  if (window.__assay) return;
  const rec = window.__assay = {urls: [], listeners: new WeakSet()};
  const note = (u, source) => { try { rec.urls.push([String(new URL(u, location.href)), source]); } catch (e) {} };
  const push = history.pushState, replace = history.replaceState;
  history.pushState = function (s, t, u) { if (u != null) note(u, 'history'); return push.apply(this, arguments); };
  history.replaceState = function (s, t, u) { if (u != null) note(u, 'history'); return replace.apply(this, arguments); };
  window.addEventListener('hashchange', () => note(location.href, 'history'));
  const open = window.open;
  window.open = function (u) { if (u) note(u, 'window-open'); return open.apply(this, arguments); };
  const add = EventTarget.prototype.addEventListener;
  const clicks = /^(click|dblclick|mousedown|mouseup|pointerdown|pointerup|touchstart|keydown)$/;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    if (this instanceof Element && clicks.test(type)) rec.listeners.add(this);
    return add.call(this, type, fn, opts);
  };
})();
"""

RECORDED = "() => (window.__assay ? window.__assay.urls : [])"

# Clickable elements that are not plain links or form submissions, newest (last in the DOM) last.
CANDIDATES = r"""
() => {
  const rec = window.__assay || {listeners: new WeakSet()};
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const visible = (el) => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  const cssPath = (el) => { const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
      if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
      let i = 1; for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
      parts.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')'); }
    return parts.join(' > '); };
  const out = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const tag = el.tagName.toLowerCase(); const type = (el.getAttribute('type') || '').toLowerCase();
    const href = el.getAttribute('href');
    if (tag === 'a' && href && !/^(#|javascript:)/i.test(href)) continue;  // the crawl follows it
    if (['input', 'select', 'textarea', 'option', 'label', 'form'].includes(tag) && !['button', 'image'].includes(type)) continue;
    if (el.closest('form') && (type === 'submit' || (tag === 'button' && !type))) continue;  // the form probes' business
    const listens = rec.listeners.has(el) || el.hasAttribute('onclick') || typeof el.onclick === 'function';
    const role = el.getAttribute('role') || '';
    const pointer = getComputedStyle(el).cursor === 'pointer' && !(el.parentElement && getComputedStyle(el.parentElement).cursor === 'pointer');
    if (!(listens || tag === 'button' || type === 'button' || ['button', 'tab', 'menuitem', 'link'].includes(role) || pointer)) continue;
    if (!visible(el)) continue;
    out.push({css: cssPath(el), name: clean(el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('title')),
              tag, type, id: el.id || '', cls: clean(el.getAttribute('class'))});
    if (out.length >= 60) break;
  }
  return out;
}
"""


@dataclass
class PageUrls:
    """What one page reached beyond its markup."""

    found: list[tuple[FoundUrl, str]] = field(default_factory=list)  # (url, method)
    clicks: int = 0

    def add(self, url: str, source: str, method: str = "GET") -> None:
        self.found.append((FoundUrl(url, source), method.upper()))


def watch_requests(page: Page, urls: PageUrls, allows: Callable[[str], bool]) -> None:
    """Record every request the page makes on the target's host (fetch/XHR, images, scripts…)."""

    def on_request(request: Request) -> None:
        if not allows(request.url) or request.url.startswith("data:"):
            return
        source = "network"
        if request.resource_type == "document":
            # The page's own load, or a click's navigation (recorded by the click): only a
            # redirect or a frame is news here.
            if request.frame != page.main_frame:
                source = "frame"
            elif request.redirected_from is not None:
                source = "redirect"
            else:
                return
        urls.add(request.url, source, request.method)

    page.on("request", on_request)


async def recorded(page: Page, urls: PageUrls) -> None:
    """History and window.open targets the init script saw."""
    with contextlib.suppress(Exception):
        for item in as_list(await page.evaluate(RECORDED)):
            pair = as_list(item)
            if len(pair) == 2:
                urls.add(as_str(pair[0]), as_str(pair[1]))


async def explore_clicks(
    page: Page, policy: ActionPolicy, urls: PageUrls, limit: int, deadline: float
) -> None:
    """Click each element with an event listener the button rule allows, newest first, and record
    where it leads (see the module docstring for what never leaves the browser)."""
    start = page.url
    route = WriteGuard(urls, policy)
    await page.route("**/*", route.handle)
    clicked: set[str] = set()
    known: set[str] = set()
    try:
        while urls.clicks < limit and run_clock.charged() < deadline:
            candidate = await _next(page, policy, clicked, known)
            if candidate is None:
                break
            clicked.add(candidate)
            urls.clicks += 1
            before = urldefrag(page.url).url
            with contextlib.suppress(Exception):  # detached, covered, or it navigated mid-click
                await page.locator(candidate).first.click(timeout=1500)  # waits for a navigation it starts
            await _settle(page)
            await recorded(page, urls)
            if page.url != start:
                urls.add(page.url, "click")
            if urldefrag(page.url).url != before or page.is_closed():
                if page.is_closed():
                    break
                with contextlib.suppress(Exception):
                    await page.goto(start, wait_until="load", timeout=15000)
                known.clear()
    finally:
        with contextlib.suppress(Exception):
            await page.unroute("**/*", route.handle)


async def _next(page: Page, policy: ActionPolicy, clicked: set[str], known: set[str]) -> str | None:
    """The next element to click: one that appeared since the last look first, then document order."""
    try:
        raw = as_list(await page.evaluate(CANDIDATES))
    except Exception:  # the page is navigating
        return None
    items = [as_object(r) for r in raw]
    fresh = [i for i in items if as_str(i.get("css")) not in known]
    known.update(as_str(i.get("css")) for i in items)
    order = [*fresh[::-1], *items] if len(fresh) < len(items) else items
    for item in order:
        css = as_str(item.get("css"))
        if not css or css in clicked:
            continue
        attributes: JsonObject = {"id": as_str(item.get("id")), "class": as_str(item.get("cls"))}
        control = button_control(as_str(item.get("name")), {"attributes": attributes})
        if judge_button(control, page.url, policy).allowed:
            return css
        clicked.add(css)  # refused once, refused for good
    return None


async def _settle(page: Page) -> None:
    """Let what the click started begin: a navigation's load, or a moment for fetch()."""
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("load", timeout=3000)
    await asyncio.sleep(0.05)


class WriteGuard:
    """While assay clicks around: writes get a local 204 (recorded), refused GETs are aborted."""

    def __init__(self, urls: PageUrls, policy: ActionPolicy) -> None:
        self.urls, self.policy = urls, policy

    async def handle(self, route: Route) -> None:
        request = route.request
        with contextlib.suppress(Exception):  # the page may be gone
            if request.method not in {"GET", "HEAD", "OPTIONS"}:
                self.urls.add(request.url, "click", request.method)
                await route.fulfill(status=204, body="")
            elif origin_of(request.url) == self.policy.origin and not _allowed(request.url, self.policy):
                self.urls.add(request.url, "click")
                await route.abort("blockedbyclient")
            else:
                await route.fallback()


def _allowed(url: str, policy: ActionPolicy) -> bool:
    return judge_link(url, "", policy).allowed
