"""Benchmark of distributed mode: N workflows against two local targets, run by W Celery workers on
Redis with the store on PostgreSQL; the same N in the in-process mode for comparison.

Run: python bench/celery_load.py [--workflows 50] [--workers 2] [--modes celery,in-process]
     [--step-delay 0.05]

Needs the Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432, database ``test``) this machine
runs. The API (``assay.bootstrap.build_app`` under uvicorn) and each worker (``assay worker``'s
``run_worker``) are processes of their own; this process runs the two targets (the demo app) and
drives the load. The agents are the tests' fake pipeline, which GETs its target through the real
transport and then takes ``--step-delay`` per step (12 steps a workflow), so the figures are the
queue's, the store's and the API's, not Chromium's.

Measured: workflows completed / lost (not finished within the bound), throughput (workflows per
second from the first POST to the last finish), p50/p99 of ``GET /workflows/{id}`` while they run
(4 polling clients), and the peak RSS (VmHWM) of the API and of each worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BOUND_SECONDS = 900.0  # a workflow not finished by then counts as lost


def serve_api(port: int) -> None:
    """The API process: settings from ASSAY_*, the fake pipeline (used only in-process)."""
    import uvicorn
    from tests.api_helpers import FakePipeline

    from assay.bootstrap import build_app
    from assay.domain.host_policy import TargetPolicy
    from assay.settings import Settings

    options = json.loads(os.environ.get("ASSAY_TEST_PIPELINE", "{}"))
    app = build_app(Settings(), pipeline=FakePipeline(**options), policy=TargetPolicy(resolve=False))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Outcome:
    mode: str
    completed: int = 0
    failed: int = 0
    lost: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    rss_mb: dict[str, float] = field(default_factory=dict)

    def row(self, total: int) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000 if ordered else 0.0
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0
        rss = ", ".join(f"{name} {mb:.0f}" for name, mb in self.rss_mb.items())
        return (
            f"| {self.mode} | {total} | {self.completed} | {self.failed} | {self.lost} | "
            f"{total / self.seconds:.2f} | {p50:.1f} | {p99:.1f} | {len(ordered)} | {rss} |"
        )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_mode(mode: str, workflows: int, worker_count: int, step_delay: float, targets: list[str]) -> Outcome:
    from tests.api_helpers import FakePipeline, postgres_schema_url
    from tests.distributed_helpers import POSTGRES_URL, Worker, distributed_settings, remove_keys

    from assay.settings import Settings

    pipeline = FakePipeline(step_delay=step_delay, touch_target=True)
    options = json.dumps({"step_delay": step_delay, "touch_target": True})
    if mode == "celery":
        settings = distributed_settings()
    else:
        settings = Settings(database_url=postgres_schema_url(POSTGRES_URL))
    port = free_port()
    env = {**os.environ, "ASSAY_DATABASE_URL": settings.database_url, "ASSAY_TEST_PIPELINE": options}
    env["PYTHONPATH"] = str(ROOT)
    if mode == "celery":
        env |= {"ASSAY_BROKER_URL": settings.broker_url, "ASSAY_BROKER_PREFIX": settings.broker_prefix}
    logs = Path(os.environ.get("BENCH_LOGS", "/tmp"))
    api = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env, cwd=ROOT)
    crew = (
        [Worker(settings, pipeline, logs / f"bench-worker-{i}.log") for i in range(worker_count)]
        if mode == "celery"
        else []
    )
    outcome = Outcome(mode)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v2", timeout=60)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/workflows/none")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            bodies = [{"url": targets[i % len(targets)]} for i in range(workflows)]
            posted = list(pool.map(lambda b: client.post("/generate-tests", json=b), bodies))
        ids = [r.json()["workflow_id"] for r in posted]
        finished: dict[str, str] = {}
        lock = threading.Lock()

        def poll(mine: list[str]) -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v2", timeout=60) as own:
                while time.monotonic() - started < BOUND_SECONDS:
                    pending = [w for w in mine if w not in finished]
                    if not pending:
                        return
                    for wid in pending:
                        t0 = time.perf_counter()
                        status = own.get(f"/workflows/{wid}").json()["status"]
                        elapsed = time.perf_counter() - t0
                        with lock:
                            outcome.latencies.append(elapsed)
                            if status in {"completed", "failed", "cancelled"}:
                                finished[wid] = status
                    time.sleep(0.05)

        threads = [threading.Thread(target=poll, args=(ids[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcome.seconds = time.monotonic() - started
        outcome.completed = sum(1 for s in finished.values() if s == "completed")
        outcome.failed = len(finished) - outcome.completed
        outcome.lost = workflows - len(finished)
        outcome.rss_mb["api"] = peak_rss_mb(api.pid)
        for i, worker in enumerate(crew):
            outcome.rss_mb[f"worker {i + 1}"] = peak_rss_mb(worker.process.pid)
    finally:
        client.close()
        for worker in crew:
            worker.stop()
        api.terminate()
        api.wait(timeout=30)
        if mode == "celery":
            remove_keys(settings)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="celery,in-process")
    parser.add_argument("--step-delay", type=float, default=0.05)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_api(args.serve)
        return
    from assay.demo.app import create_app
    from assay.demo.server import serve_in_thread

    servers = [serve_in_thread(create_app()), serve_in_thread(create_app())]
    try:
        targets = [s.base_url + "/" for s in servers]
        outcomes = [
            run_mode(mode, args.workflows, args.workers, args.step_delay, targets)
            for mode in args.modes.split(",")
        ]
    finally:
        for server in servers:
            server.stop()
    print(
        f"\n{args.workflows} workflows, 2 targets, {args.workers} workers (celery), "
        f"step delay {args.step_delay}s\n"
    )
    print(
        "| mode | workflows | completed | failed | lost | workflows/s | status p50 ms | status p99 ms | "
        "status calls | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for outcome in outcomes:
        print(outcome.row(args.workflows))


if __name__ == "__main__":
    main()
