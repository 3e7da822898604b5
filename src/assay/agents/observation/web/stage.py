"""The Observation agent's web half as the pipeline calls it: crawl a target that serves HTML.

A target that serves no HTML never reaches Playwright: nothing here launches a browser for it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from assay.agents.observation.web.observe import observe_web
from assay.agents.progress import ProgressFn, report
from assay.domain.errors import NoBrowserFound
from assay.domain.observation import Observation
from assay.domain.target import Target
from assay.pages.browser import BrowserPort

NO_BROWSER_NOTE = (
    "the target serves HTML pages but no Chromium was found (apt-get install -y chromium, "
    "or set ASSAY_CHROMIUM_PATH): the pages were not observed"
)


def screenshots_dir(target: Target) -> Path:
    """``<artifacts_dir>/screenshots``, or a fresh temporary folder when the run has none."""
    if target.artifacts_dir:
        return Path(target.artifacts_dir) / "screenshots"
    return Path(tempfile.mkdtemp(prefix="assay-shots-"))


async def observe_pages(
    target: Target, observation: Observation, progress: ProgressFn | None, browser: BrowserPort | None
) -> Observation:
    """``observation`` with the crawled pages when the target serves HTML; a note when it cannot be."""
    if observation.kind not in ("web", "both"):
        return observation
    if browser is None or not browser.available():
        return replace(observation, notes=(*observation.notes, NO_BROWSER_NOTE))
    report(progress, 0.9, f"crawling the pages in Chromium (depth {target.depth})")
    try:
        pages_only = observation.kind == "web"
        web = await observe_web(target, target.base_url, browser, screenshots_dir(target), pages_only)
    except Exception as exc:  # the browser side failing never ends the run: the API side goes on
        why = f"pages not observed: {_why(exc)}"
        return replace(
            observation, notes=(*observation.notes, why), incomplete=(*observation.incomplete, why)
        )
    report(progress, 1.0, f"observed {len(web.ui_elements)} UI elements", elements=len(web.ui_elements))
    return web.onto(observation)


def _why(exc: Exception) -> str:
    if isinstance(exc, NoBrowserFound):  # its message already says what to install or set
        return str(exc)
    return f"the browser failed ({type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]})"
