"""What assay does with single-page apps (issue 16): checklist behaviours exercised, known bugs found.

    python bench/spa_behaviours.py [APP...] [--budget S] [--out-root DIR]
    python bench/spa_behaviours.py --url URL --checklist FILE.json [--budget S]
    python bench/spa_behaviours.py --rescore DIR [APP...]     # score a past run's outputs again

For each app of ``spa_targets.TARGETS`` (all when none is named), one after another: install it by
package name (once), start it fresh on 127.0.0.1 as ``nobody``, run ``assay run URL --instruction
PURPOSE --budget S --out DIR`` with the checklist's purpose, stop it, and score what assay wrote
(``spa_scoring``): a behaviour is exercised when a UI scenario that ran on its page performed the
steps its checklist entry names as evidence and asserted the outcome; a known bug is found when a
finding on its page names it; a ``ui_functional`` finding no known bug explains is a false alarm.
Other findings are listed by category and title for a human to judge. See bench/README.md ("SPA
behaviours").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from spa_scoring import AppScore, score_run  # noqa: E402
from spa_targets import TARGETS, SpaTarget, runtime_for  # noqa: E402


@dataclass
class AppRun:
    app: str
    url: str
    wall_s: float = 0.0
    exit_code: int | None = None
    error: str = ""
    score: AppScore | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "url": self.url,
            "wall_s": round(self.wall_s, 1),
            "exit_code": self.exit_code,
            "error": self.error,
            "score": self.score.as_dict() if self.score else None,
        }


def run_assay(
    cmd: list[str], url: str, purpose: str, budget: float, out: Path, timeout: float
) -> tuple[int, float]:
    """One ``assay run`` on this worktree's code; its exit code and wall time."""
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    args = [*cmd, "run", url, "--instruction", purpose, "--budget", str(budget), "--out", str(out)]
    started = time.monotonic()
    with (out.parent / f"{out.name}.log").open("w") as log:
        try:
            done = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, env=env)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = -1
    return code, time.monotonic() - started


def measure(name: str, url: str, checklist: dict[str, Any], args: argparse.Namespace) -> AppRun:
    run = AppRun(name, url)
    out = Path(args.out_root) / name
    out.mkdir(parents=True, exist_ok=True)
    cmd = args.assay_cmd.split()
    run.exit_code, run.wall_s = run_assay(cmd, url, checklist["purpose"], args.budget, out, args.timeout)
    if not (out / "findings.json").exists():
        run.error = f"assay wrote no findings.json (exit {run.exit_code}); see {out}.log"
        return run
    run.score = score_run(checklist, out)
    return run


def measure_target(target: SpaTarget, args: argparse.Namespace) -> AppRun:
    checklist = json.loads(target.checklist.read_text())
    rt = runtime_for(target)
    log = Path(args.out_root) / f"{target.name}-app.log"
    started = target.start(target, rt, log)
    try:
        return measure(target.name, started.server.base_url + target.path, checklist, args)
    finally:
        started.server.stop()


def report(run: AppRun) -> list[str]:
    """The per-app lines a human reads: figures, then what was exercised, found and otherwise said."""
    lines = [f"## {run.app}  ({run.url})", f"wall {run.wall_s:.0f} s, exit {run.exit_code}"]
    if run.error or run.score is None:
        return [*lines, f"ERROR: {run.error}"]
    s = run.score
    lines.append(
        f"behaviours exercised {len(s.exercised)}/{s.behaviours_total}, "
        f"known bugs found {len(s.bugs_found)}/{s.bugs_total}, "
        f"ui_functional false alarms {len(s.false_alarms)}, other findings {len(s.other_findings)}, "
        f"UI scenarios executed {s.ui_executed}/{s.ui_total} (by kind: {s.ui_kinds})"
    )
    for bid, why in s.exercised.items():
        lines.append(f"  exercised {bid}: {why}")
    for bid in s.not_exercised:
        lines.append(f"  NOT exercised {bid}")
    for bid, why in s.bugs_found.items():
        lines.append(f"  bug found {bid}: {why}")
    for bid in s.bugs_missed:
        lines.append(f"  bug MISSED {bid}")
    for alarm in s.false_alarms:
        lines.append(f"  FALSE ALARM {alarm}")
    for f in s.other_findings:
        lines.append(f"  other [{f['severity']}] {f['category']}: {f['method']} {f['path']} — {f['title']}")
    return lines


def table(runs: list[AppRun]) -> list[str]:
    rows = [
        "| app | behaviours exercised | known bugs found | other findings "
        "| ui_functional false alarms | wall s |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        if r.score is None:
            rows.append(f"| {r.app} | error | error | – | – | {r.wall_s:.0f} |")
            continue
        s = r.score
        rows.append(
            f"| {r.app} | {len(s.exercised)}/{s.behaviours_total} | {len(s.bugs_found)}/{s.bugs_total} "
            f"| {len(s.other_findings)} | {len(s.false_alarms)} | {r.wall_s:.0f} |"
        )
    scored = [r.score for r in runs if r.score]
    ex = sum(len(s.exercised) for s in scored)
    bt = sum(s.behaviours_total for s in scored)
    bf = sum(len(s.bugs_found) for s in scored)
    kb = sum(s.bugs_total for s in scored)
    of = sum(len(s.other_findings) for s in scored)
    fa = sum(len(s.false_alarms) for s in scored)
    wall = sum(r.wall_s for r in runs)
    rows.append(f"| **total** | **{ex}/{bt}** | **{bf}/{kb}** | {of} | **{fa}** | {wall:.0f} |")
    return rows


def rescore(root: Path, apps: list[str]) -> list[AppRun]:
    """Score the outputs a past run left under ``root`` again (its wall times from results.json)."""
    past = root / "results.json"
    before = {r["app"]: r for r in json.loads(past.read_text())} if past.is_file() else {}
    runs = []
    for name in apps:
        old = before.get(name, {})
        run = AppRun(name, str(old.get("url", "")), float(old.get("wall_s") or 0.0), old.get("exit_code"))
        out = root / name
        if (out / "findings.json").is_file():
            run.score = score_run(json.loads(TARGETS[name].checklist.read_text()), out)
        else:
            run.error = f"no findings.json in {out}"
        runs.append(run)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("apps", nargs="*", help=f"of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--url", help="an app already running: score it against --checklist")
    parser.add_argument("--checklist", type=Path, help="the checklist JSON for --url")
    parser.add_argument("--budget", type=float, default=120.0, help="assay's --budget, seconds (default 120)")
    parser.add_argument("--timeout", type=float, default=900.0, help="hard cap on one assay run, seconds")
    parser.add_argument(
        "--out-root", default="/tmp/assay-spa/out", help="assay's outputs, logs, results.json"
    )
    parser.add_argument("--assay-cmd", default=f"{sys.executable} -m assay", help="how to call assay")
    parser.add_argument(
        "--rescore", type=Path, metavar="DIR", help="score a past --out-root again; run nothing"
    )
    args = parser.parse_args(argv)
    unknown = [a for a in args.apps if a not in TARGETS]
    if unknown:
        parser.error(f"unknown app(s) {unknown}; known: {', '.join(TARGETS)}")
    if args.rescore:
        runs = rescore(args.rescore, args.apps or list(TARGETS))
        print("\n".join([line for run in runs for line in [*report(run), ""]] + table(runs)))
        return 0
    Path(args.out_root).mkdir(parents=True, exist_ok=True)
    runs = []
    if args.url:
        if args.checklist is None:
            parser.error("--url needs --checklist")
        checklist = json.loads(args.checklist.read_text())
        runs.append(measure(str(checklist.get("app", "app")), args.url, checklist, args))
    else:
        for name in args.apps or list(TARGETS):  # one at a time: two shared cores
            print(f"… {name}", file=sys.stderr, flush=True)
            runs.append(measure_target(TARGETS[name], args))
    text = []
    for run in runs:
        text += [*report(run), ""]
    text += table(runs)
    print("\n".join(text))
    results = Path(args.out_root) / "results.json"
    results.write_text(json.dumps([r.as_dict() for r in runs], indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults: {results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
