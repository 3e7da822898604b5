"""Oracles are pure judgments: no oracle module may reach the agents, the adapters or an I/O library.

import-linter states the same rule for the whole tree; this test pins it per module, so a judge
moved into oracles/ with a probe-side import fails here at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import assay.oracles

ORACLES = Path(assay.oracles.__file__).parent
FORBIDDEN = ("assay.agents", "assay.adapters", "httpx", "playwright", "sqlalchemy")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(ORACLES.glob("*.py")), ids=lambda p: p.name)
def test_oracle_module_imports_nothing_impure(path: Path) -> None:
    bad = {n for n in imported(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("from assay.agents.analysis.security.canary import Canary\nimport httpx\n")
    assert {"assay.agents.analysis.security.canary", "httpx"} <= imported(module)
