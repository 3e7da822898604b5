"""The corpus' targets: which release to install by package name, how to start it, how to test it.

Each target's app is installed from PyPI by name at a pinned version into its own venv under the
work folder (never committed), made from the system Python so the unprivileged ``nobody`` can run
it; when this environment already has exactly the pinned releases (the controls of the [test]
extra), the trust bench's runtime is reused and nothing is downloaded. Starting, the clean
environment and ``nobody`` come from ``trust_apps`` (the same machinery as bench/trust.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tests.apps.webapps import ADMIN, free_port
from trust_apps import (
    HOST,
    Runtime,
    Started,
    app_runtime,
    launch,
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
# Jupyter Server: token auth, the token typed into its login form's one password field by assay
# and sent as "Authorization: token ..." by Schemathesis (its WFC login is a JSON POST Jupyter lacks).
JUPYTER_TOKEN = "corpus-token"
JUPYTER_LOGIN = ("--login", f"jupyter:{JUPYTER_TOKEN}")
JUPYTER_ST = ("--header", f"Authorization: token {JUPYTER_TOKEN}")
JUPYTER_HEADER = JUPYTER_ST  # the same header for assay's API side (`assay run --header`)
PYLOAD_ADMIN = ("pyload", "pyload")  # pyLoad's documented default login, created on first start


def start_jupyter(rt: Runtime, log: Path) -> Started:
    """Jupyter Server with token auth on an empty root folder; DEBUG so 2xx requests are logged."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="corpus-jupyter-"))
    # A file for /files/ to serve (GHSA-64x5-55rw-9974 is about how it is served).
    (work / "notes.txt").write_text("a file in the server's root folder, not created by a tool\n")
    args = [rt.python, "-m", "jupyter_server", "--ip", HOST, "--port", str(port), "--no-browser"]
    args += [f"--IdentityProvider.token={JUPYTER_TOKEN}", f"--ServerApp.root_dir={work}"]
    args += ["--ServerApp.log_level=DEBUG", "--allow-root"]  # as nobody when we can; root otherwise
    return launch(rt, args, port, work, log, "/login")


def _set(text: str, section: str, key: str, value: str) -> str:
    """In a pyLoad .cfg, set the first ``key`` line after the ``section`` header to ``value``."""
    start = text.index(f"\n{section} - ")
    line = re.compile(rf"(\n\s*{re.escape(key)} : \"[^\"]*\" = )[^\n]*")
    match = line.search(text, start)
    if match is None:
        raise ValueError(f"pyLoad config: no {key} in {section}")
    return text[: match.start()] + match.group(1) + value + text[match.end() :]


def start_pyload(rt: Runtime, log: Path) -> Started:
    """pyLoad on loopback: a dry run writes its default config, which we then pin to 127.0.0.1.

    ClickNLoad (a proxy it opens on 0.0.0.0:9666) is switched off: nothing may listen beyond
    loopback. The web UI keeps the shipped defaults otherwise (production server, admin pyload).
    """
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="corpus-pyload-"))
    pyload = str(Path(rt.python).parent / "pyload")
    folders = ["--userdir", str(work / "user"), "--tempdir", str(work / "tmp")]
    folders += ["--storagedir", str(work / "dl"), "--pidfile", str(work / "pyload.pid")]
    subprocess.run([pyload, *folders, "--dry-run"], check=True, capture_output=True, timeout=120)
    cfg = work / "user" / "settings" / "pyload.cfg"
    text = _set(cfg.read_text(), "webui", "ip host", HOST)
    cfg.write_text(_set(text, "webui", "int port", str(port)))
    plugins = work / "user" / "settings" / "plugins.cfg"
    plugins.write_text(_set(plugins.read_text(), "ClickNLoad", "bool enabled", "False"))
    return launch(rt, [pyload, *folders], port, work, log, "/login")


def start_changedetection(rt: Runtime, log: Path) -> Started:
    """changedetection.io on a datastore with no watches: a new one would add two internet ones."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="corpus-cd-"))
    (work / "url-watches.json").write_text(json.dumps({"watching": {}}))
    app = str(Path(rt.python).parent / "changedetection.io")
    return launch(rt, [app, "-h", HOST, "-p", str(port), "-d", str(work)], port, work, log)


@dataclass(frozen=True)
class CorpusTarget:
    name: str
    requirements: tuple[str, ...]  # pip requirement strings, every one pinned with ==
    start: Callable[[Runtime, Path], Started]
    spec: str = ""  # the OpenAPI path schemathesis needs; "" = it cannot run on this target
    assay_args: tuple[str, ...] = ()
    logins: tuple[tuple[str, str], ...] = ()  # the identities both tools get
    pre_install: tuple[tuple[str, ...], ...] = ()
    st_args: tuple[str, ...] = ()  # Schemathesis' own way to the same identity (a header)

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
        *(
            CorpusTarget(
                f"jupyter-server-{v}",
                (f"jupyter_server=={v}",),
                start_jupyter,
                spec=f"/api/spec.yaml?token={JUPYTER_TOKEN}",
                assay_args=(*DEPTH_2, *JUPYTER_LOGIN, *JUPYTER_HEADER),
                st_args=JUPYTER_ST,
            )
            for v in ("2.7.1", "2.7.2")
        ),
        *(
            CorpusTarget(
                f"pyload-ng-{v}",
                (f"pyload-ng=={v}",),
                start_pyload,
                assay_args=DEPTH_2,
                logins=(PYLOAD_ADMIN,),
            )
            for v in ("0.5.0b3.dev75", "0.5.0b3.dev80")
        ),
        *(
            CorpusTarget(
                f"changedetection-{v}",
                (f"changedetection.io=={v}",),
                start_changedetection,
                assay_args=DEPTH_2,
            )
            for v in ("0.45.20", "0.45.22")
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
