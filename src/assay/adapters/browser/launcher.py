"""Find a Chromium and launch it headless, with its own network services off (see LAUNCH_ARGS)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assay.domain.errors import AssayError

if TYPE_CHECKING:  # the switches are imported by the pure suite generator too
    from playwright.async_api import Browser, Playwright

    from assay.settings import BrowserSettings

ENV_VAR = "ASSAY_CHROMIUM_PATH"
# assay promises traffic to the target's host only, so Chromium's own services are switched off
# one by one (each dialled Google from every run: update.googleapis.com, accounts.google.com,
# content-autofill.googleapis.com, clients2.google.com), and --no-proxy-server keeps an
# HTTP(S)_PROXY / ALL_PROXY of the environment from seeing the browser's traffic. What a service
# switch misses, the resolver rule of :func:`launch_args` catches: no other name resolves.
# --no-sandbox because CI runs as root.
SWITCHES = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-proxy-server",  # never the environment's proxy: the target is reached directly
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-component-extensions-with-background-pages",
    "--disable-client-side-phishing-detection",  # safe browsing
    "--safebrowsing-disable-auto-update",
    "--disable-domain-reliability",  # beacons about failed requests to Google
    "--disable-breakpad",  # crash reports
    "--disable-crash-reporter",
    "--metrics-recording-only",  # metrics are kept locally, never uploaded
    "--disable-field-trial-config",  # no field trials (variations) fetched or applied
    "--dns-prefetch-disable",  # no prediction of hosts the page might visit
    "--no-pings",  # <a ping> beacons
)
# Chromium keeps only the last --disable-features: Playwright's own list comes first.
DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "NetworkTimeServiceQuerying",  # clients2.google.com
    "AimEnabled",
    "PreconnectToSearch",
    # ... then the services that would leave the machine.
    "AutofillServerCommunication",  # form field types sent to content-autofill.googleapis.com
    "Translate",
    "MediaRouter",
    "DialMediaRouteProvider",
    "GlobalMediaControls",
    "OptimizationHints",
    "OptimizationHintsFetching",
    "OptimizationGuideModelDownloading",
    "OptimizationTargetPrediction",
    "CertificateTransparencyComponentUpdater",
    "SafeBrowsingEnhancedProtection",
    "InterestFeedContentSuggestions",
    "NetworkPrediction",
    "PrivacySandboxSettings4",
)
LAUNCH_ARGS = (*SWITCHES, "--disable-features=" + ",".join(DISABLED_FEATURES))
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class NoBrowserFound(AssayError):
    """No Chromium could be found to observe a web page."""

    code = "NO_BROWSER"

    def __init__(self, detail: str = "") -> None:
        message = "no Chromium found: apt-get install -y chromium or set ASSAY_CHROMIUM_PATH"
        super().__init__(f"{message} ({detail})" if detail else message)


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
