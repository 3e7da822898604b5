"""The server's browser pool in real Chromium: one browser shared by the workflows on a host, never
more contexts open than its bound, each workflow's cookies its own, and the same containment."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator

import pytest
from tests.apps.servers import StartResponse, WSGIEnviron, WSGIServerThread
from tests.apps.sinkhole import Sinkhole, sinkhole

from assay.adapters.browser.launcher import browser_available
from assay.adapters.browser.pool import BrowserPool
from assay.pages.containment import Containment

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
SESSIONS = 5


class App:
    """``/`` sets a cookie named after the query and shows the cookies it got; it also reaches
    for an image on another host (the sinkhole)."""

    def __init__(self, other: str) -> None:
        self.other = other

    def __call__(self, environ: WSGIEnviron, start: StartResponse) -> Iterable[bytes]:
        name = environ.get("QUERY_STRING", "") or "nobody"
        got = environ.get("HTTP_COOKIE", "")
        page = f'<title>{name}</title><p id="got">{got}</p><img src="{self.other}/pixel.png" alt="x">'
        start("200 OK", [("Content-Type", "text/html"), ("Set-Cookie", f"who={name}; Path=/")])
        return [page.encode()]


@pytest.fixture
def site() -> Iterator[tuple[str, Sinkhole]]:
    with sinkhole("127.0.0.2") as other:
        server = WSGIServerThread(App(other.url))
        try:
            yield server.base_url, other
        finally:
            server.stop()


async def test_sessions_share_one_browser_within_the_bound_each_in_its_own_context(
    site: tuple[str, Sinkhole],
) -> None:
    base, other = site
    pool = BrowserPool(max_contexts=2, per_session=1)
    counted: list[int] = []
    blocked: list[tuple[str, ...]] = []

    async def workflow(n: int) -> tuple[str, str]:
        async with pool.open(base) as session:
            containment = Containment(base)
            context = await session.context(containment)
            page = await context.new_page()
            await page.goto(f"{base}/?w{n}")
            counted.append(sum(len(b.contexts) for b in pool.browsers()))  # what Chromium holds
            await page.reload()  # the second visit sends the cookie this context was given
            await asyncio.sleep(0.2)  # hold the context: the other sessions must wait, not pile up
            got = await page.inner_text("#got")
            blocked.append(tuple(h.host for h in containment.blocked_hosts()))
            await context.close()
            return f"who=w{n}", got

    try:
        answers = await asyncio.gather(*(workflow(n) for n in range(SESSIONS)))
    finally:
        await pool.aclose()
    assert [got for want, got in answers] == [want for want, got in answers]  # no cookie of another's
    assert max(counted) <= 2 and pool.peak_contexts == 2  # the bound held, and was reached
    assert pool.launches == 1  # one Chromium for the five
    assert pool.open_contexts == 0
    assert all(hosts == ("127.0.0.2",) for hosts in blocked)
    assert other.connections == []


async def test_a_session_that_waits_for_room_never_holds_a_context_meanwhile(
    site: tuple[str, Sinkhole],
) -> None:
    base, _ = site
    pool = BrowserPool(max_contexts=2, per_session=2)  # a session reserves two: one at a time
    order: list[str] = []

    async def workflow(name: str) -> None:
        async with pool.open(base) as session:
            order.append(f"{name} in")
            first = await session.context(Containment(base))
            second = await session.context(Containment(base))  # from its own reservation: no wait
            await asyncio.sleep(0.1)
            order.append(f"{name} out")
            await first.close()
            await second.close()

    try:
        await asyncio.gather(workflow("a"), workflow("b"))
    finally:
        await pool.aclose()
    assert order == ["a in", "a out", "b in", "b out"]
    assert pool.peak_contexts == 2 and pool.open_contexts == 0
