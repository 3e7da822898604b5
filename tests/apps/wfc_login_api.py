"""An API whose login only a WFC auth file explains (the shapes Schemathesis' WFC tests use).

``POST /auth/v9/sign-on`` takes ``{"login", "secret"}`` as JSON or a form, and answers with the
token in the body (``/result/access_token``, and a numeric ``/number_token``), in the
``X-Auth-Token`` header, and a ``session`` cookie. The spec does not list the login, and its field
names are none assay guesses, so a run is authenticated only when the file's recipe is followed.
``GET /api/protected`` accepts any one of: ``Authorization: Bearer <TOKEN>``, ``X-Token: 42``,
``?token=<TOKEN>``, ``Cookie: session=<SESSION>``, ``X-Api-Key: <API_KEY>``; 401 otherwise.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import FastAPI, HTTPException, Request, Response

USERNAME = "wfc-user"
PASSWORD = "wfc-Passw0rd-91"
TOKEN = "wfc-token-5b7e2d"
SESSION = "wfc-session-c41f"
API_KEY = "wfc-api-key-77aa"
NUMBER_TOKEN = 42


@dataclass
class Seen:
    """What each protected request carried, and how many logins were made."""

    logins: int = 0
    protected: list[str] = field(default_factory=list)  # "ok" or "refused"
    lock: threading.Lock = field(default_factory=threading.Lock)


def _credentials(raw: bytes, content_type: str) -> dict[str, str]:
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode()))
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}


def _authorized(request: Request) -> bool:
    headers, query = request.headers, request.query_params
    return (
        headers.get("authorization") == f"Bearer {TOKEN}"
        or headers.get("x-token") == str(NUMBER_TOKEN)
        or query.get("token") == TOKEN
        or request.cookies.get("session") == SESSION
        or headers.get("x-api-key") == API_KEY
    )


def create_app() -> tuple[FastAPI, Seen]:
    app = FastAPI(title="wfc login api", version="1.0")
    seen = Seen()

    @app.post("/auth/v9/sign-on", include_in_schema=False)
    async def sign_on(request: Request, response: Response) -> dict[str, object]:
        given = _credentials(await request.body(), request.headers.get("content-type", ""))
        if (given.get("login"), given.get("secret")) != (USERNAME, PASSWORD):
            raise HTTPException(401, "wrong login")
        with seen.lock:
            seen.logins += 1
        response.headers["X-Auth-Token"] = TOKEN
        response.set_cookie("session", SESSION, httponly=True)
        return {"result": {"access_token": TOKEN}, "number_token": NUMBER_TOKEN}

    @app.get("/api/protected")
    def protected(request: Request) -> dict[str, str]:
        allowed = _authorized(request)
        with seen.lock:
            seen.protected.append("ok" if allowed else "refused")
        if not allowed:
            raise HTTPException(401, "credentials required")
        return {"user": USERNAME}

    @app.get("/api/public")
    def public() -> dict[str, str]:
        return {"status": "up"}

    return app, seen


LOGIN = "/auth/v9/sign-on"
_PAIR = {"username": USERNAME, "password": PASSWORD, "usernameField": "login", "passwordField": "secret"}
_BEARER = {
    "extractFrom": "body", "extractSelector": "/result/access_token",
    "sendIn": "header", "sendName": "Authorization", "sendTemplate": "Bearer {token}",
}  # fmt: skip


def _login(**fields: object) -> dict[str, object]:
    return {
        "verb": "POST",
        "endpoint": LOGIN,
        "contentType": "application/json",
        "payloadUserPwd": _PAIR,
        **fields,
    }


def _one(entry: dict[str, object]) -> dict[str, object]:
    return {"schemaVersion": "0.12.1", "auth": [{"name": "wfc user", **entry}]}


def wfc_documents(base_url: str) -> dict[str, dict[str, object]]:
    """WFC auth files in the shapes Schemathesis' and EvoMaster's documentation give, for this app.

    Every one authenticates a client of the app; the ``schemathesis`` ones are also files that
    Schemathesis' own WFC loader accepts (the EvoMaster ones use ``authTemplate`` and the older
    token names, which it does not read).
    """
    raw = json.dumps({"login": USERNAME, "secret": PASSWORD})
    return {
        "schemathesis: fixed token header": _one({"fixedHeaders": [{"name": "X-Api-Key", "value": API_KEY}]}),
        "schemathesis: fixed cookie": _one(
            {"fixedHeaders": [{"name": "Cookie", "value": f"session={SESSION}"}]}
        ),
        "schemathesis: body token": _one({"loginEndpointAuth": _login(token=_BEARER)}),
        "schemathesis: header token": _one(
            {
                "loginEndpointAuth": _login(
                    token={**_BEARER, "extractFrom": "header", "extractSelector": "X-Auth-Token"}
                )
            }
        ),
        "schemathesis: query token": _one(
            {
                "loginEndpointAuth": _login(
                    token={**_BEARER, "sendIn": "query", "sendName": "token", "sendTemplate": "{token}"}
                )
            }
        ),
        "schemathesis: number token": _one(
            {
                "loginEndpointAuth": _login(
                    token={
                        **_BEARER,
                        "extractSelector": "/number_token",
                        "sendName": "X-Token",
                        "sendTemplate": "{token}",
                    }
                )
            }
        ),
        "schemathesis: cookies": _one({"loginEndpointAuth": _login(expectCookies=True)}),
        "schemathesis: form login": _one(
            {"loginEndpointAuth": _login(token=_BEARER, contentType="application/x-www-form-urlencoded")}
        ),
        "schemathesis: raw payload": _one(
            {
                "loginEndpointAuth": {
                    "verb": "POST",
                    "endpoint": LOGIN,
                    "contentType": "application/json",
                    "payloadRaw": raw,
                    "token": _BEARER,
                }
            }
        ),
        "schemathesis: external login URL": _one(
            {
                "loginEndpointAuth": {
                    "verb": "POST",
                    "externalEndpointURL": base_url + LOGIN,
                    "contentType": "application/json",
                    "payloadUserPwd": _PAIR,
                    "token": _BEARER,
                }
            }
        ),
        "evomaster: template": {
            "auth": [{"name": "alice", "loginEndpointAuth": {"payloadUserPwd": _PAIR}}],
            "authTemplate": {
                "loginEndpointAuth": {
                    "endpoint": LOGIN,
                    "verb": "POST",
                    "contentType": "application/json",
                    "token": _BEARER,
                }
            },
        },
        "evomaster: older token names": _one(
            {
                "loginEndpointAuth": _login(
                    token={
                        "extractFromField": "/result/access_token",
                        "httpHeaderName": "Authorization",
                        "headerPrefix": "Bearer ",
                    }
                )
            }
        ),
    }
