# ruff: noqa: E501
"""A small server-rendered site whose sign-in is hidden the ways real sites hide it (issue 11).

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.

``signin_app(layout)`` serves the same accounts and pages under several layouts:

- ``overlay``: the home page's "Sign in" link sits under a full-page disclaimer that swallows
  every click until "I agree" is pressed (it is not fixed-position: it covers the document);
- ``menu``: the "Log in" link exists only once the hamburger button is clicked (the menu is
  rendered by script on opening, as component libraries do);
- ``path``: no link at all; the sign-in page answers at ``/accounts/login/``;
- in every layout the sign-in page holds a registration form first, then the login form, then a
  password-reset form; none of the three is named by its action alone.

A good sign-in lands on ``/`` showing "Signed in as NAME" and a "Log out" link; a wrong password
lands on ``/?error=1`` with a message and no form at all. ``/account`` is refused signed out
(redirected to the sign-in page). ``registration=False`` drops the registration form (and its
route): the twin where assay must not register anything; ``refuse=True`` turns every registration
down on the same page ("That username is taken").
"""

import secrets
from dataclasses import dataclass, field

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

USER, PASSWORD = "alice", "alice-pass-7734"
LOGIN_PATH = {"overlay": "/members/enter", "menu": "/members/enter", "path": "/accounts/login/"}

_PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><header><a href="/">Gazette</a> {nav}</header><main><h1>{title}</h1>{body}</main>{extra}</body></html>"""
_DISCLAIMER = """<div id="wall" style="position:absolute;top:0;left:0;width:100%;min-height:100vh;
height:3000px;z-index:50;background:#fff"><p>This site publishes opinion. By entering you accept
our editorial disclaimer.</p><button onclick="document.getElementById('wall').remove()">I agree</button></div>"""
_MENU = """<button class="nav-toggle" aria-expanded="false" aria-label="Open menu" onclick="
this.setAttribute('aria-expanded','true');
document.getElementById('nav').innerHTML='<a href=&quot;/about&quot;>About</a> <a href=&quot;{login}&quot;>Log in</a>';
">&#9776;</button><nav id="nav"></nav>"""
_REGISTER = """<section><h2>New here? Create an account</h2><form method="post" action="/members/a">
<label>First name <input name="first_name"></label><label>Username <input name="username"></label>
<label>E-mail <input type="email" name="email"></label>
<label>Password <input type="password" name="password1" autocomplete="new-password"></label>
<label>Confirm password <input type="password" name="password2" autocomplete="new-password"></label>
<button type="submit">Continue</button></form></section>"""
_LOGIN = """<section><h2>Already a member? Sign in</h2><form method="post" action="/members/b">
<label>Username <input name="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<label><input type="checkbox" name="remember"> Remember me</label>
<button type="submit">Continue</button></form></section>"""
_RESET = """<section><h2>Forgot your password?</h2><form method="post" action="/members/c">
<label>E-mail <input type="email" name="email"></label><button type="submit">Continue</button></form></section>"""


@dataclass
class SigninState:
    layout: str
    registration: bool = True
    refuse: bool = False  # the registration answers its own page again, "That username is taken"
    users: dict[str, str] = field(default_factory=lambda: {USER: PASSWORD})
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> user
    registered: list[str] = field(default_factory=list)
    resets: int = 0
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, accepted)


def signin_app(state: SigninState) -> FastAPI:
    app = FastAPI()
    login_path = LOGIN_PATH[state.layout]

    def page(request: Request, title: str, body: str, extra: str = "") -> HTMLResponse:
        user = state.sessions.get(request.cookies.get("sid", ""))
        if user:
            nav = f'<span>Signed in as {user}</span> <a href="/account">Account</a> <a href="/logout">Log out</a>'
        elif state.layout == "menu":
            nav = _MENU.replace("{login}", login_path)
        elif state.layout == "overlay":
            nav = f'<a href="{login_path}">Sign in</a>'
        else:
            nav = ""
        return HTMLResponse(_PAGE.format(title=title, nav=nav, body=body, extra=extra))

    @app.get("/")
    def home(request: Request, error: str = "") -> HTMLResponse:
        flash = '<p role="alert">Invalid username or password.</p>' if error else ""
        wall = _DISCLAIMER if state.layout == "overlay" else ""
        return page(request, "Gazette", flash + "<p>Today's opinion pieces.</p>", wall)

    @app.get("/about")
    def about(request: Request) -> HTMLResponse:
        return page(request, "About", "<p>A small paper.</p>")

    @app.get(login_path)
    def login_page(request: Request) -> HTMLResponse:
        forms = (_REGISTER if state.registration else "") + _LOGIN + _RESET
        return page(request, "Members", forms)

    @app.post("/members/b")
    def login(username: str = Form(""), password: str = Form("")) -> Response:
        ok = state.users.get(username) == password and bool(password)
        state.logins.append((username, ok))
        if not ok:
            return RedirectResponse("/?error=1", status_code=303)
        sid = secrets.token_urlsafe(16)
        state.sessions[sid] = username
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("sid", sid, httponly=True, samesite="lax")
        return response

    if state.registration:

        @app.post("/members/a")
        def register(
            request: Request,
            username: str = Form(""),
            email: str = Form(""),
            password1: str = Form(""),
            password2: str = Form(""),
        ) -> Response:
            if state.refuse:
                taken = '<p class="errorlist">That username is taken.</p>'
                return page(request, "Members", taken + _REGISTER + _LOGIN + _RESET)
            if (
                not username
                or not email
                or len(password1) < 8
                or password1 != password2
                or username in state.users
            ):
                return HTMLResponse("<p role='alert'>Please correct the errors below.</p>", status_code=400)
            state.users[username] = password1
            state.registered.append(username)
            return RedirectResponse(f"{login_path}?registered=1", status_code=303)

    @app.post("/members/c")
    def reset() -> Response:
        state.resets += 1
        return RedirectResponse("/", status_code=303)

    @app.get("/account")
    def account(request: Request) -> Response:
        user = state.sessions.get(request.cookies.get("sid", ""))
        if not user:
            return RedirectResponse(login_path, status_code=303)
        return page(request, "Your account", f"<p>Account of {user}.</p>")

    @app.get("/logout")
    def logout(request: Request) -> Response:
        state.sessions.pop(request.cookies.get("sid", ""), None)
        return RedirectResponse("/", status_code=303)

    return app
