"""What assay is pointed at, and the rules it must respect while testing it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Credentials:
    """A login given to assay. The password never appears in a repr, log or report."""

    username: str
    password: str = field(repr=False)
    role: str = "user"


@dataclass(frozen=True)
class Target:
    """One run's target: the base URL plus everything the user told us about it."""

    base_url: str
    spec_location: str | None = None
    credentials: tuple[Credentials, ...] = ()
    instruction: str | None = None
    budget_seconds: float = 60.0
    depth: int = 1
    allowed_hosts: tuple[str, ...] = ()
    destructive: bool = False  # security checks may change or delete objects assay did not create
    latency_budget_seconds: float = 1.0
    artifacts_dir: str | None = None  # where screenshots go (the run's output folder); None: a temp dir

    @property
    def host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def is_test_system(self) -> bool:
        """Loopback hosts and hosts the user marked with --allow-host take destructive traffic."""
        return is_loopback(self.host) or self.host in {h.lower() for h in self.allowed_hosts}


def is_loopback(host: str) -> bool:
    """True for localhost and any address in 127.0.0.0/8 or ::1."""
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
