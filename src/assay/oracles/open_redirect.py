"""open_redirect: a parameter sends the browser to a site the client names (a phishing hop).

The proof is the answer's own header: a 3xx whose ``Location``, resolved against the request's
URL the way a browser resolves it, lands on the canary host the probe sent and not on the
target's host. Browsers are looser than ``urllib``: ``https:///evil`` and ``////evil`` skip the
empty authority (CVE-2023-39968 passed an ``urlparse`` same-origin check this way), ``\\`` counts
as ``/`` (``/\\evil`` is ``//evil``), tabs and newlines are dropped, and ``https:evil`` is
a path on the same site only when the base is itself https. A Location on the target's own host, or on a host
the probe never named (a fixed single-sign-on page), is no open redirect; a meta refresh or a
script redirect in an HTML body is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.oracles.base import Draft, OracleContext, build, group_by_route, route

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", re.DOTALL)
_SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


@dataclass(frozen=True)
class RedirectTrial:
    """One redirect-like parameter given a URL on ``canary`` (``payload``), and the answer."""

    exchange: Exchange
    slot: str
    payload: str
    canary: str


def _host_of(authority: str) -> str:
    """The host of ``user:pass@host:port``, as a browser compares it (lower case, decoded)."""
    host = authority.rpartition("@")[2]
    host = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host.partition(":")[0]
    return unquote(host).strip().rstrip(".").lower()


def _authority_host(rest: str) -> str:
    """The host of what follows ``scheme:`` or starts with ``//``, slashes skipped as browsers do."""
    authority = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
    return _host_of(authority)


def browser_host(location: str, base: str) -> str | None:
    """The host a browser goes to for ``Location: location`` on a page at ``base``.

    None when it goes to no host (``javascript:``, ``data:``); a subset of the WHATWG URL parser:
    enough to tell which host a redirect reaches, not to build the URL.
    """
    base_parts = urlsplit(base)
    base_host = (base_parts.hostname or "").rstrip(".").lower()
    value = re.sub(r"[\t\n\r]", "", location).strip(_C0_OR_SPACE)
    match = _SCHEME.match(value)
    if match is None:
        value = value.replace("\\", "/") if base_parts.scheme.lower() in _SPECIAL else value
        return _authority_host(value) if value.startswith("//") else base_host
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme not in _SPECIAL:
        return _host_of(urlsplit(value).netloc) or None
    rest = rest.replace("\\", "/")
    if scheme == base_parts.scheme.lower() and not rest.startswith("//"):
        return base_host  # "https:page" or "https:/page" on an https page is a path on it
    return _authority_host(rest)


def leaves_site(trial: RedirectTrial) -> str | None:
    """The foreign host the answer redirects to when it is the canary, else None."""
    response = trial.exchange.response
    if response is None or not 300 <= response.status < 400:
        return None
    location = response.header("location")
    if not location:
        return None
    base = trial.exchange.request.url
    own = (urlsplit(base).hostname or "").lower()
    host = browser_host(location, base)
    canary = trial.canary.lower()
    return host if host and host != own and (host == canary or host.endswith("." + canary)) else None


def judge_open_redirect(trials: Sequence[RedirectTrial], context: OracleContext) -> list[Finding]:
    """One finding per route whose parameter redirected to the canary host twice; pure.

    The probe sends a request that left the site once more: only a payload seen leaving twice
    counts, so the finding is ``reproduced`` without a replay of its own.
    """
    seen: dict[tuple[str, str, str], int] = {}
    for trial in trials:
        if leaves_site(trial):
            key = (trial.exchange.request.method, trial.exchange.request.url, trial.slot)
            seen[key] = seen.get(key, 0) + 1
    proven = [
        t
        for t in trials
        if leaves_site(t) and seen[(t.exchange.request.method, t.exchange.request.url, t.slot)] > 1
    ]
    findings: list[Finding] = []
    for group in group_by_route(t.exchange for t in proven).values():
        mine = [t for t in proven if t.exchange in group]
        first = mine[0]
        payloads: list[Json] = list(dict.fromkeys(t.payload for t in mine))
        location = (first.exchange.response.header("location") if first.exchange.response else "") or ""
        fields = ", ".join(dict.fromkeys(t.slot for t in mine))
        draft = Draft(
            category="open_redirect",
            severity="medium",
            title=f"{route(first.exchange)} redirects off site to a URL the client supplies (open redirect)",
            detail=(
                f"Given {first.payload!r} in {fields}, the server answered {first.exchange.status} with "
                f"Location: {location}, which a browser follows to {leaves_site(first)}, another host "
                "than the target's."
            ),
            recommendation=(
                "Redirect only to relative paths on this site (one leading '/', not '//' or '/\\') or to "
                "an allow-list of hosts, judged on the URL as a browser parses it; otherwise go home."
            ),
            impact=(
                "A link on the trusted domain sends users to a phishing page, and leaks OAuth codes or "
                "tokens carried to the redirect target."
            ),
            extra={"fields": fields, "payloads": payloads, "location": location},
        )
        findings.append(build(draft, first.exchange, context, occurrences=len(payloads)))
    return findings
