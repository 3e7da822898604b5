"""The corpus' targets: which release to install by package name, how to start it, how to test it.

Each target's app is installed from PyPI by name at a pinned version into its own venv under the
work folder (never committed), made from the system Python so the unprivileged ``nobody`` can run
it; when this environment already has exactly the pinned releases (the controls of the [test]
extra), the trust bench's runtime is reused and nothing is downloaded. Starting, the clean
environment and ``nobody`` come from ``trust_apps`` (the same machinery as bench/trust.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tests.apps.webapps import ADMIN
from trust_apps import (
    Runtime,
    Started,
    app_runtime,
    start_datasette,
    start_django,
    start_httpbin,
    start_todolist,
)

CORPUS = Path(__file__).resolve().parent / "corpus"
# PyYAML 5.4 (pinned by datasette < 0.57) only builds from source with Cython < 3, and its
# Jinja2 2.x needs MarkupSafe < 2.1: installed first, by name, without build isolation.
DEPTH_2 = ("--depth", "2")  # the web targets: their pages' links too
OLD_PYYAML = (("cython<3", "wheel", "setuptools"), ("--no-build-isolation", "pyyaml==5.4.1"))


@dataclass(frozen=True)
class CorpusTarget:
    name: str
    requirements: tuple[str, ...]  # pip requirement strings, every one pinned with ==
    start: Callable[[Runtime, Path], Started]
    spec: str = ""  # the OpenAPI path schemathesis needs; "" = it cannot run on this target
    assay_args: tuple[str, ...] = ()
    logins: tuple[tuple[str, str], ...] = ()  # the identities both tools get
    pre_install: tuple[tuple[str, ...], ...] = ()

    @property
    def truth_file(self) -> Path:
        return CORPUS / self.name / "ground_truth.json"


TARGETS: dict[str, CorpusTarget] = {
    t.name: t
    for t in (
        CorpusTarget(
            "datasette-0.56",
            ("datasette==0.56", "markupsafe==2.0.1"),
            start_datasette,
            assay_args=("--depth", "2"),
            pre_install=OLD_PYYAML,
        ),
        CorpusTarget(
            "datasette-0.56.1",
            ("datasette==0.56.1", "markupsafe==2.0.1"),
            start_datasette,
            assay_args=("--depth", "2"),
            pre_install=OLD_PYYAML,
        ),
        CorpusTarget("httpbin", ("httpbin==0.10.4",), start_httpbin, spec="/spec.json"),
        CorpusTarget("todolist-fastapi", ("todolist_fastapi==1.0.5",), start_todolist, spec="/openapi.json"),
        CorpusTarget("datasette-0.65.5", ("datasette==0.65.5",), start_datasette, assay_args=DEPTH_2),
        CorpusTarget(
            "django-admin", ("Django==5.2.19",), start_django, assay_args=("--depth", "2"), logins=(ADMIN,)
        ),
    )
}


def _installed(requirement: str) -> bool:
    name, _, version = requirement.partition("==")
    try:
        return metadata.version(name) == version
    except metadata.PackageNotFoundError:
        return False


def runtime_for(target: CorpusTarget, work: Path) -> Runtime:
    """A Python with exactly the target's pinned releases, installed by name if need be."""
    if all(_installed(r) for r in target.requirements):
        return app_runtime(work)
    venv = work / "venvs" / target.name
    python = venv / "bin" / "python"
    done = venv / "corpus-installed.txt"
    if not done.exists() or done.read_text() != "\n".join(target.requirements):
        _install(venv, target)
        done.write_text("\n".join(target.requirements))
    unprivileged = os.geteuid() == 0 and shutil.which("setpriv") is not None
    return Runtime(str(python), unprivileged)


def _install(venv: Path, target: CorpusTarget) -> None:
    system = Path("/usr/bin") / f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = str(system) if system.is_file() else sys.executable
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    for step in target.pre_install:
        subprocess.run([*pip, *step], check=True)
    subprocess.run([*pip, *target.requirements], check=True)
