"""Benchmark of the API server: GET /workflows/{id} under 50 concurrent clients, and SSE fan-out of
one workflow to 100 subscribers, each printed as a ratio against a peer measured in the same run.

Run: python bench/api_load.py [--clients 50] [--requests 4000] [--subscribers 100]

The server runs in its own process (uvicorn on 127.0.0.1, SQLite file store, a fake pipeline so the
figures are the API's, not the agents'); this process only drives the load. Peers, same server:
- ``GET /bench/ping``: a trivial FastAPI endpoint answering a constant small JSON object;
- the SSE fan-out of the same workflow to one subscriber.
``--src DIR`` serves another checkout's ``src`` (e.g. the last commit's) for a before/after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TARGET = "http://127.0.0.1:9/"


def serve(port: int, data_dir: Path) -> None:
    """The server process: the real app, a gated fake pipeline, and the bench's control routes."""
    import uvicorn

    sys.path.insert(0, str(ROOT))
    from tests.api_helpers import FakePipeline, settings_for

    from assay.bootstrap import build_app
    from assay.domain.host_policy import TargetPolicy

    gate = threading.Event()
    app = build_app(
        settings_for(data_dir), pipeline=FakePipeline(gate=gate), policy=TargetPolicy(resolve=False)
    )

    @app.get("/bench/ping", include_in_schema=False)
    async def ping() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bench/gate/{state}", include_in_schema=False)
    async def set_gate(state: str) -> dict[str, bool]:
        gate.set() if state == "open" else gate.clear()
        return {"open": gate.is_set()}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(data_dir: Path, src: Path | None) -> Server:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    command = [sys.executable, __file__, "--serve", str(port), "--data", str(data_dir)]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/bench/ping", timeout=1)
            return Server(process, base)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the API server did not start")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Load:
    latencies_ms: list[float]
    seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 0.99)

    def line(self, label: str) -> str:
        rate = len(self.latencies_ms) / self.seconds
        return f"{label:<34} {rate:7.0f} req/s  p50 {self.p50:7.2f} ms  p99 {self.p99:7.2f} ms"


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection; the status code (the body is read)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(
        int(v) for k, _, v in (h.partition(b":") for h in lines[1:]) if k.lower() == b"content-length"
    )
    await reader.readexactly(length)
    return int(lines[0].split()[1])


async def load(base: str, path: str, clients: int, total: int) -> Load:
    """``clients`` connections, each sending its share of ``total`` GETs back to back.

    A minimal client on raw sockets: httpx's pool costs more than the server under this load.
    """
    host, port = base.removeprefix("http://").split(":")
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode()
    latencies: list[float] = []

    async def one() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        await get(reader, writer, request)  # warm up
        await barrier.wait()
        for _ in range(total // clients):
            started = time.perf_counter()
            status = await get(reader, writer, request)
            latencies.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
        writer.close()

    barrier = asyncio.Barrier(clients + 1)
    tasks = [asyncio.create_task(one()) for _ in range(clients)]
    await barrier.wait()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    return Load(latencies, time.perf_counter() - started)


async def fan_out(base: str, subscribers: int) -> tuple[float, int, int]:
    """Seconds from releasing a held workflow until every subscriber saw its last event."""
    limits = httpx.Limits(max_connections=subscribers + 10)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await client.post("/bench/gate/closed")
        started = await client.post("/api/v2/generate-tests", json={"url": TARGET})
        workflow_id = started.json()["workflow_id"]
        counts: list[int] = []

        async def subscribe() -> None:
            seen = 0
            async with client.stream("GET", f"/api/v2/workflows/{workflow_id}/stream") as response:
                async for line in response.aiter_lines():
                    seen += line.startswith("event: ")
            counts.append(seen)

        tasks = [asyncio.create_task(subscribe()) for _ in range(subscribers)]
        await asyncio.sleep(1.0 + subscribers / 100)  # every subscriber connected and waiting
        begun = time.perf_counter()
        await client.post("/bench/gate/open")
        await asyncio.gather(*tasks)
        return time.perf_counter() - begun, min(counts), max(counts)


async def held_workflow(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.post("/bench/gate/closed")
        response = await client.post("/api/v2/observation", json={"url": TARGET})
        workflow_id: str = response.json()["workflow_id"]
        while (await client.get(f"/api/v2/workflows/{workflow_id}")).json()["status"] != "running":
            await asyncio.sleep(0.01)
        return workflow_id


async def finished_workflow(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.post("/bench/gate/open")
        response = await client.post("/api/v2/observation", json={"url": TARGET})
        workflow_id: str = response.json()["workflow_id"]
        while (await client.get(f"/api/v2/workflows/{workflow_id}")).json()["status"] != "completed":
            await asyncio.sleep(0.01)
        return workflow_id


async def run(base: str, clients: int, total: int, subscribers: int) -> None:
    running, finished = await held_workflow(base), await finished_workflow(base)
    ping = await load(base, "/bench/ping", clients, total)
    live = await load(base, f"/api/v2/workflows/{running}", clients, total)
    done = await load(base, f"/api/v2/workflows/{finished}", clients, total)
    print(f"{clients} concurrent clients, {total} requests each load:")
    print(ping.line("peer: GET /bench/ping"))
    for label, result in (("GET /workflows/{id} (running)", live), ("GET /workflows/{id} (completed)", done)):
        ratio = f"x{result.p50 / ping.p50:.2f} p50, x{result.p99 / ping.p99:.2f} p99 of ping"
        print(f"{result.line(label)}  ({ratio})")
    one, _, _ = await fan_out(base, 1)
    many, low, high = await fan_out(base, subscribers)
    print(
        f"SSE fan-out: 1 subscriber {one * 1000:.0f} ms; {subscribers} subscribers {many * 1000:.0f} ms "
        f"(x{many / one:.2f} of one), each got {low}..{high} events"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--src", type=Path, default=None, help="serve this src directory instead")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.data)
        return
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), args.src)
        try:
            asyncio.run(run(server.base, args.clients, args.requests, args.subscribers))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
