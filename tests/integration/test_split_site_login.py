"""One login, two sides, each on its own path, end to end through the CLI (issue 11).

The start URL is a web page (``/blog/``); the spec is found at the origin's ``/openapi.json``.
The browser must sign in through the blog's form, and the API must log in at ``/api/auth/login``
(never ``/blog/api/auth/login``: the page's path is no API prefix) and read its notes with the
token. With the browser broken, the API side still runs and signs in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.apps.split_site import PASSWORD, USER, SplitState, split_app

from assay.adapters.browser.launcher import browser_available
from assay.demo.server import serve_in_thread

pytestmark = pytest.mark.integration


def _run(tmp: Path, **env: str) -> tuple[SplitState, str, Path]:
    state = SplitState()
    server = serve_in_thread(split_app(state), log_level="critical")
    out = tmp / "out"
    command = [
        sys.executable, "-m", "assay", "run", server.base_url + "/blog/", "--login", f"{USER}:{PASSWORD}",
        "--budget", "30", "--out", str(out),
    ]  # fmt: skip
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environ)
    finally:
        server.stop()
    return state, done.stdout + done.stderr, out


def _under_the_page(sent: list[tuple[str, str, int]]) -> list[str]:
    """API calls sent under the page's path (spec discovery asking /blog/api/openapi.json is fine)."""
    return sorted(
        {p for _, p, _ in sent if p.startswith("/blog/api/") and "openapi" not in p and "swagger" not in p}
    )


def _outputs(out: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and p.suffix != ".png"
    )


@pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium")
def test_the_browser_and_the_api_sign_in_each_on_their_own_path(tmp_path: Path) -> None:
    state, console, out = _run(tmp_path)
    sent = state.requests
    assert ("POST", "/api/auth/login", 200) in sent, console
    assert ("GET", "/api/notes", 200) in sent  # the token works: the API side is signed in
    assert not _under_the_page(sent), _under_the_page(sent)
    # The crawl signed in through the form, and the later web checks again with the same login.
    assert sent.count(("POST", "/blog/login", 303)) >= 2, [r for r in sent if r[1] == "/blog/login"]
    assert PASSWORD not in _outputs(out)


def test_a_broken_browser_does_not_take_the_api_side_down(tmp_path: Path) -> None:
    state, console, out = _run(tmp_path, ASSAY_CHROMIUM_PATH="/nonexistent/chromium")
    assert ("POST", "/api/auth/login", 200) in state.requests, console
    assert ("GET", "/api/notes", 200) in state.requests
    assert not _under_the_page(state.requests)
    assert (out / "findings.json").exists()
