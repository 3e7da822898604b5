"""Run tests of a generated suite with pytest in a subprocess, against the target only.

The suite is written to a fresh temporary directory and run by this interpreter's pytest with a
clean environment: PATH, a HOME inside the directory, ``BASE_URL`` and what the caller hands in
(the identities' variables), nothing of assay's own (no database URL, no model key). The
outcome of each test is read from pytest's JUnit XML, never from its screen output.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from assay.domain.suite_run import CaseOutcome, SuiteRunFailed

MESSAGE_CHARS = 500


@dataclass(frozen=True)
class PytestSubprocess:
    """``SuiteRunner`` over ``python -m pytest``; ``timeout`` bounds one whole run."""

    timeout: float = 300.0

    def run(
        self, files: Mapping[str, str], tests: Sequence[str], base_url: str, env: Mapping[str, str]
    ) -> dict[str, CaseOutcome]:
        if importlib.util.find_spec("pytest") is None:
            raise SuiteRunFailed("pytest is not installed beside assay")
        if not tests:
            return {}
        with tempfile.TemporaryDirectory(prefix="assay-suite-") as tmp:
            root = Path(tmp)
            for name, content in files.items():
                path = root / PurePosixPath(name)
                if root not in path.resolve().parents:
                    raise SuiteRunFailed(f"the suite's file {name!r} is outside the suite")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
            report = root / ".assay-junit.xml"
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            command += ["-o", "junit_family=xunit2", f"--junitxml={report}", "--", *tests]
            clean = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(root),
                "PYTHONDONTWRITEBYTECODE": "1",
                **env,
                "BASE_URL": base_url,
            }
            try:
                subprocess.run(
                    command, cwd=root, env=clean, capture_output=True, timeout=self.timeout, check=False
                )
            except subprocess.TimeoutExpired:
                raise SuiteRunFailed(f"the tests did not finish within {self.timeout:g} s") from None
            if not report.exists():
                raise SuiteRunFailed("pytest wrote no report (the suite could not be collected)")
            return outcomes(report.read_text(encoding="utf-8"))


def outcomes(junit_xml: str) -> dict[str, CaseOutcome]:
    """Node id -> outcome, from pytest's JUnit XML (skipped tests count as not passed)."""
    found: dict[str, CaseOutcome] = {}
    for case in ET.fromstring(junit_xml).iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        node = f"{module}.py::{case.get('name', '')}"
        problem = next((c for c in case if c.tag in {"failure", "error", "skipped"}), None)
        if problem is None:
            found[node] = CaseOutcome(True)
        else:
            text = problem.get("message") or problem.text or problem.tag
            found[node] = CaseOutcome(False, f"{problem.tag}: {text}"[:MESSAGE_CHARS])
    return found
