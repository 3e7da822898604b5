"""Benchmark of the API server: GET /workflows/{id} latency under 50 concurrent clients, and SSE
fan-out of one workflow to 100 subscribers.

Run: python bench/api_load.py [--clients 50] [--requests 2000] [--subscribers 100]
The server runs under uvicorn on 127.0.0.1 with a SQLite file store and a fake pipeline (so the
figures are the API's, not the agents').
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.api_helpers import FakePipeline, settings_for

from assay.bootstrap import build_app
from assay.demo.server import serve_in_thread
from assay.target_policy import TargetPolicy


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def status_load(base: str, workflow_id: str, clients: int, total: int) -> list[float]:
    latencies: list[float] = []
    per_client = total // clients

    async def one(client: httpx.AsyncClient) -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            response = await client.get(f"/workflows/{workflow_id}")
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(one(client) for _ in range(clients)))
    return latencies


async def fan_out(base: str, subscribers: int, gate: threading.Event) -> tuple[float, int, int]:
    async with httpx.AsyncClient(
        base_url=base, timeout=60, limits=httpx.Limits(max_connections=200)
    ) as client:
        workflow_id = (await client.post("/generate-tests", json={"url": "http://127.0.0.1:9/"})).json()[
            "workflow_id"
        ]
        counts: list[int] = []

        async def subscribe() -> None:
            seen = 0
            async with client.stream("GET", f"/workflows/{workflow_id}/stream") as response:
                async for line in response.aiter_lines():
                    seen += line.startswith("event: ")
            counts.append(seen)

        tasks = [asyncio.create_task(subscribe()) for _ in range(subscribers)]
        await asyncio.sleep(1.0)  # every subscriber connected and waiting
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - started, min(counts), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=100)
    args = parser.parse_args()
    gate = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(
            settings_for(Path(tmp)), pipeline=FakePipeline(gate=gate), policy=TargetPolicy(resolve=False)
        )
        with serve_in_thread(app, log_level="critical") as server:
            base = f"{server.base_url}/api/v2"
            wid = httpx.post(f"{base}/observation", json={"url": "http://127.0.0.1:9/"}).json()["workflow_id"]
            started = time.perf_counter()
            latencies = asyncio.run(status_load(base, wid, args.clients, args.requests))
            elapsed = time.perf_counter() - started
            ms = [v * 1000 for v in latencies]
            print(
                f"GET /workflows/{{id}}: {len(ms)} requests, {args.clients} concurrent clients, "
                f"{len(ms) / elapsed:.0f} req/s, p50 {statistics.median(ms):.1f} ms, "
                f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
            )
            gate.clear()
            seconds, low, high = asyncio.run(fan_out(base, args.subscribers, gate))
            print(
                f"SSE fan-out: {args.subscribers} subscribers of one workflow, every one got "
                f"{low}..{high} events; the whole workflow streamed to all in {seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
