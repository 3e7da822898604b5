"""A fixture holding every socket connect of a test to loopback: the model tests' proof that no
real network call leaves the machine (the providers' SDKs would otherwise reach their clouds)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every socket connect of the test is to 127.0.0.1; any other host fails the test."""
    contacted: list[str] = []
    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = str(address[0]) if isinstance(address, tuple) else str(address)
        contacted.append(host)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1"):
            raise AssertionError(f"a test contacted {host}")
        real(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield contacted
    assert all(h in ("127.0.0.1", "::1") for h in contacted if h.count(".") == 3 or ":" in h)
