"""bench/corpus.py end to end on the corpus' smallest target, a false-positive control.

todolist-fastapi 1.0.5 (from the [test] extra, so nothing is downloaded) is started as the corpus
starts it, assay and Schemathesis run against fresh copies, and both are scored by the committed
ground truth. The floor: assay reports no medium-or-worse false positive on a control, and what
it reports is judged (so a new false alarm, or a scorer that judges nothing, fails this test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_the_corpus_scores_a_control_with_no_false_positive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "bench" / "corpus.py"), "todolist-fastapi", "--budget", "20"]
    # The default --work: pytest's tmp_path is private to root, and the app runs as nobody.
    cmd += ["--out", str(out), "--st-max-examples", "5"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=580, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    runs = {r["tool"]: r for r in json.loads((out / "results.json").read_text())}
    assay, st = runs["assay"], runs["schemathesis"]
    assert assay["error"] == "" and assay["requests"] > 0
    assert assay["score"]["observable"] == 0  # a control documents no vulnerability
    assert assay["score"]["false_positives"] == [], assay["findings"]
    # Everything assay said was judged by a rule: accepted, unjudged, too mild, or (none here) false.
    judged = ("accepted", "unjudged", "below_medium")
    assert sum(assay["score"][k] for k in judged) == len(assay["findings"])
    assert st["exit_code"] is not None and st["score"] is not None and st["requests"] > 0
    assert "| todolist-fastapi | assay | 0 / 0 | 0 |" in done.stdout
