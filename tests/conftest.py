"""Session-wide fixtures: the real targets of tests/apps, each started once on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.apps.servers import Target, running

pytest_plugins = ["tests.loopback"]  # loopback_only: a test's sockets held to 127.0.0.1


@pytest.fixture(scope="session")
def demo_server() -> Iterator[Target]:
    """The bundled demo target (assay.demo); its faults are assay.demo.PLANTED_FAULTS."""
    with running("demo") as target:
        yield target


@pytest.fixture(scope="session")
def httpbin_server() -> Iterator[Target]:
    """httpbin from PyPI, Swagger 2.0 at `spec_url` (/spec.json)."""
    with running("httpbin") as target:
        yield target


@pytest.fixture(scope="session")
def openapi31_server() -> Iterator[Target]:
    """todolist-fastapi from PyPI: a third-party FastAPI app, OpenAPI 3.1 at `spec_url`."""
    with running("todolist-fastapi") as target:
        yield target
