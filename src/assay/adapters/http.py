"""The one way assay talks to a target: httpx, redirects never followed, safety enforced."""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from urllib.parse import urlencode

import httpx

from assay.adapters.http_body import BoundedBody
from assay.domain.errors import ConnectionDropped, TargetTimeout, TargetUnreachable
from assay.domain.exchanges import DROPPED_AGAIN, RecordedRequest, RecordedResponse
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import Json, json_depth
from assay.domain.limits import EVIDENCE_BYTES, MAX_RETAINED_BYTES

# Only what assay can inflate within bounds (execution/body.py); a server may still ignore it.
ACCEPT_ENCODING = "gzip, deflate"
# Deeper JSON is not judged as JSON: the oracles walk documents recursively.
MAX_JSON_DEPTH = 200
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
USER_AGENT = "assay/0.4 (+automated QA; https://github.com/assay)"


class HttpxTransport:
    """Implements ports.HttpTransport over an httpx.AsyncClient.

    Bounded against any target: a body is streamed and cut at MAX_BODY_BYTES (on the wire and
    inflated), and each request has a total deadline, so a target sending one byte every half
    second cannot hold a request longer than its timeout. A connection dropped before the answer
    is retried once on a fresh connection (a keep-alive connection the server closed while idle
    is the client's race, not the server's fault) before it is an error at all.
    """

    def __init__(self, policy: SafetyPolicy, *, default_timeout: float = 10.0, max_connections: int = 16):
        self._policy = policy
        self._default_timeout = default_timeout
        self._client = self._new_client(max_connections)
        self._sent = 0
        self._retained = 0

    @staticmethod
    def _new_client(max_connections: int) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            follow_redirects=False,
            verify=False,  # staging systems often use self-signed certificates
            limits=httpx.Limits(max_connections=max_connections),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            # Never keep a cookie: each identity sends exactly the credentials it owns, so an
            # "anonymous" request cannot carry a session cookie another request received.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            # Never route through a proxy from the environment: traffic goes to the target only.
            trust_env=False,
        )

    @property
    def requests_sent(self) -> int:
        return self._sent

    def fresh(self) -> HttpxTransport:
        """A new client under the same policy, with a single connection of its own (for replays)."""
        return HttpxTransport(self._policy, default_timeout=self._default_timeout, max_connections=1)

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        self._policy.check(request.method, request.url)
        limit = timeout or self._default_timeout
        try:
            async with asyncio.timeout(limit):
                return await self._send_retrying(request, limit)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise TargetTimeout(f"{request.method} {request.url}: no answer within {limit:g}s") from exc
        except httpx.ConnectError as exc:
            raise TargetUnreachable(f"cannot connect to {request.url}: {exc}") from exc

    async def _send_retrying(self, request: RecordedRequest, limit: float) -> RecordedResponse:
        try:
            return await self._send_once(self._client, request, limit)
        except _DROPPED:
            pass  # possibly a pooled connection the server had closed: ask again on a new one
        async with self._new_client(1) as fresh:
            try:
                return await self._send_once(fresh, request, limit)
            except _DROPPED as exc:
                raise ConnectionDropped(
                    f"{request.method} {request.url}: connection dropped ({_reason(exc)}), {DROPPED_AGAIN}"
                ) from exc

    async def _send_once(
        self, client: httpx.AsyncClient, request: RecordedRequest, limit: float
    ) -> RecordedResponse:
        """One attempt; its elapsed time is its own (timing oracles compare attempts, not retries)."""
        self._sent += 1
        started = time.perf_counter()
        stream = client.stream(
            request.method, request.url, headers=request.headers, content=_encode_body(request), timeout=limit
        )
        async with stream as response:
            body = BoundedBody(response.headers.get("content-encoding", ""))
            async for chunk in response.aiter_raw():
                if not body.feed(chunk):
                    break  # leaving the block closes the connection; the rest is never read
        content, cut = self._keep(body)
        return _record(response, content, cut, time.perf_counter() - started, body.undecoded)

    def _keep(self, body: BoundedBody) -> tuple[bytes, bool]:
        """What of the body to keep: all of it, or its beginning when it was cut or memory is spent."""
        content, cut = body.content, body.truncated
        if len(content) > EVIDENCE_BYTES and not cut:
            cut = self._retained + len(content) > MAX_RETAINED_BYTES
            self._retained += 0 if cut else len(content)
        return (content[:EVIDENCE_BYTES], True) if cut else (content, False)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpxTransport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _reason(exc: Exception) -> str:
    """The exception's type and message: never an empty "connection dropped ()"."""
    text = str(exc).strip()
    cause = exc.__cause__ or exc.__context__
    while not text and cause is not None:  # httpx often wraps an OSError that says more
        text = str(cause).strip()
        cause = cause.__cause__ or cause.__context__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _encode_body(request: RecordedRequest) -> bytes | None:
    if not request.has_body:
        return None
    if isinstance(request.body, str) and request.content_type != "application/json":
        return request.body.encode()
    if request.content_type == "application/x-www-form-urlencoded" and isinstance(request.body, dict):
        pairs = [(k, v if isinstance(v, str) else jsonlib.dumps(v)) for k, v in request.body.items()]
        return urlencode(pairs).encode()
    return jsonlib.dumps(request.body).encode()


def _record(
    response: httpx.Response, content: bytes, cut: bool, elapsed: float, undecoded: str = ""
) -> RecordedResponse:
    # Still-encoded bytes read as text are noise (and differ run to run): say what they are instead.
    # Not their size either: it is in Content-Length, and it varies with what the body echoes.
    text = f"<{undecoded}-encoded body: not decoded>" if undecoded else _decode(content, response)
    parsed: Json = None
    is_json = False
    if "json" in response.headers.get("content-type", "") and text and not cut and not undecoded:
        try:
            parsed = jsonlib.loads(text)
            is_json = json_depth(parsed) <= MAX_JSON_DEPTH
        except (ValueError, RecursionError):
            pass  # a body that claims JSON and isn't is evidence for the oracles, not an error
    return RecordedResponse(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        text=text,
        json=parsed if is_json else None,
        is_json=is_json,
        elapsed_seconds=elapsed,
        truncated=cut,
        undecoded=undecoded,
    )


def _decode(content: bytes, response: httpx.Response) -> str:
    try:
        return content.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")
