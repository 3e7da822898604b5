"""Two small FastAPI apps for the trust tests: one whose suspicious-looking answers are all correct,
one whose faults are severe (for the severity rubric). Both bind 127.0.0.1 in a thread.

``build_correct_app``: every answer below is right, and a reviewer would reject a finding on it
in seconds: the caller's own phone in their own profile and contact list, a redemption whose
every 200 says the code is invalid, a 400 "Invalid username supplied" for a username nobody has,
a public catalogue the spec declares public (``security: []``), a login page that shows
"Invalid credentials" after a wrong password.

``build_leaky_app``: a user search whose SQL is formatted from the query string (a tautology
lists every user with the admin's password), and an endpoint with no authentication that lists
every user's password in clear text. Both must be rated critical.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import jwt as pyjwt
import uvicorn
from fastapi import Depends, FastAPI, Form, HTTPException, Path
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

USERS = {"alice": "alice-Passw0rd!", "bob": "bob-Passw0rd!"}
NAME = "^[a-z][a-z0-9_-]{2,39}$"  # a constraint: assay's made-up username is then sent as valid
PHONES = {"alice": "+1 202 555 0147", "bob": "+1 202 555 0199"}
LOGIN_PAGE = """<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Sign in</h1>{message}
<form method="post" action="/login"><label>Email <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>
</body></html>"""

# The message shows a moment after the refused request settled (as a UI transition would).
LATE_LOGIN_PAGE = """<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Sign in</h1><div id="msg" role="alert"></div>
<form id="f"><label>Email <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>
<script>document.getElementById("f").addEventListener("submit", async (event) => {
  event.preventDefault();
  await fetch("/api/session", {method: "POST"});
  setTimeout(() => { document.getElementById("msg").innerText = "Invalid credentials"; }, 700);
});</script></body></html>"""


class Login(BaseModel):
    username: str
    password: str


class CodeIn(BaseModel):
    code: str


def _auth(app: FastAPI, key: str) -> object:
    bearer = HTTPBearer()

    def current(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
        try:
            return str(pyjwt.decode(creds.credentials, key, algorithms=["HS256"])["sub"])
        except pyjwt.InvalidTokenError as exc:
            raise HTTPException(401, "bad token") from exc

    @app.post("/auth/login")
    def login(body: Login) -> dict[str, str]:
        if USERS.get(body.username) != body.password:
            raise HTTPException(401, "wrong username or password")
        return {"access_token": pyjwt.encode({"sub": body.username}, key), "token_type": "bearer"}

    return current


def build_correct_app() -> FastAPI:
    app = FastAPI(title="correct shop", version="1.0")
    current = _auth(app, secrets.token_hex(32))
    User = Annotated[str, Depends(current)]

    @app.get("/users/me")
    def me(user: User) -> dict[str, str]:
        return {"id": user, "username": user}

    @app.get("/addresses")
    def my_addresses(user: User) -> list[dict[str, str]]:  # the caller's own, phone included
        return [
            {"label": "home", "owner": user, "phone": PHONES[user]},
            {"label": "work", "owner": user, "email": f"{user}@work.example"},
        ]

    @app.get("/users/{username}", responses={400: {"description": "Invalid username supplied"}})
    def profile(username: Annotated[str, Path(pattern=NAME)], user: User) -> dict[str, str]:
        if username not in USERS:
            raise HTTPException(400, "Invalid username supplied")
        return {"username": username}

    @app.post("/coupons/redeem")
    def redeem(body: CodeIn, user: User) -> dict[str, object]:
        return {"success": False, "error": f"The code {body.code[:20]} is invalid or expired"}

    @app.get("/catalog", openapi_extra={"security": []})
    def catalog() -> list[dict[str, object]]:
        return [{"id": 1, "name": "tea", "price": 3}, {"id": 2, "name": "cake", "price": 5}]

    @app.get("/late-login", response_class=HTMLResponse, include_in_schema=False)
    def late_login_page() -> str:
        return LATE_LOGIN_PAGE

    @app.post("/api/session", include_in_schema=False)
    def api_session() -> None:
        raise HTTPException(401, "wrong username or password")

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page() -> str:
        return LOGIN_PAGE.format(message="")

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "") -> str:
        return LOGIN_PAGE.format(
            message='<div class="alert alert-danger" role="alert">Invalid credentials</div>'
        )

    return app


def build_leaky_app() -> FastAPI:
    app = FastAPI(title="leaky shop", version="1.0")
    current = _auth(app, secrets.token_hex(32))
    User = Annotated[str, Depends(current)]
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE users (username TEXT, password TEXT)")
    db.executemany("INSERT INTO users VALUES (?, ?)", [("admin", "Adm1n-Secret!"), *USERS.items()])

    @app.get("/users/search")
    def search(name: str, user: User) -> list[dict[str, str]]:
        query = f"SELECT username, password FROM users WHERE username = '{name}'"  # the planted fault
        try:
            rows = db.execute(query).fetchall()
        except sqlite3.Error as exc:
            raise HTTPException(500, f"sqlite3.OperationalError: {exc}") from exc
        return [{"username": r[0], "password": r[1]} for r in rows]

    @app.get("/admin/users")
    def all_users() -> list[dict[str, str]]:  # no authentication at all
        return [{"username": u, "password": p} for u, p in db.execute("SELECT * FROM users").fetchall()]

    @app.get("/orders")
    def orders(user: User) -> list[dict[str, str]]:
        return [{"id": "o1", "owner": user}]

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        raise RuntimeError("the test app did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
