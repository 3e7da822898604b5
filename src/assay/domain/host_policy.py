"""Where assay may send traffic: the two host rules, in one place.

- :class:`SafetyPolicy`, per run: every request goes to the target's host only, and a method that
  changes state only to a host marked as a test system. The HTTP adapter checks it before sending.
- :class:`TargetPolicy`, per server: which URLs the service may be asked to test at all (the
  server is itself a request-forgery risk).

TargetPolicy's patterns are host names (``api.example.com``), wildcards (``*.example.com``) and CIDRs
(``10.0.0.0/8``). An empty allow-list admits every public host; cloud metadata addresses are
refused either way unless explicitly allowed. The server's own address and port are refused
always (pointed at itself, a server would start workflows on itself). A server bound to
loopback only serves one person's machine and may test loopback targets; a server bound to any
other interface is shared, and without an allow-list refuses loopback, private and link-local
targets, or any user could aim it at the host's own databases.
"""

from __future__ import annotations

import ipaddress
import re
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


# A DNS label (letters, digits, inner hyphens); a host is labels joined by dots.
# Lengths (63 a label, 253 a name) are left to DNS: such a name does not resolve, and the API's
# URL pattern, which says the same as this code, stays a plain regular expression.
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def parse_target_url(url: str) -> str:
    """The URL's host, lower-cased, when it is an absolute http(s) URL with a real host and port.

    Refused with InvalidUrl: control characters or spaces anywhere (a NUL cuts the URL short in
    C code and in PostgreSQL), hosts that name nothing (``-``, ``.``, ``0``: an all-digit host is
    an old shorthand for an IPv4 address), and port 0.
    """
    shown = repr(url[:200])
    stripped = url.strip()
    if _CONTROL.search(stripped):
        raise InvalidUrl(f"{shown} holds a control character or a space; give a plain http(s) URL.")
    try:
        parts = urlsplit(stripped)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"{shown} is not a valid URL: {exc}. Give an absolute http(s) URL.") from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise InvalidUrl(f"{shown} is not an absolute http(s) URL; give one like https://example.com/")
    if port == 0:
        raise InvalidUrl(f"{shown} names port 0, which no server listens on; give a real port.")
    host = host.lower()
    if not _real_host(host):
        raise InvalidUrl(f"{shown}: {host!r} is not a host name or an IP address.")
    return host


def _real_host(host: str) -> bool:
    if _literal(host):
        return True
    labels = host.removesuffix(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        return False
    return not labels[-1].isdigit()  # "0", "10.1" and "127.1" are numbers, not names


def default_port(url: str) -> int:
    parts = urlsplit(url.strip())
    return parts.port or (443 if parts.scheme == "https" else 80)


@dataclass(frozen=True)
class ServerAddress:
    """Where this assay server listens (``assay serve --host --port``)."""

    host: str
    port: int

    @property
    def shared(self) -> bool:
        """Bound to an interface other people reach (anything but loopback)."""
        addresses = _addresses(self.host.lower())
        return not addresses or not all(a.is_loopback for a in addresses)

    def own(self, addresses: Sequence[IpAddress], port: int) -> bool:
        """``addresses:port`` reaches this server."""
        if port != self.port:
            return False
        bound = _addresses(self.host.lower())
        if any(a.is_unspecified for a in bound):  # 0.0.0.0 / :: listens on every local address
            return any(a.is_loopback or a.is_unspecified or a in _local_addresses() for a in addresses)
        return any(a in bound or (a.is_loopback and any(b.is_loopback for b in bound)) for a in addresses)


def _local_addresses() -> set[IpAddress]:
    """This machine's own addresses, as its host name resolves."""
    return {*_addresses(socket.gethostname()), *_addresses("localhost")}


def _internal(address: IpAddress) -> bool:
    """Loopback, private, link-local and other non-public ranges: the host's own networks."""
    return not address.is_global


@dataclass(frozen=True)
class TargetPolicy:
    allowed: tuple[str, ...] = ()
    allow_metadata: bool = False
    resolve: bool = True
    server: ServerAddress | None = None  # None: not a server (the CLI, or tests without one)

    def check(self, url: str) -> None:
        """Raise InvalidUrl for a malformed URL, SafetyError for a target this server may not test."""
        host = parse_target_url(url)
        addresses = _addresses(host) if self.resolve else _literal(host)
        if self.resolve and not addresses:
            raise InvalidUrl(f"{host} does not resolve to an address; check the URL's host name.")
        if not self.allow_metadata and _is_metadata(host, addresses):
            raise SafetyError(
                f"{host} is a cloud metadata address; assay refuses it as a target "
                "(set ASSAY_ALLOW_METADATA_TARGETS=true only if you really mean it)"
            )
        if self.server is not None and self.server.own(addresses, default_port(url)):
            raise SafetyError(
                f"{host}:{default_port(url)} is this assay server itself; it cannot test itself"
            )
        if self.allowed and not _matches(host, addresses, self.allowed):
            raise SafetyError(
                f"{host} is not among this server's allowed targets; ask its operator to add it "
                "to ASSAY_ALLOWED_TARGETS"
            )
        if not self.allowed and self.server is not None and self.server.shared:
            inside = [a for a in addresses if _internal(a)]
            if inside:
                raise SafetyError(
                    f"{host} is an address of this server's own networks ({inside[0]}); a shared "
                    "server tests them only when ASSAY_ALLOWED_TARGETS lists them"
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
