"""bench/corpus_targets.py and the corpus files: twins pair up, configs are edited where meant."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from corpus_targets import TARGETS, _set  # noqa: E402
from trust_apps import Started  # noqa: E402

PYLOAD_CFG = """version: 2

proxy - "Proxy":
\tip host : "IP address" = localhost
\tint port : "Port" = 7070

webui - "Web Interface":
\tip host : "IP address" = localhost
\tint port : "Port" = 8000
"""


def truth(name: str) -> dict[str, object]:
    document: dict[str, object] = json.loads((BENCH / "corpus" / name / "ground_truth.json").read_text())
    return document


def test_every_target_has_a_ground_truth_and_every_twin_its_vulnerable_release() -> None:
    for name in TARGETS:
        role = str(truth(name)["role"])
        if role.startswith("healthy twin of "):
            vulnerable = role.removeprefix("healthy twin of ")
            assert vulnerable in TARGETS, name
            twin_items = {str(i["id"]): i for i in truth(name)["items"]}  # type: ignore[attr-defined]
            their_items = {str(i["id"]) for i in truth(vulnerable)["items"]}  # type: ignore[attr-defined]
            fixed = {k for k, i in twin_items.items() if i.get("present") is False}
            assert fixed, f"{name} fixes nothing its vulnerable release has"
            assert fixed <= their_items, name


def test_pyload_settings_change_only_in_their_section() -> None:
    text = _set(_set(PYLOAD_CFG, "webui", "ip host", "127.0.0.1"), "webui", "int port", "4321")
    assert 'ip host : "IP address" = localhost\n\tint port : "Port" = 7070' in text  # proxy untouched
    assert 'ip host : "IP address" = 127.0.0.1\n\tint port : "Port" = 4321\n' in text
    with pytest.raises(ValueError):
        _set(PYLOAD_CFG, "webui", "bool enabled", "False")


def test_tornado_access_lines_are_counted_with_the_others(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        "[D 2026-12-02 01:39:20.710 ServerApp] 200 GET /api/status (a@127.0.0.1) 1.2ms\n"
        "[W 2026-12-02 01:39:20.746 ServerApp] 404 POST /login?next=//x (b@127.0.0.1) 5.28ms referer=None\n"
        "[I 2026-12-02 01:39:20.800 ServerApp] Serving api spec (experimental, incomplete)\n"
        '127.0.0.1 - - [02/Dec/2026 01:41:34] "DELETE /api/v1/watch HTTP/1.1" 403 207 0.000728\n'
    )
    started = Started(server=None, log=log, unprivileged=False, workdir=tmp_path)  # type: ignore[arg-type]
    assert started.served() == {"GET": 1, "POST": 1, "DELETE": 1}
