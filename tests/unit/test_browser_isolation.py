"""The browser side failing never ends a run: a note and an ``incomplete`` entry, the API side kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assay.adapters.browser.chromium import Chromium
from assay.agents.observation.web import stage
from assay.domain.observation import Observation
from assay.domain.target import Target

API_NOTE = "found an OpenAPI spec at /openapi.json"


def _observe(tmp_path: Path) -> Observation:
    both = Observation("http://127.0.0.1:9", "both", notes=(API_NOTE,), requests_sent=7)
    return asyncio.run(
        stage.observe_pages(Target("http://127.0.0.1:9", artifacts_dir=str(tmp_path)), both, None, Chromium())
    )


def test_a_chromium_that_does_not_start_is_a_note_and_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n")
    not_a_browser.chmod(0o755)
    monkeypatch.setenv("ASSAY_CHROMIUM_PATH", str(not_a_browser))
    observed = _observe(tmp_path)
    assert observed.notes[0] == API_NOTE and observed.requests_sent == 7
    assert len(observed.incomplete) == 1 and observed.incomplete[0].startswith("pages not observed: ")
    assert observed.incomplete[0] in observed.notes and "launch failed" in observed.incomplete[0]


def test_any_crash_of_the_crawl_is_a_note_and_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise KeyError("pages")  # a bug anywhere in the browser side

    monkeypatch.setattr(Chromium, "available", lambda _self: True)
    monkeypatch.setattr(stage, "observe_web", broken)
    observed = _observe(tmp_path)
    assert observed.incomplete == ("pages not observed: the browser failed (KeyError: 'pages')",)
    assert observed.notes == (API_NOTE, observed.incomplete[0]) and observed.requests_sent == 7
