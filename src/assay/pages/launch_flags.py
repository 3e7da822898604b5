"""How Chromium is started: the switches assay's runs and the generated UI suites share (pure data)."""

from __future__ import annotations

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
