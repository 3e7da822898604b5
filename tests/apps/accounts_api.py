"""A user-accounts API with the shapes real apps have, and its healthy twin (issue 10, §2).

``build_accounts_app(faulty=True)`` plants, each as real apps ship it:

* ``PUT /api/users/{username}/email`` and ``.../password``: the user is chosen by the path's
  username and the handler never compares it with the caller (another user's e-mail and
  password can be changed: account takeover);
* ``GET /api/notes/{title}`` serves any user's note by its title (the notes exist already);
* ``POST /api/register`` copies ``is_admin``, ``role`` and ``balance`` from the body, which
  ``GET /api/me`` then shows (mass assignment on registration), and ``PATCH /api/wallets/{id}``
  takes the ``balance`` its answers show (mass assignment on an update);
* ``GET /api/stats`` answers its error with a Python traceback (a scenario's GET, never one of
  the disclosure family's own probes), and successful ``/api`` answers carry
  ``X-Powered-By: PHP/7.4.3`` (a legacy backend behind the API; its error answers do not).

``PUT /api/users/{username}/role`` lets any user grant any role, their own included
(self-promotion).

``POST /api/admin/fetch`` (staff-only) fetches any URL it is given (SSRF behind a staff door:
reached only when assay probes it as the staff login, not as the customer).

``/api/admin/users`` and ``/api/admin/fetch`` are staff-only in both twins: a customer's 403
there is correct.
``faulty=False`` is the same app with every fault fixed: assay must report none of the above.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

import secrets
import threading
import traceback
import urllib.request
from itertools import count
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

SEED = {"root": ("root-Secret-1", "admin"), "alice": ("alice-Passw0rd!", "user")}


class RegisterIn(BaseModel):
    username: str
    password: str
    email: str | None = None


class LoginIn(BaseModel):
    username: str
    password: str


class EmailIn(BaseModel):
    email: str


class PasswordIn(BaseModel):
    password: str


class RoleIn(BaseModel):
    role: str


class WalletIn(BaseModel):
    name: str


class WalletPatch(BaseModel):
    name: str | None = None


class WalletOut(BaseModel):
    id: int
    name: str
    balance: float
    owner: str


class FetchIn(BaseModel):
    url: str


class UserOut(BaseModel):
    id: int
    username: str
    email: str | None
    role: str
    is_admin: bool
    balance: float


class Accounts:
    """The app's users and sessions, behind one lock (uvicorn may run handlers in threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = count(1)
        self.users: dict[str, dict[str, object]] = {}
        self.tokens: dict[str, str] = {}
        for name, (password, role) in SEED.items():
            self.add(name, password, None, {"role": role, "is_admin": role == "admin"})
        # Notes that exist before any run: each user's own, chosen by title in the path.
        self.notes: list[dict[str, object]] = [
            {"title": "alice-diary", "owner": "alice", "text": "private to alice"},
            {"title": "root-runbook", "owner": "root", "text": "private to root"},
        ]

    def add(self, name: str, password: str, email: str | None, extra: dict[str, object]) -> dict[str, object]:
        user: dict[str, object] = {"id": next(self.ids), "username": name, "email": email}
        user.update({"password": password, "role": "user", "is_admin": False, "balance": 0.0, **extra})
        self.users[name] = user
        return user


def _public(user: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in user.items() if k != "password"}


def _routes_accounts(app: FastAPI, db: Accounts, faulty: bool) -> None:
    @app.post("/api/register", status_code=201)
    async def register(body: RegisterIn, request: Request) -> dict[str, object]:
        raw = await request.json()
        # FAULT (mass assignment): privileged fields taken from the request as sent.
        extra = {k: raw[k] for k in ("is_admin", "role", "balance") if k in raw} if faulty else {}
        with db.lock:
            if body.username in db.users:
                raise HTTPException(409, "username taken")
            user = db.add(body.username, body.password, body.email, extra)
        return {"id": user["id"], "username": body.username}

    @app.post("/api/login")
    def login(body: LoginIn) -> dict[str, str]:
        user = db.users.get(body.username)
        if user is None or user["password"] != body.password:
            raise HTTPException(401, "invalid credentials")
        token = secrets.token_hex(12)
        db.tokens[token] = body.username
        return {"access_token": token}


def _caller(db: Accounts):  # type: ignore[no-untyped-def]
    def current(authorization: Annotated[str | None, Header()] = None) -> dict[str, object]:
        name = db.tokens.get((authorization or "").removeprefix("Bearer "))
        if name is None or name not in db.users:
            raise HTTPException(401, "login first")
        return db.users[name]

    return current


def _routes_users(app: FastAPI, db: Accounts, faulty: bool) -> None:
    Caller = Annotated[dict[str, object], Depends(_caller(db))]

    def chosen(username: str, caller: dict[str, object]) -> dict[str, object]:
        user = db.users.get(username)
        if user is None:
            raise HTTPException(404, "no such user")
        if not faulty and caller["username"] != username and not caller["is_admin"]:
            raise HTTPException(403, "not your account")  # the fix: the caller's own account only
        return user

    @app.get("/api/me", response_model=UserOut)
    def me(caller: Caller) -> dict[str, object]:
        return _public(caller)

    @app.put("/api/users/{username}/email", response_model=UserOut)
    def change_email(username: str, body: EmailIn, caller: Caller) -> dict[str, object]:
        user = chosen(username, caller)  # FAULT (bola) when faulty: any caller, any username
        user["email"] = body.email
        return _public(user)

    @app.put("/api/users/{username}/password", status_code=204)
    def change_password(username: str, body: PasswordIn, caller: Caller) -> Response:
        chosen(username, caller)["password"] = body.password  # FAULT (bola) when faulty
        return Response(status_code=204)

    @app.put("/api/users/{username}/role", response_model=UserOut)
    def grant_role(username: str, body: RoleIn, caller: Caller) -> dict[str, object]:
        user = db.users.get(username)
        if user is None:
            raise HTTPException(404, "no such user")
        if not faulty and not caller["is_admin"]:
            raise HTTPException(403, "staff only")  # the fix: only staff grant roles
        user["role"] = body.role  # FAULT (bfla) when faulty: anyone grants anyone any role
        user["is_admin"] = body.role == "admin"
        return _public(user)

    @app.get("/api/admin/users", response_model=list[UserOut])
    def all_users(caller: Caller) -> list[dict[str, object]]:
        if not caller["is_admin"]:
            raise HTTPException(403, "staff only")  # correct in both twins
        return [_public(u) for u in db.users.values()]

    @app.post("/api/admin/fetch")
    def fetch(body: FetchIn, caller: Caller) -> dict[str, object]:
        if not caller["is_admin"]:
            raise HTTPException(403, "staff only")  # correct in both twins
        if not faulty and not body.url.startswith("https://cdn.example.org/"):
            raise HTTPException(422, "only the CDN may be fetched")  # the fix: an allow-list
        try:  # FAULT (ssrf) when faulty: any URL, fetched from inside
            with urllib.request.urlopen(body.url, timeout=2) as answer:
                return {"status": answer.status}
        except OSError as exc:
            return {"status": 0, "error": str(exc)}

    @app.get("/api/notes")
    def my_notes(caller: Caller) -> list[dict[str, object]]:
        return [n for n in db.notes if n["owner"] == caller["username"]]

    @app.get("/api/notes/{title}")
    def note(title: str, caller: Caller) -> dict[str, object]:
        for n in db.notes:  # FAULT (bola) when faulty: any user's note by its title
            if n["title"] == title and (faulty or n["owner"] == caller["username"]):
                return n
        raise HTTPException(404, "no such note")

    @app.get("/api/stats")
    def stats(caller: Caller) -> Response:
        try:
            per_user = len(db.users) / (0 if faulty else 1)  # FAULT: a division by zero
        except ZeroDivisionError:
            return PlainTextResponse(traceback.format_exc(), status_code=500)  # FAULT: shows the trace
        return PlainTextResponse(f"users: {per_user:.0f}")


def _routes_wallets(app: FastAPI, db: Accounts, faulty: bool) -> None:
    Caller = Annotated[dict[str, object], Depends(_caller(db))]
    wallets: dict[int, dict[str, object]] = {}
    ids = count(1)

    def own(wallet_id: int, caller: dict[str, object]) -> dict[str, object]:
        wallet = wallets.get(wallet_id)
        if wallet is None or wallet["owner"] != caller["username"]:
            raise HTTPException(404, "no such wallet")
        return wallet

    @app.post("/api/wallets", status_code=201, response_model=WalletOut)
    def open_wallet(body: WalletIn, caller: Caller) -> dict[str, object]:
        wallet: dict[str, object] = {"id": next(ids), "name": body.name, "balance": 0.0}
        wallet["owner"] = caller["username"]
        wallets[int(str(wallet["id"]))] = wallet
        return wallet

    @app.get("/api/wallets/{wallet_id}", response_model=WalletOut)
    def wallet(wallet_id: int, caller: Caller) -> dict[str, object]:
        return own(wallet_id, caller)

    @app.patch("/api/wallets/{wallet_id}", response_model=WalletOut)
    async def rename(
        wallet_id: int, body: WalletPatch, request: Request, caller: Caller
    ) -> dict[str, object]:
        wallet, raw = own(wallet_id, caller), await request.json()
        wallet["name"] = body.name or wallet["name"]
        if faulty and "balance" in raw:  # FAULT (mass assignment): the balance from the body
            wallet["balance"] = float(raw["balance"])
        return wallet


def build_accounts_app(faulty: bool) -> FastAPI:
    """The accounts API, with every fault above when ``faulty``, else its healthy twin."""
    app = FastAPI(title="accounts", version="1")
    db = Accounts()
    if faulty:

        @app.middleware("http")
        async def banner(request: Request, call_next):  # type: ignore[no-untyped-def]
            response = await call_next(request)
            if request.url.path.startswith("/api/") and response.status_code < 300:
                response.headers["X-Powered-By"] = "PHP/7.4.3"  # FAULT: a version banner
            return response

    _routes_accounts(app, db, faulty)
    _routes_users(app, db, faulty)
    _routes_wallets(app, db, faulty)
    app.state.accounts = db
    return app
