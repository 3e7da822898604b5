"""Compare assay with schemathesis on the same real targets, in one run.

For each target (the bundled demo, httpbin, todolist-fastapi) and each tool, a fresh server
is started on 127.0.0.1 in this process, the tool runs against it as a subprocess, and we
record wall time, requests the server received (counted server-side, the same way for both
tools), findings reported and, on the demo, how many of its PLANTED_FAULTS were found.

    python bench/compare_schemathesis.py [--targets demo,httpbin,todolist-fastapi] [--out DIR]

Not part of the test suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.apps.servers import STARTERS, Target  # noqa: E402

from assay.demo import PLANTED_FAULTS, planted_keys  # noqa: E402

Key = tuple[str, str, str]
TARGETS = ("demo", "httpbin", "todolist-fastapi")
# httpbin's /delay/{n} and /drip sleep by design (up to 10 s a request): schemathesis spends
# minutes timing out on them. assay's --budget bounds it anyway; see README.md.
ST_EXTRA_ARGS = {"httpbin": ["--exclude-path-regex", "^/(delay|drip)"]}

# How a failed schemathesis check maps onto assay's finding categories (FINDINGS.md).
ST_CATEGORY = {
    "not_a_server_error": "server_error",
    "status_code_conformance": "status_code",
    "response_schema_conformance": "response_schema",
    "content_type_conformance": "response_schema",
    "response_headers_conformance": "response_schema",
    "positive_data_acceptance": "spec_drift",
    "ignored_auth": "missing_authentication",
    "object_level_authorization": "broken_object_authorization",
    "use_after_free": "stale_resource",
    # A resource the create acknowledged is not served afterwards: acknowledged, not persisted.
    "ensure_resource_availability": "lost_update",
    "max_response_time": "slow_response",
}
# The security families (issues 3 and 4), each by the category it reports.
FAMILIES = (
    "missing_authentication",
    "broken_object_authorization",
    "broken_function_authorization",
    "mass_assignment",
    "stale_resource",
    "lost_update",
    "race_condition",
    "injection",
    "ssrf",
    "broken_authentication",
    "information_disclosure",
    "data_exposure",
    "user_enumeration",
    "rate_limiting",
    "resource_exhaustion",
    "cors",
    "business_flow",
)


@dataclass
class Result:
    target: str
    tool: str
    wall_s: float = 0.0
    requests: int = 0
    findings: list[Key] = field(default_factory=list)
    exit_code: int | None = None
    error: str = ""

    @property
    def true_faults(self) -> set[Key]:
        return set(self.findings) & planted_keys()

    @property
    def false_positives(self) -> set[Key]:
        return set(self.findings) - planted_keys()


def demo_token(base_url: str) -> str:
    """Register and log in a user, so schemathesis can reach the secured operations."""
    credentials = {"username": "bench@example.com", "password": "bench-password"}
    with httpx.Client(base_url=base_url) as client:
        client.post(
            "/api/v1/auth/register",
            json={"email": credentials["username"], "password": credentials["password"]},
        )
        token: str = client.post("/api/v1/auth/login", data=credentials).json()["access_token"]
    return token


def run_timed(cmd: list[str], timeout: float, log: Path) -> tuple[float, int | None, str]:
    started = time.monotonic()
    try:
        with log.open("w") as out:
            done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        code: int | None = done.returncode
        error = ""
    except subprocess.TimeoutExpired:
        code, error = None, f"timed out after {timeout:.0f} s"
    except FileNotFoundError as exc:
        code, error = None, f"not runnable: {exc}"
    return time.monotonic() - started, code, error


def assay_findings(out_dir: Path) -> list[Key]:
    document = json.loads((out_dir / "findings.json").read_text())
    return sorted(
        {(f["category"], str(f["method"]).upper(), f["path"]) for f in document.get("findings", [])}
    )


def run_assay(target: Target, work: Path, args: argparse.Namespace) -> Result:
    out_dir = work / f"assay-{target.name}"
    cmd = [*args.assay_cmd.split(), "run", target.base_url, "--spec", target.spec_url]
    cmd += ["--budget", str(args.budget), "--out", str(out_dir)]
    target.server.reset_request_count()
    wall, code, error = run_timed(cmd, args.timeout, work / f"assay-{target.name}.log")
    result = Result(target.name, "assay", wall, target.server.requests_served, exit_code=code, error=error)
    if code not in (0, 1) and not error:
        result.error = f"exit {code}, see {work / f'assay-{target.name}.log'}"
    try:
        result.findings = assay_findings(out_dir)
    except (OSError, ValueError, KeyError) as exc:
        result.error = result.error or f"no findings.json: {exc}"
    return result


def st_category(check: str, status: int | None) -> str:
    if check == "status_code_conformance" and status in (404, 405):
        return "missing_endpoint"
    if check == "status_code_conformance" and status is not None and status >= 500:
        return "server_error"
    return ST_CATEGORY.get(check, f"st:{check}")


def st_findings(ndjson: Path) -> list[Key]:
    """Distinct (category, method, path) over every failed check in schemathesis' event log."""
    found: set[Key] = set()
    for line in ndjson.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            case = recorder["cases"][case_id]["value"]
            response = (recorder.get("interactions", {}).get(case_id) or {}).get("response") or {}
            for check in checks:
                if check["status"] == "failure":
                    category = st_category(check["name"], response.get("status_code"))
                    found.add((category, case["method"].upper(), case["path"]))
    return sorted(found)


def run_schemathesis(target: Target, work: Path, args: argparse.Namespace) -> Result:
    report = work / f"st-{target.name}"
    cmd = [args.st_cmd, "run", target.spec_url, "--url", target.base_url, "--checks", "all"]
    cmd += ["--max-examples", str(args.st_max_examples), "--workers", str(args.st_workers)]
    cmd += ["--seed", str(args.seed), "--request-timeout", "5", "--no-color"]
    cmd += ["--report", "ndjson", "--report-ndjson-path", str(report / "events.ndjson")]
    cmd += ST_EXTRA_ARGS.get(target.name, [])
    if target.name == "demo":
        cmd += ["--header", f"Authorization: Bearer {demo_token(target.base_url)}"]
    target.server.reset_request_count()
    wall, code, error = run_timed(cmd, args.timeout, work / f"st-{target.name}.log")
    result = Result(
        target.name, "schemathesis", wall, target.server.requests_served, exit_code=code, error=error
    )
    try:
        result.findings = st_findings(report / "events.ndjson")
    except (OSError, ValueError, KeyError) as exc:
        result.error = result.error or f"no event log: {exc}"
    return result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def render(results: list[Result]) -> str:
    planted = len(PLANTED_FAULTS)
    lines = [
        "| target | tool | wall s | requests | findings | true faults (demo) | not planted (demo) | exit |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        demo = r.target == "demo"
        true = f"{len(r.true_faults)}/{planted}" if demo else "-"
        extra = str(len(r.false_positives)) if demo else "-"
        status = r.error or str(r.exit_code)
        lines.append(
            f"| {r.target} | {r.tool} | {r.wall_s:.1f} | {r.requests} | {len(r.findings)} "
            f"| {true} | {extra} | {status} |"
        )
    lines += ["", "Ratios assay / schemathesis:", "", "| target | wall | requests | findings | true faults |"]
    lines.append("|---|---:|---:|---:|---:|")
    by_key = {(r.target, r.tool): r for r in results}
    for name in dict.fromkeys(r.target for r in results):
        a, s = by_key.get((name, "assay")), by_key.get((name, "schemathesis"))
        if a and s:
            true = ratio(len(a.true_faults), len(s.true_faults)) if name == "demo" else "-"
            lines.append(
                f"| {name} | {ratio(a.wall_s, s.wall_s)} | {ratio(a.requests, s.requests)} "
                f"| {ratio(len(a.findings), len(s.findings))} | {true} |"
            )
    return "\n".join(lines)


def _family_cell(result: Result | None, family: str) -> str:
    """Findings of the family's category; on the demo, ``found/planted`` of its planted faults."""
    if result is None:
        return "-"
    found = {k for k in result.findings if k[0] == family}
    if result.target != "demo":
        return str(len(found))
    planted = {k for k in planted_keys() if k[0] == family}
    extra = len(found - planted)
    return f"{len(found & planted)}/{len(planted)}" + (f" +{extra}" if extra else "")


def render_families(results: list[Result]) -> str:
    """One row per security family, an assay and a schemathesis column per target."""
    by_key = {(r.target, r.tool): r for r in results}
    names = list(dict.fromkeys(r.target for r in results))
    head = " | ".join(f"{n} assay | {n} st" for n in names)
    lines = [
        "Per security family (demo: planted found/planted, +N not planted; elsewhere: findings):",
        "",
        f"| family | {head} |",
        "|---|" + "---:|" * (2 * len(names)),
    ]
    for family in FAMILIES:
        cells = [
            _family_cell(by_key.get((n, tool)), family) for n in names for tool in ("assay", "schemathesis")
        ]
        lines.append(f"| {family} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def missed_on_demo(results: list[Result]) -> str:
    lines = []
    for r in results:
        if r.target == "demo":
            missed = sorted(planted_keys() - r.true_faults)
            lines.append(f"- {r.tool} missed: " + (", ".join(" ".join(k) for k in missed) or "nothing"))
            extra = sorted(r.false_positives)
            lines.append(
                f"- {r.tool} reported beyond the planted list: "
                + (", ".join(" ".join(k) for k in extra) or "nothing")
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated subset of %(default)s")
    parser.add_argument("--tools", default="assay,schemathesis")
    parser.add_argument("--budget", type=float, default=60, help="assay --budget, seconds")
    parser.add_argument("--st-max-examples", type=int, default=20)
    parser.add_argument("--st-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300, help="hard cap per tool run, seconds")
    parser.add_argument("--assay-cmd", default="assay")
    parser.add_argument("--st-cmd", default=shutil.which("st") or "st")
    parser.add_argument("--out", type=Path, help="keep logs, reports and results.json here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="assay-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runners: dict[str, Callable[[Target, Path, argparse.Namespace], Result]] = {
        "assay": run_assay,
        "schemathesis": run_schemathesis,
    }
    results: list[Result] = []
    for name in args.targets.split(","):
        for tool in args.tools.split(","):
            target = STARTERS[name]()  # a fresh server per run: no state leaks between tools
            try:
                print(f"running {tool} on {name} ({target.base_url}) ...", file=sys.stderr, flush=True)
                results.append(runners[tool](target, work, args))
            finally:
                target.stop()
    print(render(results))
    print()
    print(render_families(results))
    print()
    print(missed_on_demo(results))
    payload = [{**asdict(r), "true_faults": sorted(r.true_faults)} for r in results]
    (work / "results.json").write_text(json.dumps(payload, indent=2))
    print(f"\nlogs and reports: {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
