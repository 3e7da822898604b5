"""Benchmark of crawl coverage: how many of a crawler benchmark's known URLs assay's crawl finds,
and in how long, against two peers measured in the same run on the same target.

Run: python bench/crawl_coverage.py --url http://127.0.0.1:8080/ --expected expected-results.json

``--expected`` is a JSON list of paths every crawler should find (a file, or a URL that serves
one); Google's Security Crawl Maze publishes one (``blueprints/utils/resources/expected-results.json``),
91 paths. Start the benchmark app yourself, bound to 127.0.0.1 (this script only reads it).

The peers:
- **static attributes**: GET every page over HTTP and follow ``href``/``src``/``action`` of the
  markup as served (what a plain HTML crawler does);
- **Playwright links**: open each page in Chromium and follow the rendered ``a[href]`` (what a
  link-following browser crawl does).
Both follow the same origin only, breadth first, to the same depth. A URL counts as found when
the crawler records it (assay: ``crawl.discovered``; peers: every URL they fetched or read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from playwright.async_api import async_playwright

from assay.adapters.browser.chromium import ContainedBrowser
from assay.adapters.browser.launcher import launch
from assay.agents.observation.web.crawler import CrawlConfig, crawl_with
from assay.agents.observation.web.observe import crawl_facts


def expected_paths(source: str) -> list[str]:
    if source.startswith(("http://", "https://")):
        return [str(p) for p in httpx.get(source, timeout=10).json()]
    return [str(p) for p in json.loads(Path(source).read_text())]


def _same_origin(url: str, start: str) -> bool:
    return urlsplit(url).netloc == urlsplit(start).netloc and urlsplit(url).scheme in {"http", "https"}


class _Attributes(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url, self.found = url, list[str]()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.found.append(urldefrag(urljoin(self.url, value)).url)


def static_crawl(start: str, depth: int) -> set[str]:
    seen: set[str] = {start}
    level = [start]
    with httpx.Client(timeout=10) as client:
        for _ in range(depth):
            following: list[str] = []
            for url in level:
                try:
                    response = client.get(url)
                except httpx.HTTPError:
                    continue
                if "html" not in response.headers.get("content-type", ""):
                    continue
                parser = _Attributes(str(response.url))
                parser.feed(response.text)
                for found in parser.found:
                    if _same_origin(found, start) and found not in seen:
                        seen.add(found)
                        following.append(found)
            level = following
    return seen


async def playwright_links(start: str, depth: int) -> set[str]:
    seen: set[str] = {start}
    level = [start]
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        context = await browser.new_context()
        for _ in range(depth):
            following: list[str] = []
            for url in level:
                page = await context.new_page()
                try:
                    await page.goto(url, wait_until="load", timeout=15000)
                    hrefs = await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                except Exception:  # a page that does not load adds nothing
                    hrefs = []
                await page.close()
                for href in hrefs:
                    found = urldefrag(str(href)).url
                    if _same_origin(found, start) and found not in seen:
                        seen.add(found)
                        following.append(found)
            level = following
        await browser.close()
    return seen


async def assay_crawl(start: str, depth: int, budget: float) -> set[str]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        config = CrawlConfig(depth=depth, max_pages=10_000, budget_seconds=budget)
        result = await crawl_with(ContainedBrowser(browser), start, config)
        await browser.close()
    return {urljoin(start, d.url) for d in crawl_facts(result).discovered}


def _score(found: Iterable[str], expected: list[str]) -> int:
    paths = {urlsplit(u).path for u in found}
    return sum(1 for path in expected if path in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the benchmark's start page")
    parser.add_argument("--expected", required=True, help="JSON list of expected paths (file or URL)")
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds assay's crawl may take")
    args = parser.parse_args()
    expected = expected_paths(args.expected)
    rows: list[tuple[str, int, float, int]] = []
    runs: tuple[tuple[str, Callable[[], set[str]]], ...] = (
        ("static attributes (httpx + href/src/action)", lambda: static_crawl(args.url, args.depth)),
        ("Playwright, rendered a[href]", lambda: asyncio.run(playwright_links(args.url, args.depth))),
        ("assay crawl", lambda: asyncio.run(assay_crawl(args.url, args.depth, args.budget))),
    )
    for name, run in runs:
        started = time.perf_counter()
        found = run()
        rows.append((name, _score(found, expected), time.perf_counter() - started, len(found)))
    print(f"{args.url}: {len(expected)} expected URLs, depth {args.depth}\n")
    print(f"| crawler | found | of {len(expected)} | seconds | URLs recorded |")
    print("|---|---:|---:|---:|---:|")
    for name, score, seconds, total in rows:
        print(f"| {name} | {score} | {score / len(expected):.0%} | {seconds:.1f} | {total} |")
    best_peer = max(rows[:2], key=lambda r: r[1])
    print(f"\nassay / best peer ({best_peer[0]}): {rows[2][1] / max(1, best_peer[1]):.2f}x the URLs found")


if __name__ == "__main__":
    main()
