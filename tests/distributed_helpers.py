"""Both ways of serving the API for the same contract tests: workflows run in the server, or
enqueued on a real Redis and run by real ``assay worker`` processes over a real PostgreSQL.

Celery mode uses the Redis on 127.0.0.1:6379 and the PostgreSQL on 127.0.0.1:5432 (trust auth,
database ``test``) that this machine runs; without them its tests are skipped. Each test gets
its own key prefix (queue included) and its own schema, and removes its keys at the end.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from assay.settings import Settings
from tests.api_helpers import Api, FakePipeline, postgres_schema_url, served, settings_for

REDIS_URL = os.environ.get("ASSAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("ASSAY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def services_present() -> bool:
    return _listening("127.0.0.1", 6379) and _listening("127.0.0.1", 5432)


needs_services = pytest.mark.skipif(
    not services_present(), reason="Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 are not running"
)
MODES = [
    pytest.param("in-process", id="in-process"),
    pytest.param("celery", id="celery", marks=needs_services),
]


class FileGate(threading.Event):
    """A gate a worker in another process sees: set when its file exists."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def is_set(self) -> bool:
        return self.path.exists()

    def set(self) -> None:
        self.path.touch()


def distributed_settings(redis_url: str = REDIS_URL, **values: object) -> Settings:
    """Settings on a fresh PostgreSQL schema and a fresh Redis key prefix."""
    prefix = f"assay-test-{uuid.uuid4().hex[:10]}:"
    values |= {"database_url": postgres_schema_url(POSTGRES_URL), "broker_url": redis_url}
    return Settings(broker_prefix=prefix, **values)  # type: ignore[arg-type]


def pipeline_options(pipeline: FakePipeline) -> str:
    """The fake pipeline's switches, for a worker process to build the same one."""
    options: dict[str, object] = {
        f.name: getattr(pipeline, f.name)
        for f in dataclasses.fields(pipeline)
        if f.name in {"fail_at", "step_delay", "cooperative", "crash_at", "touch_target"}
    }
    if isinstance(pipeline.gate, FileGate):
        options["gate_file"] = str(pipeline.gate.path)
    return json.dumps(options)


class Worker:
    """One ``assay worker`` process with a fake pipeline (tests/distributed_worker.py)."""

    def __init__(self, settings: Settings, pipeline: FakePipeline, log: Path) -> None:
        env = {
            **os.environ,
            "ASSAY_DATABASE_URL": settings.database_url,
            "ASSAY_BROKER_URL": settings.broker_url,
            "ASSAY_BROKER_PREFIX": settings.broker_prefix,
            "ASSAY_BROKER_VISIBILITY_SECONDS": str(settings.broker_visibility_seconds),
            "ASSAY_TEST_PIPELINE": pipeline_options(pipeline),
            "PYTHONPATH": str(ROOT),
        }
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.distributed_worker", uuid.uuid4().hex[:8]],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """``kill -9``: no shutdown, no acknowledgement, the workflow left mid-stage."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()


def remove_keys(settings: Settings) -> None:
    import redis

    client = redis.Redis.from_url(settings.broker_url)
    try:
        keys = list(client.scan_iter(match=f"{settings.broker_prefix}*", count=500))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass
    finally:
        client.close()


@contextmanager
def workers(settings: Settings, pipeline: FakePipeline, tmp: Path, count: int = 1) -> Iterator[list[Worker]]:
    started = [Worker(settings, pipeline, tmp / f"worker-{i}.log") for i in range(count)]
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


@contextmanager
def served_in(
    mode: str, tmp: Path, pipeline: FakePipeline | None = None, **settings_values: object
) -> Iterator[Api]:
    """The API with ``pipeline``: run in the server (``in-process``) or by a worker (``celery``)."""
    pipeline = pipeline or FakePipeline()
    if mode == "in-process":
        with served(settings_for(tmp, **settings_values), pipeline) as api:
            yield api
        return
    settings = distributed_settings(REDIS_URL, **settings_values)
    with ExitStack() as stack:
        stack.callback(remove_keys, settings)
        stack.enter_context(workers(settings, pipeline, tmp))
        yield stack.enter_context(served(settings, pipeline))


__all__ = ["MODES", "FileGate", "Worker", "distributed_settings", "needs_services", "served_in", "workers"]
