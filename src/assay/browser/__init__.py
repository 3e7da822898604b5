"""The web side of assay: observe pages in a real Chromium, judge them, run and export UI scenarios.

Playwright is imported only by the modules that drive a browser (launcher, crawler, extract,
probes, executor); ``facts``, ``oracles``, ``scenarios``, ``healing``, ``locators`` and
``codegen`` are pure and unit-tested without a browser.
"""
