"""A small web app whose login has a second step, for the one-time-code tests.

``/login`` takes a username and password, then ``/verify`` asks for a 6-digit code: in "email"
mode the app mails a fresh random code to the user (into the IMAP server's INBOX); in "totp"
mode it checks the code against the user's TOTP secret (pyotp, one window of drift). Only a
correct code opens the session; ``/account`` is the protected page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import pyotp
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

USER, PASSWORD = "alice", "alice-pass-5521"

_PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""
_LOGIN = """<form method="post" action="/login">
<label for="u">Username</label><input id="u" name="username" type="text">
<label for="p">Password</label><input id="p" name="password" type="password">
<button type="submit">Sign in</button></form>"""
_VERIFY = """{error}<p>We sent a code to confirm it is you.</p><form method="post" action="/verify">
<label for="code">Verification code</label>
<input id="code" name="code" type="text" inputmode="numeric" maxlength="6" autocomplete="off">
<button type="submit">Verify</button></form>"""


@dataclass
class OtpAppState:
    mode: str  # "email" or "totp"
    send_mail: Callable[[str, str], None] = lambda subject, body: None
    totp_secret: str = field(default_factory=pyotp.random_base32)
    mail_wrong_code: bool = False  # the mail carries a code the app will refuse
    pending: dict[str, str] = field(default_factory=dict)  # pending-session id -> expected mail code
    sessions: set[str] = field(default_factory=set)
    refused: int = 0


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=title, body=body), status_code=status)


def create_otp_app(state: OtpAppState) -> FastAPI:
    app = FastAPI()

    @app.get("/")
    def home() -> HTMLResponse:
        return _page("Shop", '<p><a href="/login">Log in</a></p><p><a href="/account">My account</a></p>')

    @app.get("/login")
    def login_form() -> HTMLResponse:
        return _page("Sign in", _LOGIN)

    @app.post("/login")
    def login(username: str = Form(""), password: str = Form("")) -> Response:
        return _login(state, username, password)

    @app.get("/verify")
    def verify_form() -> HTMLResponse:
        return _page("Confirm sign-in", _VERIFY.format(error=""))

    @app.post("/verify")
    def verify(request: Request, code: str = Form("")) -> Response:
        return _verify(state, request.cookies.get("pending", ""), code.strip())

    @app.get("/account")
    def account(request: Request) -> Response:
        if request.cookies.get("session") not in state.sessions:
            return RedirectResponse("/login", status_code=303)
        return _page("Your account", f"<p>Signed in as {USER}.</p>")

    return app


def _login(state: OtpAppState, username: str, password: str) -> Response:
    """A right password opens a pending session and (in "email" mode) mails its code."""
    if (username, password) != (USER, PASSWORD):
        return _page("Sign in", '<p role="alert">Wrong username or password.</p>' + _LOGIN, 401)
    pending = secrets.token_urlsafe(16)
    state.pending[pending] = f"{secrets.randbelow(10**6):06d}"
    if state.mode == "email":
        code = "000000" if state.mail_wrong_code else state.pending[pending]
        state.send_mail("Your sign-in code", f"Hello {USER},\n\nYour verification code is {code}.\n")
    response = RedirectResponse("/verify", status_code=303)
    response.set_cookie("pending", pending, httponly=True)
    return response


def _verify(state: OtpAppState, pending: str, code: str) -> Response:
    """Only the right code turns the pending session into a signed-in one."""
    if pending not in state.pending or not _valid(state, pending, code):
        state.refused += 1
        error = '<p role="alert">That code is not valid.</p>'
        return _page("Confirm sign-in", _VERIFY.format(error=error), 401)
    del state.pending[pending]
    session = secrets.token_urlsafe(16)
    state.sessions.add(session)
    response = RedirectResponse("/account", status_code=303)
    response.set_cookie("session", session, httponly=True)
    return response


def _valid(state: OtpAppState, pending: str, code: str) -> bool:
    if state.mode == "totp":
        return pyotp.TOTP(state.totp_secret).verify(code, valid_window=1)
    return secrets.compare_digest(code, state.pending[pending])
