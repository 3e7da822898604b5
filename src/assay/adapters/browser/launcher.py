"""Find a Chromium and launch it headless, with its own network services off (see LAUNCH_ARGS)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assay.domain.errors import NoBrowserFound
from assay.pages.launch_flags import LAUNCH_ARGS

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from assay.settings import BrowserSettings

ENV_VAR = "ASSAY_CHROMIUM_PATH"
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium(settings: BrowserSettings | None = None) -> str | None:
    """The path of a Chromium executable, or None when Playwright's own bundled one should be tried.

    Order: ``$ASSAY_CHROMIUM_PATH``, Debian's /usr/bin/chromium, chromium-browser on PATH.
    Raises NoBrowserFound when ``$ASSAY_CHROMIUM_PATH`` names a missing file, and when nothing is
    found at all and Playwright has no browser of its own.
    """
    found = settings or _browser_settings()
    configured = found.chromium_path.strip()
    if configured:
        if not Path(configured).is_file():
            raise NoBrowserFound(f"{ENV_VAR}={configured} does not exist")
        return configured
    for candidate in (*_CANDIDATES, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    if _playwright_bundled_chromium(found.playwright_browsers_path):
        return None
    raise NoBrowserFound()


def _browser_settings() -> BrowserSettings:
    from assay.settings import BrowserSettings  # pydantic-settings: not for the suite generator

    return BrowserSettings()


def browser_available() -> bool:
    """True when :func:`find_chromium` would find something."""
    try:
        find_chromium()
    except NoBrowserFound:
        return False
    return True


def _playwright_bundled_chromium(root: Path) -> bool:
    """True when ``playwright install chromium`` has put a browser in its cache."""
    return root.is_dir() and any(root.glob("chromium*/chrome-linux*/chrome"))


def launch_args(target_url: str | None = None) -> list[str]:
    """:data:`LAUNCH_ARGS`, and with a target a resolver rule under which no host name but the
    target's resolves: a service no switch turns off still cannot reach anything."""
    host = urlsplit(target_url).hostname if target_url else None
    if not host:
        return list(LAUNCH_ARGS)
    return [*LAUNCH_ARGS, resolver_rule(host)]


def resolver_rule(host: str) -> str:
    """The switch under which only ``host`` resolves (IP literals included: they are mapped too)."""
    return f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {host}"


async def launch(playwright: Playwright, target_url: str | None = None) -> Browser:
    """Launch headless Chromium; Debian's (or the configured one) when present. With
    ``target_url`` only the target's host name resolves (see :func:`launch_args`)."""
    path = find_chromium()
    try:
        return await playwright.chromium.launch(
            executable_path=path, headless=True, args=launch_args(target_url)
        )
    except Exception as exc:  # Playwright raises its own Error with the browser's stderr
        raise NoBrowserFound(f"launch failed: {str(exc).splitlines()[0]}") from exc
