"""The third-party targets of bench/trust.py: each started fresh on 127.0.0.1 in a child process.

Every app runs as ``nobody`` with a clean environment when we are root (``setpriv``), its stdout
and stderr in a log file (its access log gives the requests it served). Each target that keeps
data gets rows assay did not create (``seed``), and ``snapshot`` reads them back from the app's
own SQLite file: equal snapshots before and after a run mean assay left them alone.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.apps.webapps import ADMIN, ProcessServer, datasette_db, django_project, free_port

HOST = "127.0.0.1"
# One request line in werkzeug's, Django's and uvicorn's access logs, or in Tornado's (Jupyter's
# "[I 2026-01-01 10:00:00.000 ServerApp] 200 GET /api/status (user@127.0.0.1) 1.2ms").
ACCESS_LINE = re.compile(r'"([A-Z]+) \S+ HTTP/\d(?:\.\d)?"|\] \d{3} ([A-Z]+) \S+ \(')
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours its log lines
UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
SEED_TODO = {"title": "Pre-existing todo", "description": "not created by assay"}
SEED_PRODUCT = (
    "from catalog.models import Product; "
    "Product.objects.create(name='Pre-existing product', description='not created by assay', price=5)"
)


@dataclass
class Started:
    """A target running in a child process, and the file its output goes to."""

    server: ProcessServer
    log: Path
    unprivileged: bool
    workdir: Path

    def served(self) -> Counter[str]:
        """Requests in the app's access log so far by method (the readiness probe included)."""
        try:
            text = ANSI.sub("", self.log.read_text(errors="replace"))
        except OSError:
            return Counter()
        return Counter(match.group(1) or match.group(2) for match in ACCESS_LINE.finditer(text))


@dataclass(frozen=True)
class Runtime:
    """The Python the apps run on, and whether they run as nobody."""

    python: str
    unprivileged: bool
    note: str = ""


def app_runtime(root: Path) -> Runtime:
    """A venv nobody can run: our interpreter may live under /root, which nobody cannot enter.

    It is made from the system's Python of the same version and sees this environment's
    site-packages (the apps installed from PyPI) through a .pth file; nothing is downloaded.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / version
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return Runtime(sys.executable, False, "not root or no setpriv: apps run as the caller")
    if not system.is_file():
        return Runtime(sys.executable, False, f"no {system}: apps run as root")
    venv = root / "app-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True)
        pth = venv / "lib" / version / "site-packages" / "trust-apps.pth"
        pth.write_text("\n".join(site.getsitepackages()) + "\n")
    return Runtime(str(venv / "bin" / "python"), True)


def hand_to_nobody(folder: Path) -> None:
    """Let the unprivileged app read and write its own throwaway folder (databases, journals)."""
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)


def launch(rt: Runtime, args: list[str], port: int, cwd: Path, log: Path, ready: str = "/") -> Started:
    """Start ``args`` (as nobody if we can) with a clean environment, its output into ``log``."""
    path = f"PATH={Path(rt.python).parent}:/usr/bin:/bin"
    env = ["env", "-i", path, f"HOME={cwd}", "PYTHONUNBUFFERED=1", "LANG=C.UTF-8"]
    prefix = [*UNPRIVILEGED, *env] if rt.unprivileged else env
    if rt.unprivileged:
        hand_to_nobody(cwd)
    # The shell opens the log as the caller, then execs the app; nothing fills an unread pipe.
    wrapped = ["sh", "-c", 'log="$1"; shift; exec "$@" >>"$log" 2>&1', "sh", str(log), *prefix, *args]
    return Started(ProcessServer(wrapped, cwd, port, ready), log, rt.unprivileged, cwd)


def start_httpbin(rt: Runtime, log: Path) -> Started:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="trust-httpbin-"))
    args = [rt.python, "-m", "httpbin.core", "--host", HOST, "--port", str(port)]
    return launch(rt, args, port, work, log)


def start_todolist(rt: Runtime, log: Path) -> Started:
    # The package opens ./todos.db at import: a fresh folder gives a fresh, empty database.
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="trust-todo-"))
    app = "fastapi_todo_list.main:app"
    args = [rt.python, "-m", "uvicorn", app, "--host", HOST, "--port", str(port)]
    return launch(rt, args, port, work, log)


def start_datasette(rt: Runtime, log: Path) -> Started:
    db = datasette_db()
    port = free_port()
    args = [rt.python, "-m", "datasette", "serve", str(db), "-h", HOST, "-p", str(port)]
    return launch(rt, args, port, db.parent, log)


def start_django(rt: Runtime, log: Path) -> Started:
    root = django_project()
    manage = [sys.executable, "manage.py", "shell", "-c", SEED_PRODUCT]
    subprocess.run(manage, cwd=root, check=True, capture_output=True)
    port = free_port()
    args = [rt.python, "manage.py", "runserver", "--noreload", "--insecure", f"{HOST}:{port}"]
    return launch(rt, args, port, root, log, "/admin/login/")


def rows(db: Path, query: str) -> list[str]:
    """The rows ``query`` reads from an app's SQLite file, read-only, one string each."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return [repr(row) for row in connection.execute(query)]


def seed_todo(started: Started) -> None:
    httpx.post(started.server.base_url + "/todos", json=SEED_TODO, timeout=10).raise_for_status()


def todo_snapshot(started: Started) -> list[str]:
    return rows(
        started.workdir / "todos.db", "select * from todos where description = 'not created by assay'"
    )


def plans_snapshot(started: Started) -> list[str]:
    return rows(started.workdir / "plans.db", "select * from plans where id <= 4 order by id")


def django_snapshot(started: Started) -> list[str]:
    # Everything of the superuser but last_login, which signing in rightly updates.
    user = "select id, username, password, is_superuser, is_staff, is_active, email from auth_user"
    db = started.workdir / "db.sqlite3"
    products = "select * from catalog_product where description = 'not created by assay'"
    return rows(db, f"{user} where username = '{ADMIN[0]}'") + rows(db, products)


@dataclass(frozen=True)
class App:
    """How to start one target and what a new user would pass to ``assay run`` for it."""

    start: Callable[[Runtime, Path], Started]
    path: str = "/"
    spec: str = ""
    extra: tuple[str, ...] = ()
    seed: Callable[[Started], None] | None = None
    snapshot: Callable[[Started], list[str]] | None = None


APPS: dict[str, App] = {
    "httpbin": App(start_httpbin, spec="/spec.json"),
    "todolist-fastapi": App(start_todolist, spec="/openapi.json", seed=seed_todo, snapshot=todo_snapshot),
    "datasette": App(start_datasette, extra=("--depth", "2"), snapshot=plans_snapshot),
    "django-admin": App(
        start_django,
        "/admin/",
        extra=("--depth", "2", "--login", f"{ADMIN[0]}:{ADMIN[1]}"),
        snapshot=django_snapshot,
    ),
}
