"""Find a Chromium and launch it headless with the flags this machine needs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, Playwright

from assay.errors import AssayError

ENV_VAR = "ASSAY_CHROMIUM_PATH"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed
# network refuses many times a second; --no-sandbox because CI runs as root.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class NoBrowserFound(AssayError):
    """No Chromium could be found to observe a web page."""

    code = "NO_BROWSER"

    def __init__(self, detail: str = "") -> None:
        message = "no Chromium found: apt-get install -y chromium or set ASSAY_CHROMIUM_PATH"
        super().__init__(f"{message} ({detail})" if detail else message)


def find_chromium(environ: dict[str, str] | None = None) -> str | None:
    """The path of a Chromium executable, or None when Playwright's own bundled one should be tried.

    Order: ``$ASSAY_CHROMIUM_PATH``, Debian's /usr/bin/chromium, chromium-browser on PATH.
    Raises NoBrowserFound when ``$ASSAY_CHROMIUM_PATH`` names a missing file, and when nothing is
    found at all and Playwright has no browser of its own.
    """
    env = os.environ if environ is None else environ
    configured = env.get(ENV_VAR, "").strip()
    if configured:
        if not Path(configured).is_file():
            raise NoBrowserFound(f"{ENV_VAR}={configured} does not exist")
        return configured
    for candidate in (*_CANDIDATES, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    if _playwright_bundled_chromium():
        return None
    raise NoBrowserFound()


def browser_available() -> bool:
    """True when :func:`find_chromium` would find something."""
    try:
        find_chromium()
    except NoBrowserFound:
        return False
    return True


def _playwright_bundled_chromium() -> bool:
    """True when ``playwright install chromium`` has put a browser in its cache."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    return root.is_dir() and any(root.glob("chromium*/chrome-linux*/chrome"))


async def launch(playwright: Playwright) -> Browser:
    """Launch headless Chromium; Debian's (or the configured one) when present."""
    path = find_chromium()
    try:
        return await playwright.chromium.launch(executable_path=path, headless=True, args=list(LAUNCH_ARGS))
    except Exception as exc:  # Playwright raises its own Error with the browser's stderr
        raise NoBrowserFound(f"launch failed: {str(exc).splitlines()[0]}") from exc
