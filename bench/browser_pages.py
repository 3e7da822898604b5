"""Benchmark of the browser observer: pages observed per second at depth 2 on the demo's web UI.

Run: python bench/browser_pages.py [--repeat 3] [--depth 2]

assay's crawl (elements with verified locators, structure, purpose, console and network
listeners, link checks; no form probes) with 1, 2 and 4 parallel browser contexts, against the
floor: plain sequential Playwright loads (``page.goto(url, wait_until="load")``, one new page per
URL, nothing read) of the same URLs. One Chromium for everything; median of ``--repeat`` runs.
The demo runs in its own process (uvicorn), so it does not share this process's GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from playwright.async_api import Browser, async_playwright

from assay.adapters.browser.chromium import ContainedBrowser
from assay.adapters.browser.launcher import launch
from assay.agents.observation.web.crawler import CrawlConfig, crawl_with


async def plain_loads(browser: Browser, urls: Sequence[str]) -> float:
    context = await browser.new_context()
    started = time.perf_counter()
    for url in urls:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.close()
    elapsed = time.perf_counter() - started
    await context.close()
    return elapsed


async def crawl_seconds(browser: Browser, start: str, depth: int, contexts: int) -> tuple[float, list[str]]:
    config = CrawlConfig(depth=depth, contexts=contexts, budget_seconds=120)
    started = time.perf_counter()
    result = await crawl_with(ContainedBrowser(browser), start, config)
    return time.perf_counter() - started, [p.url for p in result.pages]


async def measure(base: str, depth: int, repeat: int) -> None:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        start = base + "/ui/"
        _, urls = await crawl_seconds(browser, start, depth, 1)  # warm-up; the URL list
        floor = statistics.median([await plain_loads(browser, urls) for _ in range(repeat)])
        rows = [("plain sequential loads (floor)", floor)]
        for contexts in (1, 2, 4):
            runs = [(await crawl_seconds(browser, start, depth, contexts))[0] for _ in range(repeat)]
            rows.append((f"assay crawl, {contexts} context(s)", statistics.median(runs)))
        await browser.close()
    print(f"demo web UI, depth {depth}: {len(urls)} pages, median of {repeat} runs\n")
    print(f"| {'run':<32} | {'seconds':>8} | {'pages/s':>8} | {'vs floor':>8} |")
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for name, seconds in rows:
        rate = len(urls) / seconds
        print(f"| {name:<32} | {seconds:8.2f} | {rate:8.1f} | {rate / (len(urls) / floor):7.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--depth", type=int, default=2)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "assay.demo.app:create_app", "--port", str(port)]
    server = subprocess.Popen([*cmd, "--log-level", "warning"])
    try:
        _wait(port)
        asyncio.run(measure(f"http://127.0.0.1:{port}", args.depth, args.repeat))
    finally:
        server.terminate()
        server.wait(10)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the demo did not start")


if __name__ == "__main__":
    main()
