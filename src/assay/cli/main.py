"""The ``assay`` command: run, demo and serve, through the same services as the HTTP API."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from assay.domain import clock
from assay.domain.baseline import Baseline, BaselineError, parse_baseline
from assay.domain.errors import AssayError, UsageError
from assay.domain.gate import DEFAULT_FAIL_ON, FailOn, failing
from assay.domain.run import RunResult
from assay.domain.target import DEEP_CRAWL, Credentials, MailAccount, Target
from assay.domain.verdict import is_inconclusive

if TYPE_CHECKING:  # pydantic-settings is imported only when a run reads its environment
    from assay.settings import CliSettings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Automated QA for web apps and HTTP APIs.")
err = Console(stderr=True)

# 3: no blocking finding, but the run could not test what it planned (see domain/verdict.py).
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCONCLUSIVE = 0, 1, 2, 3
DEMO_DEPTH = 3
CLI_DEPTH = DEEP_CRAWL  # level by level, so a deep default costs nothing on a small app
MAX_DEPTH = 30


def package_version() -> str:
    """The installed distribution's version (what ``pip show assay`` says), else the source's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("assay")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from assay import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"assay {package_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_print_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Automated QA for web apps and HTTP APIs."""


def load_baseline(path: Path | None) -> Baseline | None:
    """The findings of an earlier run's findings.json (``--baseline``); a file that cannot be read
    or is no findings.json is a usage error naming the file and what is wrong."""
    if path is None:
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return parse_baseline(document, str(path))
    except OSError as exc:
        raise UsageError(f"--baseline {path}: cannot read it ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"--baseline {path}: not JSON ({exc})") from exc
    except BaselineError as exc:
        raise UsageError(f"--baseline {path}: {exc}") from exc


def parse_login(value: str) -> Credentials:
    """``USER:PASSWORD`` or ``ROLE=USER:PASSWORD``."""
    role = "user"
    if "=" in value.split(":", 1)[0]:
        role, value = value.split("=", 1)
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise UsageError("--login takes USER:PASSWORD (or ROLE=USER:PASSWORD)")
    return Credentials(username=user, password=password, role=role or "user")


def cli_settings() -> CliSettings:
    """The one read of the CLI's environment (ASSAY_LOGIN, ASSAY_MAIL_LOGIN, ASSAY_IMAP_*, ...)."""
    from pydantic import ValidationError

    from assay.settings import CliSettings

    try:
        return CliSettings()
    except ValidationError as exc:
        names = ", ".join(f"ASSAY_{str(e['loc'][0]).upper()}" for e in exc.errors() if e["loc"])
        raise UsageError(f"{names or 'an ASSAY_ variable'}: not a valid value") from exc


def credentials_from(logins: list[str], env: CliSettings) -> tuple[Credentials, ...]:
    """Command-line logins, else ASSAY_LOGIN / ASSAY_USERNAME+ASSAY_PASSWORD (kept out of shell history)."""
    found = [parse_login(v) for v in logins]
    if not found and env.login:
        found.append(parse_login(env.login))
    if not found and env.username:
        found.append(Credentials(env.username, env.password))
    return tuple(found)


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def parse_header(value: str) -> tuple[str, str]:
    """``NAME: VALUE`` (``Authorization: token abc``, ``X-API-Key: abc``)."""
    name, sep, rest = value.partition(":")
    name, rest = name.strip(), rest.strip()
    if not sep or not name or not rest or not set(name) <= _TOKEN_CHARS:
        raise UsageError('--header takes "NAME: VALUE" (e.g. "Authorization: token abc")')
    return name, rest


def with_fixed_headers(
    found: tuple[Credentials, ...], values: list[str], env: CliSettings
) -> tuple[Credentials, ...]:
    """The primary identity with --header / ASSAY_HEADERS attached: the first --login, or (none
    given) an identity of these headers alone."""
    headers = tuple(parse_header(v) for v in (values or env.headers))
    if not headers:
        return found
    if not found:
        return (Credentials("", "", headers=headers),)
    return (replace(found[0], headers=(*found[0].headers, *headers)), *found[1:])


def parse_mail_login(value: str, env: CliSettings) -> MailAccount:
    """``EMAIL:APP_PASSWORD``; the IMAP server from ASSAY_IMAP_HOST / _PORT / _SSL, else the domain's."""
    address, sep, password = value.partition(":")
    if not sep or "@" not in address:
        raise UsageError("--mail-login takes EMAIL:APP_PASSWORD (e.g. a Gmail app password)")
    return env.mail_server().serve_mail(MailAccount(address, password))


def with_second_factor(
    found: tuple[Credentials, ...], mail_login: str | None, totp_secret: str | None, env: CliSettings
) -> tuple[Credentials, ...]:
    """The first login with its second step's sources: --mail-login / ASSAY_MAIL_LOGIN (a mailbox
    receiving one-time codes) and --totp-secret / ASSAY_TOTP_SECRET."""
    mail_value = mail_login or env.mail_login
    secret = totp_secret or env.totp_secret
    if not mail_value and not secret:
        return found
    if not found:
        raise UsageError("--mail-login and --totp-secret complete a login: give --login too")
    if secret:
        _check_totp(secret)
    mail = parse_mail_login(mail_value, env) if mail_value else None
    return (replace(found[0], totp_secret=secret or None, mail=mail), *found[1:])


def _check_totp(secret: str) -> None:
    from assay.pages.otp import totp_code

    try:
        totp_code(secret)
    except ValueError as exc:  # binascii.Error included
        raise UsageError("--totp-secret must be the base32 secret shown when 2FA was set up") from exc


def wfc_credentials(path: Path | None) -> tuple[Credentials, ...]:
    """The users of a WFC auth file (``--auth-wfc``); a missing or malformed file is a usage error."""
    if path is None:
        return ()
    from assay.agents.analysis.security.identities import load_wfc_auth

    try:
        found = load_wfc_auth(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--auth-wfc {path}: {exc}") from exc
    if not found:
        raise UsageError(f"--auth-wfc {path}: no user with a login or fixedHeaders in its 'auth' list")
    return found


def check_url(url: str) -> str:
    """The URL as a run's target; InvalidUrl, in words, as the API's policy would say it."""
    from assay.domain.host_policy import parse_target_url

    parse_target_url(url)
    return url.strip().rstrip("/") or url


def default_out_dir() -> Path:
    return Path("assay-out") / clock.folder_stamp(clock.now())


SpecOption = Annotated[str | None, typer.Option(help="OpenAPI/Swagger file or URL (discovered if omitted).")]
LoginOption = Annotated[
    list[str] | None, typer.Option(help="USER:PASSWORD or ROLE=USER:PASSWORD; repeatable.")
]
OutOption = Annotated[Path | None, typer.Option(help="Output folder (default ./assay-out/<timestamp>/).")]
MailLoginOption = Annotated[
    str | None,
    typer.Option(
        help="EMAIL:APP_PASSWORD of the mailbox receiving one-time login codes (or ASSAY_MAIL_LOGIN)."
    ),
]
HeaderOption = Annotated[
    list[str] | None,
    typer.Option(
        "--header",
        help='"NAME: VALUE", a fixed credential header (static token, API key) of the first login, '
        "or of an identity of its own; repeatable (or ASSAY_HEADERS). Redacted from every output.",
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        case_sensitive=False,
        help="Exit 1 when a proven finding is this severe or more (with --baseline: a new one); "
        "'none': findings never fail the run.",
    ),
]
BaselineOption = Annotated[
    Path | None,
    typer.Option(
        help="findings.json of an earlier run: mark each finding new / still there / fixed, "
        "and let --fail-on count only new ones."
    ),
]
TotpSecretOption = Annotated[
    str | None, typer.Option(help="Base32 TOTP secret of the login's second step (or ASSAY_TOTP_SECRET).")
]


@app.command()
def run(
    url: Annotated[str, typer.Argument(help="Base URL of the API or web app under test.")],
    spec: SpecOption = None,
    login: LoginOption = None,
    instruction: Annotated[str | None, typer.Option(help="What to focus on, in plain words.")] = None,
    budget: Annotated[float, typer.Option(help="Seconds the execution may take.")] = 60.0,
    out: OutOption = None,
    allow_host: Annotated[list[str] | None, typer.Option(help="Mark a host as a test system.")] = None,
    execute: Annotated[bool, typer.Option(help="Execute scenarios against the target.")] = True,
    auth_wfc: Annotated[
        Path | None, typer.Option(help="Web Fuzzing Commons auth file (YAML/JSON/TOML) naming more users.")
    ] = None,
    destructive: Annotated[
        bool, typer.Option(help="Let security checks change or delete objects assay did not create.")
    ] = False,
    depth: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_DEPTH,
            help=f"How many navigations deep the browser crawls a web app: 1 this page only, 2 the pages"
            f" it leads to, and so on (default {CLI_DEPTH}: pages {CLI_DEPTH - 1} clicks from the start).",
        ),
    ] = CLI_DEPTH,
    mail_login: MailLoginOption = None,
    totp_secret: TotpSecretOption = None,
    header: HeaderOption = None,
    fail_on: FailOnOption = DEFAULT_FAIL_ON,
    baseline: BaselineOption = None,
) -> None:
    """Observe URL, write scenarios, analyse and execute them, generate a pytest suite and a report."""
    try:
        earlier = load_baseline(baseline)
        env = cli_settings()
        given = with_fixed_headers(credentials_from(login or [], env), header or [], env)
        logins = with_second_factor(given + wfc_credentials(auth_wfc), mail_login, totp_secret, env)
        target = Target(
            base_url=check_url(url), spec_location=spec, credentials=logins, instruction=instruction,
            budget_seconds=budget, allowed_hosts=tuple(allow_host or ()), destructive=destructive,
            depth=depth,
        )  # fmt: skip
        if budget <= 0:
            raise UsageError("--budget must be a positive number of seconds")
    except AssayError as exc:
        _die(str(exc))
    result = _execute(target, out or default_out_dir(), execute, earlier)
    raise typer.Exit(exit_code(result, fail_on))


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    budget: Annotated[float, typer.Option(help="Seconds the execution may take.")] = 60.0,
    serve_only: Annotated[
        bool,
        typer.Option(
            "--serve", help="Only start the demo target and keep it running (to run a generated suite)."
        ),
    ] = False,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The demo target's port (0: any free one).")
    ] = 0,
    fail_on: FailOnOption = DEFAULT_FAIL_ON,
    baseline: BaselineOption = None,
) -> None:
    """Start the bundled demo (an API and a web UI, with deliberate faults) on 127.0.0.1; run assay.

    Its exit code follows the same table as 'assay run': the planted critical faults make it
    exit 1 (the gate working); with '--fail-on none' it exits 0 once the run is done."""
    from assay.demo.app import create_app
    from assay.demo.server import serve_in_thread

    try:
        earlier = load_baseline(baseline)
    except AssayError as exc:
        _die(str(exc))
    try:
        server = serve_in_thread(create_app(), port=port)
    except OSError as exc:
        _die(f"cannot start the demo target on port {port}: {exc.strerror or exc}")
    if serve_only:
        _serve_demo(server.base_url, server.stop)
        return
    try:
        err.print(f"[bold]demo target[/] running at {server.base_url} (planted faults: see assay/demo)")
        # The home page links the web UI (/ui/), whose pages link each other: depth 3 reaches them all.
        target = Target(base_url=server.base_url, budget_seconds=budget, depth=DEMO_DEPTH)
        result = _execute(target, out or default_out_dir(), True, earlier)
    finally:
        server.stop()
    raise typer.Exit(exit_code(result, fail_on))


def _serve_demo(base_url: str, stop: Callable[[], None]) -> None:
    """Keep the demo target up until Ctrl-C, saying how to point a generated suite at it."""
    err.print(f"[bold]demo target[/] running at {base_url}; stop it with Ctrl-C")
    err.print(f"run a generated suite against it: BASE_URL={base_url} pytest tests/")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
) -> None:
    """Serve the HTTP API (/api/v2) and the dashboard."""
    from assay.cli.serve import serve as serve_api

    serve_api(host, port)


@app.command()
def worker(
    name: Annotated[str, typer.Option(help="This worker's name in Celery (default: celery@<host>).")] = "",
) -> None:
    """Run workflows from the queue on ASSAY_BROKER_URL (Redis), one at a time, until Ctrl-C.

    The store is ASSAY_DATABASE_URL's, shared with `assay serve` (PostgreSQL across machines).
    """
    from assay.cli.worker import work
    from assay.domain.errors import UsageError

    try:
        work(name or None)
    except UsageError as exc:
        _die(str(exc))


def _execute(target: Target, out_dir: Path, execute: bool, baseline: Baseline | None = None) -> RunResult:
    from assay.cli.run import run_and_write

    # Progress and errors on stderr, the summary on stdout; long finding lines stay whole in logs.
    console = Console(stderr=True, soft_wrap=True)
    summary = Console(soft_wrap=True)
    # run_and_write writes the outputs and prints the one-line error itself, whatever happened.
    try:
        result = asyncio.run(
            run_and_write(
                target, out_dir, execute=execute, console=console, summary=summary, baseline=baseline
            )
        )
    except OSError as exc:  # the output folder itself cannot be written: nowhere to put anything
        _die(f"cannot write to the output folder {out_dir}: {exc.strerror or exc}")
    if result.observation is None and result.error:
        raise typer.Exit(EXIT_ERROR)
    return result


def exit_code(result: RunResult, fail_on: FailOn = DEFAULT_FAIL_ON) -> int:
    """README's table: 2 a run that stopped before analysis, 1 a finding at ``fail_on`` (only new
    ones with a baseline), 3 inconclusive, else 0."""
    from assay.report.baseline import comparison

    if result.error and result.analysis is None:
        return EXIT_ERROR
    if failing(result.findings, fail_on, comparison(result)):
        return EXIT_FINDINGS
    return EXIT_INCONCLUSIVE if is_inconclusive(result) else EXIT_OK


def _die(message: str) -> None:
    err.print(f"[red]assay: error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("assay: interrupted")
        sys.exit(130)
