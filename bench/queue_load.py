"""Benchmark of the in-process queue: N workflows POSTed at once to `assay serve` (the real pipeline,
the shared browser pool) against two local targets, while one client polls their statuses.

Run: python bench/queue_load.py [--workflows 50] [--kind observation] [--concurrency 0]

Processes, all on 127.0.0.1: the targets (`assay.demo` and the blog of tests/apps, in threads of
one process), the server (`python -m assay serve`, a fresh SQLite data dir, ASSAY_MAX_CONCURRENT_
WORKFLOWS from ``--concurrency``, 0 = the default), and this one, which only drives the load.

Measured: the idle p50/p99 of ``GET /workflows/{id}`` (one workflow, finished, nothing running),
the same while the N are queued or running (the issue's goal: p99 < 20 ms) and their ratio; the
most seen running at once and the queue positions seen; throughput; that none was lost (every
one ends, each status is counted); peak RSS per process of the server's tree (VmHWM of the
server, the largest VmRSS sampled of each child: Chromium, Playwright's driver), from psutil
when installed, else /proc.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = {"completed", "failed", "cancelled"}
TARGETS_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.apps.blog_webapp import start_blog
from tests.apps.servers import start_demo
demo = start_demo()
blog, _ = start_blog()
print(demo.base_url, blog.base_url, flush=True)
while True:
    time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Memory:
    """Peak memory of a process tree, sampled from a thread."""

    root: int
    peaks: dict[tuple[int, str], int] = field(default_factory=dict)  # (pid, name) -> peak RSS, kB
    tree_peak_kb: int = 0
    most_processes: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            tree = [(pid, *rss_and_name(pid)) for pid in descendants(self.root)]
            tree = [(pid, rss, name) for pid, rss, name in tree if rss]
            for pid, rss, name in tree:
                self.peaks[(pid, name)] = max(self.peaks.get((pid, name), 0), rss)
            self.tree_peak_kb = max(self.tree_peak_kb, sum(rss for _, rss, _ in tree))
            self.most_processes = max(self.most_processes, len(tree))
            time.sleep(0.5)

    def server_hwm_kb(self) -> int:
        """The server's own high-water mark (the kernel's, not a sample)."""
        text = Path(f"/proc/{self.root}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+)", text)
        return int(found.group(1)) if found else 0


def descendants(root: int) -> list[int]:
    try:
        import psutil  # type: ignore[import-not-found,import-untyped,unused-ignore]

        process = psutil.Process(root)
        return [root, *(p.pid for p in process.children(recursive=True))]
    except ImportError:
        pass
    except Exception:
        return []
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(c) for c in task.read_text().split()]
        except OSError:  # it ended meanwhile
            continue
    return found


def rss_and_name(pid: int) -> tuple[int, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, ""
    rss = re.search(r"VmRSS:\s+(\d+)", text)
    name = re.search(r"Name:\s+(\S+)", text)
    return (int(rss.group(1)) if rss else 0), (name.group(1) if name else "?")


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def wait_up(client: httpx.Client, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if client.get("/workflows/none").status_code == 404:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def timed_get(client: httpx.Client, workflow_id: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    response = client.get(f"/workflows/{workflow_id}")
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return elapsed, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--kind", default="observation", choices=["observation", "generate-tests"])
    parser.add_argument("--concurrency", type=int, default=0, help="0: the server's default")
    parser.add_argument("--idle-samples", type=int, default=1000)
    args = parser.parse_args()

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    targets = start([sys.executable, "-c", TARGETS_SCRIPT, str(ROOT)], env)
    assert targets.stdout is not None
    demo, blog = targets.stdout.readline().split()
    data = tempfile.mkdtemp(prefix="assay-queue-bench-")
    port = free_port()
    server_env = dict(env, ASSAY_DATA_DIR=data, ASSAY_MAX_CONCURRENT_WORKFLOWS=str(args.concurrency))
    server_env.pop("ASSAY_API_KEYS", None)
    command = [sys.executable, "-m", "assay", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        command, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    memory = Memory(server.pid)
    threading.Thread(target=memory.run, daemon=True).start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v2", timeout=120) as client:
            wait_up(client)
            report(client, args, (demo + "/", blog + "/"), memory)
    finally:
        memory.stop.set()
        server.terminate()
        server.wait(30)
        targets.terminate()


def report(client: httpx.Client, args: argparse.Namespace, urls: tuple[str, str], memory: Memory) -> None:
    # A warm-up workflow (imports, the first Chromium), then the idle latency of its status.
    warm = client.post(f"/{args.kind}", json={"url": urls[0]}).json()["workflow_id"]
    while timed_get(client, warm)[1]["status"] not in TERMINAL:
        time.sleep(0.2)
    idle = [timed_get(client, warm)[0] for _ in range(args.idle_samples)]

    started = time.perf_counter()
    posted = [client.post(f"/{args.kind}", json={"url": urls[n % 2]}) for n in range(args.workflows)]
    ids = [p.json()["workflow_id"] for p in posted]
    statuses: dict[str, str] = {w: "pending" for w in ids}
    loaded: list[float] = []
    most_running, positions = 0, set()
    finished_at: dict[str, float] = {}
    while len(finished_at) < len(ids):
        for workflow_id in ids:
            if workflow_id in finished_at:
                continue
            elapsed, body = timed_get(client, workflow_id)
            loaded.append(elapsed)
            statuses[workflow_id] = str(body["status"])
            if statuses[workflow_id] in TERMINAL:
                finished_at[workflow_id] = time.perf_counter() - started
            progress = body["progress"]
            assert isinstance(progress, dict)
            first = next(iter(progress.values()))
            message = str(first.get("message") or "")
            if message.startswith("queued: position"):
                positions.add(int(message.split()[2]))
        most_running = max(most_running, sum(1 for s in statuses.values() if s == "running"))
    wall = time.perf_counter() - started

    counts = Counter(statuses.values())
    idle_p50, idle_p99 = percentile(idle, 0.5) * 1000, percentile(idle, 0.99) * 1000
    p50, p99 = percentile(loaded, 0.5) * 1000, percentile(loaded, 0.99) * 1000
    print(f"## queue_load: {args.workflows} x {args.kind} against {urls[0]} and {urls[1]}")
    print(f"concurrency: {args.concurrency or 'default'}; most seen running at once: {most_running}")
    print(f"queue positions seen: 1..{max(positions) if positions else 0} ({len(positions)} distinct)")
    print(f"ended: {dict(counts)}; lost: {args.workflows - sum(counts.values())}")
    print(f"wall: {wall:.1f} s; throughput: {args.workflows / wall * 60:.1f} workflows/min")
    print(f"status GET idle:   p50 {idle_p50:.1f} ms, p99 {idle_p99:.1f} ms ({len(idle)} calls)")
    print(f"status GET loaded: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(loaded)} calls)")
    print(f"loaded/idle p99 ratio: {p99 / idle_p99:.2f}; goal p99 < 20 ms: {'met' if p99 < 20 else 'missed'}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"median time to end: {statistics.median(finished_at.values()):.1f} s")
    print(f"server peak RSS (VmHWM): {memory.server_hwm_kb() / 1024:.0f} MB")
    by_name: dict[str, list[int]] = {}
    for (_pid, name), kb in memory.peaks.items():
        by_name.setdefault(name, []).append(kb)
    for name, peaks in sorted(by_name.items()):
        print(f"  {name}: {len(peaks)} processes, peak RSS each max {max(peaks) / 1024:.0f} MB")
    print(f"tree: at most {memory.most_processes} processes, {memory.tree_peak_kb / 1024:.0f} MB at once")


if __name__ == "__main__":
    main()
