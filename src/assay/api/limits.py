"""A cap on request bodies: a body over the limit is answered 413 with the error shape, unread.

The cap applies before FastAPI parses anything (a 100 MB JSON body would otherwise be read, parsed
and validated in memory). A declared Content-Length over the cap is refused at once; a body sent
without one (chunked) is counted as it arrives and refused when it passes the cap.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assay.api.errors import error_body

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024  # inline observation results of big specs fit well under


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        too_large = False

        async def counted() -> Message:
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # The app sees a cut body and answers something; that answer is replaced by
                    # the 413 below (an exception here would be taken for a parse error).
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        refused = False

        async def watched(message: Message) -> None:
            nonlocal refused
            if not too_large:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(send)

        await self.app(scope, counted, watched)

    async def _refuse(self, send: Send) -> None:
        limit = f"{self.max_bytes / 1024 / 1024:g} MB"
        body = error_body(f"The request body is over this server's limit of {limit}.", "PAYLOAD_TOO_LARGE")
        payload = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        headers.append((b"connection", b"close"))  # the rest of the body is never read
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
