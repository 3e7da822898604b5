"""The one way assay talks to a target: httpx, redirects never followed, safety enforced."""

from __future__ import annotations

import json as jsonlib
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from urllib.parse import urlencode, urlsplit

import httpx

from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.target import SAFE_METHODS, Target
from assay.errors import ConnectionDropped, SafetyError, TargetTimeout, TargetUnreachable

# Large enough for real-world specs (which are parsed from this text); evidence is trimmed later.
MAX_BODY_CHARS = 20_000_000
USER_AGENT = "assay/0.4 (+automated QA; https://github.com/assay)"


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


class HttpxTransport:
    """Implements ports.HttpTransport over an httpx.AsyncClient."""

    def __init__(self, policy: SafetyPolicy, *, default_timeout: float = 10.0, max_connections: int = 16):
        self._policy = policy
        self._default_timeout = default_timeout
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            verify=False,  # staging systems often use self-signed certificates
            limits=httpx.Limits(max_connections=max_connections),
            headers={"User-Agent": USER_AGENT},
            # Never keep a cookie: each identity sends exactly the credentials it owns, so an
            # "anonymous" request cannot carry a session cookie another request received.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            # Never route through a proxy from the environment: traffic goes to the target only.
            trust_env=False,
        )
        self._sent = 0

    @property
    def requests_sent(self) -> int:
        return self._sent

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        self._policy.check(request.method, request.url)
        self._sent += 1
        started = time.perf_counter()
        limit = timeout or self._default_timeout
        try:
            response = await self._client.request(
                request.method,
                request.url,
                headers=request.headers,
                content=_encode_body(request),
                timeout=limit,
            )
        except httpx.TimeoutException as exc:
            raise TargetTimeout(f"{request.method} {request.url}: no answer within {limit:g}s") from exc
        except httpx.ConnectError as exc:
            raise TargetUnreachable(f"cannot connect to {request.url}: {exc}") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise ConnectionDropped(f"{request.method} {request.url}: connection dropped ({exc})") from exc
        return _record(response, time.perf_counter() - started)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpxTransport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _encode_body(request: RecordedRequest) -> bytes | None:
    if not request.has_body:
        return None
    if isinstance(request.body, str) and request.content_type != "application/json":
        return request.body.encode()
    if request.content_type == "application/x-www-form-urlencoded" and isinstance(request.body, dict):
        pairs = [(k, v if isinstance(v, str) else jsonlib.dumps(v)) for k, v in request.body.items()]
        return urlencode(pairs).encode()
    return jsonlib.dumps(request.body).encode()


def _record(response: httpx.Response, elapsed: float) -> RecordedResponse:
    text = response.text[:MAX_BODY_CHARS]
    parsed: Json = None
    is_json = False
    if "json" in response.headers.get("content-type", "") and text:
        try:
            parsed = jsonlib.loads(text)
            is_json = True
        except ValueError:
            pass  # a body that claims JSON and isn't is evidence for the oracles, not an error
    return RecordedResponse(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        text=text,
        json=parsed,
        is_json=is_json,
        elapsed_seconds=elapsed,
    )
