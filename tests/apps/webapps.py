"""Web apps nobody here wrote, installed from PyPI, started on 127.0.0.1 in a child process.

- Django's admin: ``startproject`` in a temporary folder, an app ``catalog`` with one model
  registered in the admin, migrated SQLite, a superuser (``ADMIN``), and a plain home page at /
  (the admin's "View site" link points there).
- datasette: a SQLite file with one table, served read-only.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
ADMIN = ("admin", "admin-pass-4821")

_MODELS = """from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    in_stock = models.BooleanField(default=True)

    def __str__(self):
        return self.name
"""
_ADMIN = """from django.contrib import admin

from catalog.models import Product

admin.site.register(Product)
"""
_URLS = """from django.contrib import admin
from django.http import HttpResponse
from django.urls import path


def home(request):
    return HttpResponse(
        '<!DOCTYPE html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1>'
        '<p><a href="/admin/">Administration</a></p></main></body></html>'
    )


urlpatterns = [path("", home), path("admin/", admin.site.urls)]
"""


class ProcessServer:
    """A server in a child process; requests are not counted (``requests_served`` stays 0)."""

    def __init__(self, args: list[str], cwd: Path, port: int, ready_path: str = "/") -> None:
        self.base_url = f"http://{HOST}:{port}"
        # A file, not a pipe: nobody reads the server's request log while it runs, and a full pipe
        # (64 KiB of log lines, a long run) would block the server mid-request.
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=self._log, text=True
        )
        self._wait(ready_path)

    def _wait(self, path: str) -> None:
        deadline = time.monotonic() + 120  # an upper bound: the loop ends once it answers
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(f"server exited: {self._log.read()}")
            try:
                httpx.get(self.base_url + path, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.base_url} did not start in 120 s")

    @property
    def requests_served(self) -> int:
        return 0

    def reset_request_count(self) -> None:
        return None

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        self._log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _manage(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=root, check=True, capture_output=True, env=env)


def django_project() -> Path:
    """A fresh project with the admin, one registered model, a migrated database and a superuser."""
    import os

    root = Path(tempfile.mkdtemp(prefix="assay-django-"))
    subprocess.run([sys.executable, "-m", "django", "startproject", "site_", str(root)], check=True)
    _manage(root, "startapp", "catalog")
    (root / "catalog" / "models.py").write_text(_MODELS)
    (root / "catalog" / "admin.py").write_text(_ADMIN)
    (root / "site_" / "urls.py").write_text(_URLS)
    settings = root / "site_" / "settings.py"
    text = settings.read_text().replace("DEBUG = True", "DEBUG = False")
    text = text.replace("ALLOWED_HOSTS = []", f"ALLOWED_HOSTS = [{HOST!r}, 'localhost']")
    text = text.replace("INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'catalog',")
    settings.write_text(text)
    _manage(root, "makemigrations", "catalog")
    _manage(root, "migrate")
    env = {**os.environ, "DJANGO_SUPERUSER_PASSWORD": ADMIN[1]}
    _manage(root, "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "a@example.com", env=env)
    return root


def start_django() -> ProcessServer:
    """``runserver --insecure``: DEBUG off (as in production) with the admin's static files served."""
    root = django_project()
    port = free_port()
    args = [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"{HOST}:{port}"]
    return ProcessServer(args, root, port, "/admin/login/")


def datasette_db() -> Path:
    root = Path(tempfile.mkdtemp(prefix="assay-datasette-"))
    path = root / "plans.db"
    with sqlite3.connect(path) as db:
        db.execute("create table plans (id integer primary key, name text not null, price real, data_gb int)")
        rows = [
            ("Starter", 9.5, 5),
            ("5G unlimited", 39.0, None),
            ("Family", 59.0, 100),
            ("Travel", 19.0, 10),
        ]
        db.executemany("insert into plans (name, price, data_gb) values (?, ?, ?)", rows)
    return path


def start_datasette() -> ProcessServer:
    db = datasette_db()
    port = free_port()
    exe = str(Path(sys.executable).with_name("datasette"))
    args = [exe, "serve", str(db), "-h", HOST, "-p", str(port)]
    return ProcessServer(args, db.parent, port, "/")
