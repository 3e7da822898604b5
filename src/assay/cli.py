"""The ``assay`` command: run, demo and serve, over the same pipeline as the HTTP API."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console

from assay.domain.findings import SEVERITY_ORDER
from assay.domain.run import RunResult
from assay.domain.target import Credentials, Target
from assay.errors import AssayError, InvalidUrl, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Automated QA for web apps and HTTP APIs.")
err = Console(stderr=True)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEMO_DEPTH = 3


def parse_login(value: str) -> Credentials:
    """``USER:PASSWORD`` or ``ROLE=USER:PASSWORD``."""
    role = "user"
    if "=" in value.split(":", 1)[0]:
        role, value = value.split("=", 1)
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise UsageError("--login takes USER:PASSWORD (or ROLE=USER:PASSWORD)")
    return Credentials(username=user, password=password, role=role or "user")


def credentials_from(logins: list[str]) -> tuple[Credentials, ...]:
    """Command-line logins, else ASSAY_LOGIN / ASSAY_USERNAME+ASSAY_PASSWORD (kept out of shell history)."""
    found = [parse_login(v) for v in logins]
    if not found and os.environ.get("ASSAY_LOGIN"):
        found.append(parse_login(os.environ["ASSAY_LOGIN"]))
    if not found and os.environ.get("ASSAY_USERNAME"):
        found.append(Credentials(os.environ["ASSAY_USERNAME"], os.environ.get("ASSAY_PASSWORD", "")))
    return tuple(found)


def wfc_credentials(path: Path | None) -> tuple[Credentials, ...]:
    """The users of a WFC auth file (``--auth-wfc``); a missing or malformed file is a usage error."""
    if path is None:
        return ()
    from assay.security.identities import load_wfc_auth

    try:
        found = load_wfc_auth(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--auth-wfc {path}: {exc}") from exc
    if not found:
        raise UsageError(f"--auth-wfc {path}: no user with a username and password in its 'auth' list")
    return found


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidUrl(f"{url!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:8000")
    return url.rstrip("/") or url


def default_out_dir() -> Path:
    return Path("assay-out") / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


@app.command()
def run(
    url: Annotated[str, typer.Argument(help="Base URL of the API or web app under test.")],
    spec: Annotated[
        str | None, typer.Option(help="OpenAPI/Swagger file or URL (discovered if omitted).")
    ] = None,
    login: Annotated[
        list[str] | None, typer.Option(help="USER:PASSWORD or ROLE=USER:PASSWORD; repeatable.")
    ] = None,
    instruction: Annotated[str | None, typer.Option(help="What to focus on, in plain words.")] = None,
    budget: Annotated[float, typer.Option(help="Seconds the execution may take.")] = 60.0,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default ./assay-out/<timestamp>/).")
    ] = None,
    allow_host: Annotated[list[str] | None, typer.Option(help="Mark a host as a test system.")] = None,
    execute: Annotated[bool, typer.Option(help="Execute scenarios against the target.")] = True,
    auth_wfc: Annotated[
        Path | None, typer.Option(help="Web Fuzzing Commons auth file (YAML/JSON/TOML) naming more users.")
    ] = None,
    destructive: Annotated[
        bool, typer.Option(help="Let security checks change or delete objects assay did not create.")
    ] = False,
    depth: Annotated[
        int, typer.Option(min=1, max=3, help="Crawl depth of web pages: 1 this page, 2 its links, 3 deeper.")
    ] = 1,
) -> None:
    """Observe URL, write scenarios, analyse and execute them, generate a pytest suite and a report."""
    try:
        target = Target(
            base_url=check_url(url), spec_location=spec,
            credentials=credentials_from(login or []) + wfc_credentials(auth_wfc),
            instruction=instruction, budget_seconds=budget, allowed_hosts=tuple(allow_host or ()),
            destructive=destructive, depth=depth,
        )  # fmt: skip
        if budget <= 0:
            raise UsageError("--budget must be a positive number of seconds")
    except AssayError as exc:
        _die(str(exc))
    result = _execute(target, out or default_out_dir(), execute)
    raise typer.Exit(_exit_code(result))


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    budget: Annotated[float, typer.Option(help="Seconds the execution may take.")] = 60.0,
) -> None:
    """Start the bundled demo (an API and a web UI, with deliberate faults) on 127.0.0.1; run assay."""
    from assay.demo.app import create_app
    from assay.demo.server import serve_in_thread

    server = serve_in_thread(create_app())
    try:
        err.print(f"[bold]demo target[/] running at {server.base_url} (planted faults: see assay/demo)")
        # The home page links the web UI (/ui/), whose pages link each other: depth 3 reaches them all.
        target = Target(base_url=server.base_url, budget_seconds=budget, depth=DEMO_DEPTH)
        result = _execute(target, out or default_out_dir(), True)
    finally:
        server.stop()
    # The demo's faults are deliberate: finding them is success, so only a failed run exits non-zero.
    raise typer.Exit(EXIT_ERROR if result.error and result.observation is None else EXIT_OK)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
) -> None:
    """Serve the HTTP API (/api/v2) and the dashboard."""
    from assay.api.server import serve as serve_api

    serve_api(host, port)


def _execute(target: Target, out_dir: Path, execute: bool) -> RunResult:
    from assay.runner_cli import run_and_write

    console = Console(stderr=True, soft_wrap=True)  # long finding lines stay whole in logs
    result = asyncio.run(run_and_write(target, out_dir, execute=execute, console=console))
    if result.observation is None and result.error:
        _die(result.error)
    return result


def _exit_code(result: RunResult) -> int:
    if result.error and result.analysis is None:
        return EXIT_ERROR
    worst = max((SEVERITY_ORDER[f.severity] for f in result.findings), default=-1)
    return EXIT_FINDINGS if worst >= SEVERITY_ORDER["high"] else EXIT_OK


def _die(message: str) -> None:
    err.print(f"[red]assay: error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("assay: interrupted")
        sys.exit(130)
