"""Where assay may send traffic: the two host rules, in one place.

- :class:`SafetyPolicy`, per run: every request goes to the target's host only, and a method that
  changes state only to a host marked as a test system. The HTTP adapter checks it before sending.
- :class:`TargetPolicy`, per server: which URLs the service may be asked to test at all (the
  server is itself a request-forgery risk).

TargetPolicy's patterns are host names (``api.example.com``), wildcards (``*.example.com``) and CIDRs
(``10.0.0.0/8``). An empty allow-list admits every host; cloud metadata addresses are
refused either way unless explicitly allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from assay.domain.errors import InvalidUrl, SafetyError
from assay.domain.target import SAFE_METHODS, Target

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "metadata.azure.internal"})
METADATA_NETWORKS = (
    ipaddress.ip_network("169.254.0.0/16"),  # AWS, GCP, Azure, OpenStack instance metadata
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS IPv6
    ipaddress.ip_network("fe80::/10"),
)


def parse_target_url(url: str) -> str:
    """The URL's host, lower-cased, when it is an absolute http(s) URL; else InvalidUrl."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"{url!r} is not a valid URL: {exc}. Give an absolute http(s) URL.") from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise InvalidUrl(f"{url!r} is not an absolute http(s) URL; give one like https://example.com/")
    return host.lower()


@dataclass(frozen=True)
class TargetPolicy:
    allowed: tuple[str, ...] = ()
    allow_metadata: bool = False
    resolve: bool = True

    def check(self, url: str) -> None:
        """Raise InvalidUrl for a malformed URL, SafetyError for a target this server may not test."""
        host = parse_target_url(url)
        addresses = _addresses(host) if self.resolve else _literal(host)
        if not self.allow_metadata and _is_metadata(host, addresses):
            raise SafetyError(
                f"{host} is a cloud metadata address; assay refuses it as a target "
                "(set ASSAY_ALLOW_METADATA_TARGETS=true only if you really mean it)"
            )
        if self.allowed and not _matches(host, addresses, self.allowed):
            raise SafetyError(
                f"{host} is not among this server's allowed targets; ask its operator to add it "
                "to ASSAY_ALLOWED_TARGETS"
            )


def _literal(host: str) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        return []


def _addresses(host: str) -> list[IpAddress]:
    literal = _literal(host)
    if literal:
        return literal
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []  # unresolvable: the workflow will report the target unreachable
    found: list[IpAddress] = []
    for info in infos:
        try:
            found.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
        except ValueError:
            continue
    return found


def _is_metadata(host: str, addresses: Sequence[IpAddress]) -> bool:
    if host in METADATA_HOSTS:
        return True
    return any(addr in net for addr in addresses for net in METADATA_NETWORKS if addr.version == net.version)


def _matches(host: str, addresses: Sequence[IpAddress], patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if "/" in pattern:
            try:
                network = ipaddress.ip_network(pattern, strict=False)
            except ValueError:
                continue
            if any(a in network for a in addresses if a.version == network.version):
                return True
        elif fnmatchcase(host, pattern):
            return True
    return False


@dataclass(frozen=True)
class SafetyPolicy:
    """Which hosts may receive traffic, and which may receive state-changing methods."""

    read_hosts: frozenset[str]
    write_hosts: frozenset[str]

    @classmethod
    def for_target(cls, target: Target, extra_read_hosts: tuple[str, ...] = ()) -> SafetyPolicy:
        hosts = {target.host, *(h.lower() for h in extra_read_hosts)}
        writes = {target.host} if target.is_test_system else set()
        return cls(read_hosts=frozenset(hosts), write_hosts=frozenset(writes))

    def check(self, method: str, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.read_hosts:
            raise SafetyError(f"refusing to send {method} to {host!r}: assay only talks to the target's host")
        if method.upper() not in SAFE_METHODS and host not in self.write_hosts:
            raise SafetyError(
                f"refusing {method} on {host!r}: not marked as a test system (pass --allow-host {host})"
            )
