"""The scored corpus (issue 10): assay and Schemathesis on third-party apps, judged by ground truth.

    python bench/corpus.py [TARGET...] [--out DIR] [--budget S] [--tools assay,schemathesis]

For each target of ``corpus_targets.TARGETS`` (all when none is named): install its pinned
release by package name (once, into ``--work``), start it fresh on 127.0.0.1 as ``nobody``, run
assay, stop it; start it fresh again, run Schemathesis (``--checks all``), stop it. Both tools get
the same identities (assay ``--login``; Schemathesis a WFC auth file through its config). Each
tool's findings are scored against ``corpus/<target>/ground_truth.json`` by ``corpus_scoring``;
the table gives documented items found / HTTP-observable items, false positives (medium+), wall
time and the requests the app's access log shows. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from compare_schemathesis import run_timed, st_findings  # noqa: E402
from corpus_scoring import Finding, Score, assay_findings, parse_ground_truth, score, totals  # noqa: E402
from corpus_targets import TARGETS, CorpusTarget, runtime_for  # noqa: E402
from trust_apps import Runtime, Started  # noqa: E402

TOOLS = ("assay", "schemathesis")
# httpbin's /delay and /drip sleep by design: schemathesis would spend its time timing out.
ST_EXTRA = {"httpbin": ["--exclude-path-regex", "^/(delay|drip)"]}


@dataclass
class ToolRun:
    target: str
    tool: str
    wall_s: float = 0.0
    requests: int = 0
    exit_code: int | None = None
    error: str = ""
    findings: list[Finding] = field(default_factory=list)
    score: Score | None = None
    counted_by: str = "app log"  # or "assay" when the app writes no access log (pyLoad's cheroot)

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "tool": self.tool,
            "wall_s": round(self.wall_s, 1),
            "requests": self.requests,
            "requests_counted_by": self.counted_by,
            "exit_code": self.exit_code,
            "error": self.error,
            "findings": [f.__dict__ for f in self.findings],
            "score": self.score.as_dict() if self.score else None,
        }


def wfc_file(target: CorpusTarget, folder: Path) -> Path:
    """The identities as a Web Fuzzing Commons auth file (both tools read this format)."""
    entries = [
        {
            "name": f"user{n}" if n else "admin" if "admin" in user else "user",
            "loginEndpointAuth": {
                "endpoint": "/login",
                "verb": "POST",
                "contentType": "application/json",
                "payloadUserPwd": {"username": user, "password": password},
            },
        }
        for n, (user, password) in enumerate(target.logins)
    ]
    path = folder / "auth.json"
    path.write_text(json.dumps({"auth": entries}, indent=2))
    return path


def served(started: Started) -> int:
    return sum(started.served().values())


def run_assay(target: CorpusTarget, started: Started, work: Path, args: argparse.Namespace) -> ToolRun:
    out = work / "assay-out"
    cmd = [sys.executable, "-m", "assay", "run", started.server.base_url, "--budget", str(args.budget)]
    cmd += ["--out", str(out), *target.assay_args]
    if target.spec:
        cmd += ["--spec", started.server.base_url + target.spec]
    for user, password in target.logins:
        cmd += ["--login", f"{user}:{password}"]
    before = served(started)
    wall, code, error = run_timed(cmd, args.timeout, work / "assay.log")
    run = ToolRun(target.name, "assay", wall, served(started) - before, code, error)
    try:
        document = json.loads((out / "findings.json").read_text())
        run.findings = assay_findings(document)
    except (OSError, ValueError, KeyError) as exc:
        run.error = run.error or f"no findings.json: {exc}"
        return run
    sent = document.get("summary", {}).get("requests_sent")
    if run.requests == 0 and isinstance(sent, int):  # no access log: assay's own count, said so
        run.requests, run.counted_by = sent, "assay"
    return run


def run_schemathesis(target: CorpusTarget, started: Started, work: Path, args: argparse.Namespace) -> ToolRun:
    base = started.server.base_url
    events = work / "st" / "events.ndjson"
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    cmd = [st]
    if target.logins:  # Schemathesis reads WFC users from its config, peers for authorization checks
        names = [e["name"] for e in json.loads(wfc_file(target, work).read_text())["auth"]]
        config = work / "schemathesis.toml"
        config.write_text(f'[auth.wfc]\npath = "{work / "auth.json"}"\npeers = {json.dumps(names)}\n')
        cmd += ["--config-file", str(config)]
    cmd += ["run", base + target.spec, "--url", base, "--checks", "all", "--seed", "1", "--no-color"]
    cmd += ["--max-examples", str(args.st_max_examples), "--workers", "1", "--request-timeout", "5"]
    cmd += ["--report", "ndjson", "--report-ndjson-path", str(events), *ST_EXTRA.get(target.name, [])]
    cmd += target.st_args
    before = served(started)
    wall, code, error = run_timed(cmd, args.timeout, work / "schemathesis.log")
    run = ToolRun(target.name, "schemathesis", wall, served(started) - before, code, error)
    try:  # Schemathesis grades nothing: every failed check counts as medium
        run.findings = [Finding(c, m, p) for c, m, p in st_findings(events)]
    except (OSError, ValueError, KeyError) as exc:
        run.error = run.error or f"no event log: {exc}"
    return run


def run_tool(tool: str, target: CorpusTarget, rt: Runtime, work: Path, args: argparse.Namespace) -> ToolRun:
    if tool == "schemathesis" and not target.spec:
        return ToolRun(target.name, tool, error="no OpenAPI spec: schemathesis cannot run")
    folder = work / target.name / tool
    folder.mkdir(parents=True, exist_ok=True)
    started = target.start(rt, folder / "app.log")  # a fresh app for each tool
    try:
        runner = run_assay if tool == "assay" else run_schemathesis
        return runner(target, started, folder, args)
    finally:
        started.server.stop()


def run_target(target: CorpusTarget, args: argparse.Namespace) -> list[ToolRun]:
    truth = parse_ground_truth(json.loads(target.truth_file.read_text()))
    rt = runtime_for(target, args.work)
    runs = []
    for tool in args.tools:
        run = run_tool(tool, target, rt, args.out, args)
        run.score = score(truth, run.findings)
        runs.append(run)
        print(f"  {target.name} {tool}: {row_text(run)}", file=sys.stderr, flush=True)
    return runs


def row_text(run: ToolRun) -> str:
    if run.score is None or (run.error and not run.findings and run.exit_code is None):
        return f"— ({run.error})"
    s = run.score
    fps = len(s.false_positives)
    return f"{len(s.found)}/{s.observable} found, {fps} FP, {run.wall_s:.0f} s, {run.requests} req"


def render(runs: list[ToolRun]) -> str:
    lines = [
        "| target | tool | found / observable | FP (medium+) | unjudged | wall s | requests | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        s = run.score
        if s is None or (run.exit_code is None and run.error):
            lines.append(f"| {run.target} | {run.tool} | — | — | — | — | — | {run.error} |")
            continue
        found = f"{len(s.found)} / {s.observable}"
        note = ", ".join(s.found) + (f"; {run.error}" if run.error else "")
        note += "; requests: assay's own count (no access log)" if run.counted_by == "assay" else ""
        lines.append(
            f"| {run.target} | {run.tool} | {found} | {len(s.false_positives)} | {s.unjudged} "
            f"| {run.wall_s:.0f} | {run.requests} | {note} |"
        )
    return "\n".join(lines + [total_row(tool, runs) for tool in TOOLS if any(r.tool == tool for r in runs)])


def total_row(tool: str, runs: list[ToolRun]) -> str:
    """A tool's totals; a target it could not run on counts its items as not found."""
    mine = [r for r in runs if r.tool == tool]
    found, observable, fps = totals([r.score for r in mine if r.score is not None])
    wall, req = sum(r.wall_s for r in mine), sum(r.requests for r in mine)
    return f"| **total** | {tool} | **{found} / {observable}** | {fps} | | {wall:.0f} | {req} | |"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("targets", nargs="*", help=f"default: all of {', '.join(TARGETS)}")
    parser.add_argument("--out", type=Path, default=None, help="logs, reports and results.json")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "assay-corpus")
    parser.add_argument("--budget", type=float, default=60.0, help="assay's --budget (s)")
    parser.add_argument("--st-max-examples", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900.0, help="hard cap per tool run (s)")
    parser.add_argument("--tools", default=",".join(TOOLS))
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {unknown}; known: {', '.join(TARGETS)}")
    args.targets = args.targets or list(TARGETS)
    args.tools = [t for t in args.tools.split(",") if t]
    args.out = args.out or Path(tempfile.mkdtemp(prefix="assay-corpus-out-"))
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    runs = [run for name in args.targets for run in run_target(TARGETS[name], args)]
    (args.out / "results.json").write_text(json.dumps([r.as_dict() for r in runs], indent=2))
    print(render(runs))
    print(f"\nlogs and results.json in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
