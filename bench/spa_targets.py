"""Third-party single-page apps for bench/spa_behaviours.py: install by package name, start on loopback.

Each app is installed from npm or PyPI by name at a pinned version into its own folder under
``/tmp/assay-spa/<app>`` (never committed): npm packages with ``npm install <pkg>@<version>``,
Python ones into a venv made from the system Python (our interpreter may live under /root, which
``nobody`` cannot enter). Each app then runs on 127.0.0.1 on a free port as ``nobody`` with a
clean environment (``trust_apps.launch``), on data of its own in a throwaway folder: what it needs
to be worth using (tiddlers to search, studies to list) is written there as plain data, never code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.apps.webapps import free_port
from trust_apps import HOST, Runtime, Started, launch

ROOT = Path("/tmp/assay-spa")
NODE = "/usr/bin/node"  # npm's node; nobody can run it, unlike anything under /root
CHECKLISTS = Path(__file__).resolve().parent / "spa_checklists"
# Seed tiddlers: (title, tags, text). Words in their text give search something to find.
TIDDLERS = (
    ("Groceries", "shopping", "Milk, eggs and bread for the week."),
    ("Garden plan", "home", "Plant tomatoes in May, beans in June."),
    ("Reading list", "books", "Dune, Neuromancer and Hyperion."),
    ("Trip to Lisbon", "travel", "Flights booked for June; a hotel near the river."),
)
# Nine studies named as in optuna-dashboard issue #1073's reproduction, three trials each.
OPTUNA_SEED = """
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
for n in (1, 2, 3):
    for prefix in ("AA", "AB", "AC"):
        study = optuna.create_study(study_name=f"{prefix}{n}", storage=sys.argv[1])
        study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 2) ** 2, n_trials=3)
"""


@dataclass(frozen=True)
class SpaTarget:
    name: str  # also the checklist's file name: spa_checklists/<name>.json
    registry: str  # "npm" or "pypi"
    requirements: tuple[str, ...]  # "pkg@version" (npm) or "pkg==version" (pypi), all pinned
    start: Callable[[SpaTarget, Runtime, Path], Started]
    path: str = "/"  # where a user opens the app

    @property
    def folder(self) -> Path:
        return ROOT / self.install_key

    @property
    def install_key(self) -> str:
        """Apps from one package share one install (the TodoMVC examples)."""
        return "-".join(r.replace("@", "-").replace("==", "-") for r in self.requirements)

    @property
    def checklist(self) -> Path:
        return CHECKLISTS / f"{self.name}.json"


def _unprivileged() -> bool:
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


def _install_npm(target: SpaTarget) -> None:
    target.folder.mkdir(parents=True, exist_ok=True)
    cmd = ["npm", "install", "--no-audit", "--no-fund", "--no-save", *target.requirements]
    subprocess.run(cmd, cwd=target.folder, check=True, capture_output=True, timeout=600)


def _install_pypi(target: SpaTarget) -> None:
    system = Path("/usr/bin") / f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = str(system) if system.is_file() else sys.executable
    subprocess.run([base, "-m", "venv", str(target.folder)], check=True)
    pip = [str(target.folder / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *target.requirements], check=True, timeout=900)


def runtime_for(target: SpaTarget) -> Runtime:
    """Install the target's pinned packages by name once; the interpreter that runs it."""
    done = target.folder / "spa-installed.txt"
    wanted = "\n".join(target.requirements)
    if not done.exists() or done.read_text() != wanted:
        (_install_npm if target.registry == "npm" else _install_pypi)(target)
        done.write_text(wanted)
    python = target.folder / "bin" / "python"
    return Runtime(NODE if target.registry == "npm" else str(python), _unprivileged())


def _bin(target: SpaTarget, name: str) -> str:
    if target.registry == "npm":
        return str(target.folder / "node_modules" / ".bin" / name)
    return str(target.folder / "bin" / name)


def start_todomvc(target: SpaTarget, rt: Runtime, log: Path) -> Started:
    """The todomvc package's own Express app (it exports it unstarted) on loopback."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="spa-todomvc-"))
    module = str(target.folder / "node_modules" / "todomvc")
    script = f"require({module!r}).listen({port}, {HOST!r})"
    return launch(rt, [NODE, "-e", script], port, work, log, target.path)


def start_tiddlywiki(target: SpaTarget, rt: Runtime, log: Path) -> Started:
    """A fresh wiki of the package's 'server' edition, with the seed tiddlers, saved to its folder."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="spa-tiddlywiki-"))
    tw = _bin(target, "tiddlywiki")
    subprocess.run([NODE, tw, str(work / "wiki"), "--init", "server"], check=True, capture_output=True)
    tiddlers = work / "wiki" / "tiddlers"
    tiddlers.mkdir(exist_ok=True)
    for title, tags, text in TIDDLERS:
        (tiddlers / f"{title}.tid").write_text(f"title: {title}\ntags: {tags}\n\n{text}\n")
    args = [NODE, tw, str(work / "wiki"), "--listen", f"host={HOST}", f"port={port}"]
    return launch(rt, args, port, work, log, target.path)


def start_optuna_dashboard(target: SpaTarget, rt: Runtime, log: Path) -> Started:
    """optuna-dashboard on a fresh SQLite file holding the nine seed studies."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="spa-optuna-"))
    storage = f"sqlite:///{work / 'studies.db'}"
    subprocess.run([rt.python, "-c", OPTUNA_SEED, storage], check=True, capture_output=True, timeout=300)
    args = [_bin(target, "optuna-dashboard"), storage, "--host", HOST, "--port", str(port)]
    return launch(rt, args, port, work, log, target.path)


TODOMVC = ("todomvc@0.1.1",)
TARGETS: dict[str, SpaTarget] = {
    t.name: t
    for t in (
        SpaTarget("todomvc-react", "npm", TODOMVC, start_todomvc, "/examples/react/"),
        SpaTarget("todomvc-jquery", "npm", TODOMVC, start_todomvc, "/examples/jquery/"),
        SpaTarget("tiddlywiki", "npm", ("tiddlywiki@5.4.1",), start_tiddlywiki, "/"),
        SpaTarget(
            "optuna-dashboard",
            "pypi",
            ("optuna-dashboard==0.21.0", "optuna==4.3.0"),
            start_optuna_dashboard,
            "/dashboard",
        ),
    )
}
