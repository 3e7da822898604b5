"""Measure assay on third-party apps (issue 13, "Trust first"): findings, determinism, containment.

For each target (httpbin, todolist-fastapi, datasette, Django's admin, all installed from PyPI),
the app is started fresh on 127.0.0.1 as ``nobody`` with a clean environment, ``assay run`` runs
against it as a subprocess, then the app is stopped; this happens twice per target, one target
after another (never in parallel). assay runs with HTTP_PROXY/HTTPS_PROXY/ALL_PROXY pointing at a
logging sinkhole on loopback started here: every connection it receives is traffic that tried to
leave the machine.

    python bench/trust.py [--out-root DIR] [--runs 2] [TARGET ...]

Per target it prints wall time, exit code, findings by severity, the (category, method, path)
set, whether the runs' sets are identical (and their symmetric difference), requests sent
(assay's own count) and served (the app's access log), and the sinkhole's connections.
Raw outputs stay in ``--out-root``: one folder per run with assay's outputs, its console log,
the app's log, and ``results.json`` for all runs. Not part of the test suite; see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trust_apps import APPS, HOST, App, Runtime, app_runtime  # noqa: E402

Key = tuple[str, str, str]
SEVERITIES = ("critical", "high", "medium", "low", "info")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
LEGEND = (
    "scenarios: passed/failed/skipped+blocked; sent: assay's own count (HTTP side, browser excluded);"
    " served: the app's access log (browser included); writes: POST/PUT/PATCH/DELETE in that log;"
    " sinkhole: connections that tried to leave the machine through the proxy;"
    " seed intact: rows assay did not create (seeded before the run) are unchanged after it."
)


# --- the proxy sinkhole --------------------------------------------------------------------


class Sinkhole(socketserver.ThreadingTCPServer):
    """Accepts any connection, records its first request line, answers 502 and closes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__((HOST, 0), _SinkholeHandler)
        self.lock = threading.Lock()
        self.seen: list[str] = []
        self.port = int(self.server_address[1])
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def take(self) -> list[str]:
        """The connections received since the last call."""
        with self.lock:
            seen, self.seen = self.seen, []
        return seen


class _SinkholeHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(3)
        try:
            head = sock.recv(4096).split(b"\r\n", 1)[0].decode("latin-1", "replace")
        except OSError:
            head = ""
        server = self.server
        assert isinstance(server, Sinkhole)
        with server.lock:
            server.seen.append(head[:200] or "(no-request-line)")
        with contextlib.suppress(OSError):
            sock.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def destination(line: str) -> str:
    """Where a proxied request wanted to go: the method and origin, without path or query."""
    if " " not in line:
        return line
    method, _, rest = line.partition(" ")
    target = rest.split(" ", 1)[0]
    scheme, sep, tail = target.partition("://")
    return f"{method} {scheme}{sep}{tail.split('/', 1)[0]}" if sep else f"{method} {target}"


# --- one run -------------------------------------------------------------------------------


@dataclass
class Run:
    target: str
    index: int
    command: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    exit_code: int | None = None
    findings: list[dict[str, str]] = field(default_factory=list)
    requests_sent: int | None = None
    requests_served: int = 0
    writes_served: int = 0
    seed_checked: int = 0
    seed_lost: list[str] = field(default_factory=list)
    scenarios: dict[str, int] = field(default_factory=dict)
    sinkhole: list[str] = field(default_factory=list)
    unprivileged: bool = False
    error: str = ""

    @property
    def keys(self) -> set[Key]:
        return {(f["category"], f["method"], f["path"]) for f in self.findings}

    @property
    def by_severity(self) -> Counter[str]:
        return Counter(f["severity"] for f in self.findings)


def proxy_env(sinkhole: Sinkhole) -> dict[str, str]:
    names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    proxies = {name: sinkhole.url for name in names} | {name.lower(): sinkhole.url for name in names}
    # Loopback stays direct, as in a corporate setup: only traffic leaving the machine is caught.
    no_proxy = {"NO_PROXY": f"{HOST},localhost", "no_proxy": f"{HOST},localhost"}
    src = os.environ.get("PYTHONPATH", str(ROOT / "src"))
    return {**os.environ, **proxies, **no_proxy, "PYTHONPATH": src}


def assay_command(args: argparse.Namespace, app: App, base_url: str, out: Path) -> list[str]:
    cmd = [*args.assay_cmd.split(), "run", base_url + app.path]
    if app.spec:
        cmd += ["--spec", base_url + app.spec]
    if args.budget is not None:
        cmd += ["--budget", str(args.budget)]
    return [*cmd, *app.extra, "--out", str(out)]


def read_findings(run: Run, out: Path) -> None:
    try:
        document = json.loads((out / "findings.json").read_text())
    except (OSError, ValueError) as exc:
        run.error = run.error or f"no findings.json: {exc}"
        return
    for f in document.get("findings", []):
        row = {k: str(f.get(k, "")) for k in ("id", "category", "severity", "method", "path", "title")}
        row["method"] = row["method"].upper()
        row["proof"] = str(f.get("proof", "-"))
        row["identity"] = str(f.get("identity", "-"))
        run.findings.append(row)
    sent = document.get("summary", {}).get("requests_sent")
    run.requests_sent = int(sent) if isinstance(sent, int) else None
    scenarios = document.get("summary", {}).get("scenarios", {})
    run.scenarios = {k: v for k, v in scenarios.items() if isinstance(v, int)}


def run_once(name: str, index: int, args: argparse.Namespace, sinkhole: Sinkhole, rt: Runtime) -> Run:
    """Start the app fresh, seed it, run assay against it once, stop it and read what happened."""
    app, folder = APPS[name], args.out_root / f"{name}-{index}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    run = Run(name, index)
    try:
        started = app.start(rt, folder / "app.log")
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        run.error = f"the app did not start: {exc}"[:300]
        return run
    run.unprivileged = started.unprivileged
    try:
        if app.seed:
            app.seed(started)
        seeded = app.snapshot(started) if app.snapshot else []
        before = started.served()
        run.command = assay_command(args, app, started.server.base_url, folder / "out")
        execute(run, folder / "assay.log", sinkhole, args.timeout)
    finally:
        started.server.stop()
    if app.snapshot:
        run.seed_lost = sorted(set(seeded) - set(app.snapshot(started)))
        run.seed_checked = len(seeded)
    served = started.served() - before
    run.requests_served = served.total()
    run.writes_served = sum(n for method, n in served.items() if method in WRITES)
    read_findings(run, folder / "out")
    return run


def execute(run: Run, log: Path, sinkhole: Sinkhole, timeout: float) -> None:
    """Run assay's command with the proxies pointing at the sinkhole; record time, exit, leaks."""
    sinkhole.take()
    clock = time.monotonic()
    try:
        with log.open("w") as console:
            done = subprocess.run(run.command, stdout=console, stderr=subprocess.STDOUT,
                                  env=proxy_env(sinkhole), timeout=timeout, check=False)  # fmt: skip
        run.exit_code = done.returncode
    except subprocess.TimeoutExpired:
        run.error = f"timed out after {timeout:.0f} s"
    except OSError as exc:
        run.error = f"assay did not start: {exc}"
    run.wall_s = round(time.monotonic() - clock, 1)
    time.sleep(1)  # let the sinkhole's last handler record its line
    run.sinkhole = [destination(line) for line in sinkhole.take()]


# --- the summary ---------------------------------------------------------------------------


def severity_text(run: Run) -> str:
    counts = run.by_severity
    return " ".join(f"{s[0].upper()}{counts[s]}" for s in SEVERITIES if counts[s]) or "none"


def scenario_text(run: Run) -> str:
    s = run.scenarios
    return (
        f"{s.get('passed', 0)}/{s.get('failed', 0)}/{s.get('skipped', 0) + s.get('blocked', 0)}" if s else "-"
    )


def key_text(key: Key) -> str:
    return f"{key[0]} {key[1]} {key[2]}"


def target_section(name: str, runs: list[Run]) -> list[str]:
    lines = [f"### {name}", "", f"`{' '.join(runs[0].command)}`", ""]
    lines += [RUN_HEAD, "|---" * (RUN_HEAD.count("|") - 1) + "|"]
    lines += [run_row(r) for r in runs]
    sets = [r.keys for r in runs]
    same = all(s == sets[0] for s in sets)
    lines += ["", f"Identical (category, method, path) sets across runs: **{'yes' if same else 'no'}**"]
    if not same:
        union, common = set().union(*sets), set.intersection(*sets)
        for key in sorted(union - common):
            where = ",".join(str(r.index) for r in runs if key in r.keys)
            lines.append(f"- only in run {where}: {key_text(key)}")
    lines += ["", "Findings of run 1 (id severity proof identity: category method path — title):", ""]
    lines += [finding_line(f) for f in runs[0].findings]
    for r in runs:
        lines += [f"- run {r.index} sinkhole: {line}" for line in sorted(set(r.sinkhole))]
        lines += [f"- run {r.index} seeded row changed or gone: {row}" for row in r.seed_lost]
    return [*lines, ""]


RUN_HEAD = (
    "| run | wall s | exit | findings | by severity | scenarios | sent | served | writes | sinkhole"
    " | seed intact |"
)


def seed_text(run: Run) -> str:
    if not run.seed_checked:
        return "-"
    return "yes" if not run.seed_lost else f"no ({len(run.seed_lost)}/{run.seed_checked} rows)"


def run_row(r: Run) -> str:
    exit_text = r.exit_code if r.error == "" else f"{r.exit_code} ({r.error})"
    sent = "-" if r.requests_sent is None else r.requests_sent
    return (
        f"| {r.index} | {r.wall_s} | {exit_text} | {len(r.findings)} | {severity_text(r)}"
        f" | {scenario_text(r)} | {sent} | {r.requests_served} | {r.writes_served}"
        f" | {len(r.sinkhole)} | {seed_text(r)} |"
    )


def finding_line(f: dict[str, str]) -> str:
    where = f"{f['category']} {f['method']} {f['path']}"
    return f"- {f['id']} {f['severity']} {f['proof']} {f['identity']}: {where} — {f['title']}"


def summary_table(results: dict[str, list[Run]]) -> list[str]:
    lines = [
        "| target | wall s | exit | findings | by severity (run 1) | same set | sinkhole | seed intact |"
    ]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for name, runs in results.items():
        same = all(r.keys == runs[0].keys for r in runs)
        lines.append(
            f"| {name} | {' / '.join(str(r.wall_s) for r in runs)}"
            f" | {' / '.join(str(r.exit_code) for r in runs)}"
            f" | {' / '.join(str(len(r.findings)) for r in runs)} | {severity_text(runs[0])}"
            f" | {'yes' if same else 'no'} | {sum(len(r.sinkhole) for r in runs)}"
            f" | {' / '.join(seed_text(r) for r in runs)} |"
        )
    return [*lines, ""]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("targets", nargs="*", default=list(APPS), help=f"among {', '.join(APPS)}")
    parser.add_argument("--out-root", type=Path, default=Path(tempfile.gettempdir()) / "trust")
    parser.add_argument("--runs", type=int, default=2, help="runs per target, each on a fresh app")
    parser.add_argument("--budget", type=float, default=None, help="assay's --budget (default: assay's own)")
    parser.add_argument("--timeout", type=float, default=900, help="hard cap per assay run, seconds")
    parser.add_argument("--assay-cmd", default=f"{sys.executable} -m assay")
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in APPS]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; choose among {', '.join(APPS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out_root.mkdir(parents=True, exist_ok=True)
    sinkhole = Sinkhole()
    rt = app_runtime(args.out_root)
    results: dict[str, list[Run]] = {}
    for name in args.targets:
        results[name] = []
        for index in range(1, args.runs + 1):
            print(f"{name} run {index}...", file=sys.stderr, flush=True)
            results[name].append(run_once(name, index, args, sinkhole, rt))
    sinkhole.shutdown()
    who = "as nobody, clean environment" if rt.unprivileged else rt.note
    text = [f"Apps run {who}; sinkhole at {sinkhole.url}.", "", LEGEND, "", *summary_table(results)]
    for name, runs in results.items():
        text += target_section(name, runs)
    print("\n".join(text))
    dump = {name: [asdict(r) for r in runs] for name, runs in results.items()}
    (args.out_root / "results.json").write_text(json.dumps(dump, indent=2))
    (args.out_root / "summary.md").write_text("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
