"""A small Flask shop with real accounts (sign-in, registration, password reset, logout by form),
flawed or fixed by switches, for the web session and account checks.

``build_account_app(AccountFlaws(...))``, every switch off by default (the fixed twin):

- ``weak_secret``: Flask's ``SECRET_KEY`` is ``"dev"`` (the Flask tutorial's), else 32 random bytes.
- ``stateless_logout``: logout only clears the browser's cookie, as a bare Flask app does; else each
  session carries a nonce the server keeps, and logout forgets it (the old cookie is refused).
- ``leaks``: the forms that tell an existing account from an unknown one: ``"login"`` (no such
  user / wrong password), ``"reset"`` (no account with that address / link sent), ``"register"``
  (username already taken); the others give one generic answer.
- ``min_password``: the shortest password registration takes (8 when fixed).

One account exists: alice / wonderland-42 (alice@example.com). ``/account`` is for signed-in users
(anonymous visitors are sent to ``/login``); ``app.config["USERS"]`` holds every account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import Flask, redirect, request, session
from werkzeug.wrappers import Response

USER, PASSWORD, EMAIL = "alice", "wonderland-42", "alice@example.com"
_LOGIN = """<form method="post" action="/login"><input name="username">
<input type="password" name="password"><button type="submit">Sign in</button></form>"""
_REGISTER = """<form method="post" action="/register" id="signup"><input name="username">
<input type="email" name="email"><input type="password" name="password">
<input type="password" name="confirm"><button type="submit">Create account</button></form>"""
_RESET = """<form method="post" action="/forgot" id="forgot-password"><input type="email" name="email">
<button type="submit">Send reset link</button></form>"""


@dataclass(frozen=True)
class AccountFlaws:
    weak_secret: bool = False
    stateless_logout: bool = False
    leaks: frozenset[str] = field(default_factory=frozenset)
    min_password: int = 8


def _page(title: str, body: str, message: str = "") -> str:
    shown = f'<p class="message">{message}</p>' if message else ""
    nav = '<a href="/">Home</a> <a href="/login">Sign in</a> <a href="/register">Register</a>'
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><nav>{nav}</nav><h1>{title}</h1>{shown}{body}</body></html>"


def build_account_app(flaws: AccountFlaws = AccountFlaws()) -> Flask:
    app = Flask("account_app")
    app.config["SECRET_KEY"] = "dev" if flaws.weak_secret else secrets.token_hex(32)
    users: dict[str, tuple[str, str]] = {USER: (PASSWORD, EMAIL)}  # name -> (password, e-mail)
    live: set[str] = set()  # the nonces of sessions not logged out (the fixed twin's store)
    app.config["USERS"] = users

    def current() -> str | None:
        user = session.get("user")
        if not isinstance(user, str) or user not in users:
            return None
        if not flaws.stateless_logout and session.get("nonce") not in live:
            return None
        return user

    @app.get("/")
    def home() -> str:
        user = current()
        who = f'<p>Signed in as {user}. <a href="/account">Your account</a></p>' if user else ""
        return _page("Shop", who + '<p><a href="/forgot">Forgot your password?</a></p>')

    @app.get("/login")
    def login_page() -> str:
        return _page("Sign in", _LOGIN)

    @app.post("/login")
    def login() -> Response | tuple[str, int]:
        name, password = request.form.get("username", ""), request.form.get("password", "")
        if name in users and users[name][0] == password:
            nonce = secrets.token_hex(8)
            live.add(nonce)
            session.update(user=name, nonce=nonce)
            return redirect("/account", 303)
        if "login" in flaws.leaks:
            message = "Wrong password." if name in users else "No such user."
        else:
            message = "Invalid username or password."
        return _page("Sign in", _LOGIN, message), 200

    @app.get("/account")
    def account() -> Response | str:
        user = current()
        if user is None:
            return redirect("/login", 302)
        logout = '<form method="post" action="/logout"><button type="submit">Log out</button></form>'
        return _page("Your account", f"<p>Orders of {user}: none yet.</p>{logout}")

    @app.post("/logout")
    def logout() -> Response:
        live.discard(str(session.get("nonce", "")))
        session.clear()
        return redirect("/", 303)

    @app.route("/register", methods=["GET", "POST"])
    def register() -> str:
        if request.method == "GET":
            return _page("Register", _REGISTER)
        form = request.form
        name, mail, password = form.get("username", ""), form.get("email", ""), form.get("password", "")
        if not name or not mail or password != form.get("confirm", ""):
            return _page("Register", _REGISTER, "Please fill in every field.")
        if len(password) < flaws.min_password:
            return _page(
                "Register", _REGISTER, f"Passwords must be at least {flaws.min_password} characters."
            )
        if name in users:
            if "register" in flaws.leaks:
                return _page("Register", _REGISTER, "That username is already taken.")
            return _page("Welcome", "<p>Thanks! You can sign in now.</p>")
        users[name] = (password, mail)
        return _page("Welcome", "<p>Thanks! You can sign in now.</p>")

    @app.route("/forgot", methods=["GET", "POST"])
    def forgot() -> str:
        if request.method == "GET":
            return _page("Forgot password", _RESET)
        mail = request.form.get("email", "")
        known = any(m == mail for _, m in users.values())
        if "reset" in flaws.leaks and not known:
            return _page("Forgot password", _RESET, "No account with that address.")
        if "reset" in flaws.leaks:
            return _page("Forgot password", "<p>We sent a reset link to your address.</p>")
        return _page("Forgot password", "<p>If an account exists for that address, we sent a link.</p>")

    return app
