"""A small shop API with the real-world shapes of issue 10's injection, CORS, ReDoS and business
faults, and its healthy twin (``build_shapes_app(healthy=True)``: the same API, each fault fixed).

The faults, each one a shape seen on a real app:

- ``GET /users/{username}``: SQLite SQL formatted from the path; errors are swallowed into 404, so
  only a boolean pair shows it (``' OR '1'='1`` answers another user's record, ``' AND '1'='2``
  stays 404).
- ``GET /items?name=``: an optional list filter formatted into SQLite SQL; the driver's error text
  comes back in the 500. Without the filter the list is complete, so "more rows than the baseline"
  never shows: only the true/false pair does.
- ``GET /orders/{order_id}``: documented as an integer, read as text and formatted into the SQL
  unquoted (``WHERE id = 7 OR 1=1``); errors swallowed into 404.
- ``GET /products?category=``: ``category[$ne]=x`` reaches the document filter as an operator
  (Express/qs and MongoDB's shape); the twin reads only ``category``.
- ``GET /notes?tag=``: the same optional filter, its errors swallowed into an empty list.
- CORS: a hand-written check ``re.match(r"https://.*target.com", origin)`` (unanchored, dots
  unescaped); strangers get the app's own origin ``https://app.target.com`` in the answer.
- ``POST /subscribe``: ``email`` (``format: email``, after ``name`` in the body) is checked with
  a backtracking pattern.
- A wallet (``GET /wallet``): a coupon credited on every use, one's own referral code credited,
  a transfer that reads both balances before writing them (a transfer to oneself creates money)
  and accepts negative amounts.

The twin parametrises its SQL, allows exactly ``https://app.target.com``, checks e-mails with a
linear pattern, and credits a coupon once (answering 200 "ok" every time, as idempotent APIs do),
refuses one's own referral, non-positive amounts and transfers to oneself.

No ``from __future__ import annotations`` here: FastAPI reads the route annotations at runtime.
"""

import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from typing import Annotated

import jwt as pyjwt
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

FRONTEND = "https://app.target.com"
EVIL_EMAIL = r"^([a-zA-Z0-9]+[._-]?)+@[a-z]+\.[a-z]+$"  # nested quantifiers: exponential on "aaaa!"
SAFE_EMAIL = r"^[a-zA-Z0-9._-]+@[a-z]+\.[a-z]+$"


class Register(BaseModel):
    username: str
    password: str


class Login(BaseModel):
    username: str
    password: str


class Subscribe(BaseModel):
    name: str
    email: str = Field(json_schema_extra={"format": "email"})


class CodeIn(BaseModel):
    code: str = Field(json_schema_extra={"example": "WELCOME10"})


class ReferralIn(BaseModel):
    code: str


class TransferIn(BaseModel):
    to: str
    amount: float


class Wallet(BaseModel):
    owner: str
    balance: float
    referral_code: str


PRODUCTS = [{"name": "tea", "category": "drinks"}, {"name": "cake", "category": "food"}]
OPERATORS = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$gt": lambda a, b: a > b,
    "$lt": lambda a, b: a < b,
}


def _matches(value: str, wanted: object) -> bool:
    """A document filter's field match: a value, or an operator ({"$ne": "x"})."""
    if isinstance(wanted, dict):
        return all(OPERATORS[k](value, v) for k, v in wanted.items() if k in OPERATORS)
    return value == wanted


class Shop:
    """The app's state: accounts, balances, used coupons; one lock, as a database would give."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.passwords = {"alice": "alice-Passw0rd!", "bob": "bob-Passw0rd!"}
        self.balances: dict[str, float] = {"alice": 100.0, "bob": 100.0}
        self.used: set[tuple[str, str]] = set()
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE TABLE users (username TEXT, email TEXT)")
        self.db.executemany(
            "INSERT INTO users VALUES (?, ?)", [("alice", "alice@corp.example"), ("bob", "bob@corp.example")]
        )
        self.db.execute("CREATE TABLE orders (id INTEGER, owner TEXT)")
        self.db.executemany("INSERT INTO orders VALUES (?, ?)", [(7, "alice"), (8, "bob")])
        self.db.execute("CREATE TABLE items (name TEXT)")
        self.db.executemany("INSERT INTO items VALUES (?)", [("apple",), ("pear",), ("plum",)])

    def query(self, sql: str, args: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        with self.lock:
            return list(self.db.execute(sql, args).fetchall())


def _cors(app: FastAPI, healthy: bool) -> None:
    @app.middleware("http")
    async def cors(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        origin = request.headers.get("origin", "")
        allowed = origin == FRONTEND if healthy else bool(re.match(r"https://.*target.com", origin))
        response.headers["Access-Control-Allow-Origin"] = origin if allowed else FRONTEND
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
        return response


def build_shapes_app(healthy: bool = False) -> FastAPI:
    app = FastAPI(title="shapes shop (healthy)" if healthy else "shapes shop", version="1.0")
    shop = Shop()
    key = secrets.token_hex(32)
    bearer = HTTPBearer()
    _cors(app, healthy)

    def current(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
        try:
            return str(pyjwt.decode(creds.credentials, key, algorithms=["HS256"])["sub"])
        except pyjwt.InvalidTokenError as exc:
            raise HTTPException(401, "bad token") from exc

    User = Annotated[str, Depends(current)]

    @app.post("/auth/register", status_code=201)
    def register(body: Register) -> dict[str, str]:
        with shop.lock:
            if body.username in shop.passwords:
                raise HTTPException(409, "taken")
            shop.passwords[body.username] = body.password
            shop.balances[body.username] = 100.0
        return {"username": body.username}

    @app.post("/auth/login")
    def login(body: Login) -> dict[str, str]:
        if shop.passwords.get(body.username) != body.password:
            raise HTTPException(401, "wrong username or password")
        return {"access_token": pyjwt.encode({"sub": body.username}, key), "token_type": "bearer"}

    @app.get("/users/me")
    def me(user: User) -> dict[str, str]:
        return {"username": user}

    @app.get("/users/{username}")
    def profile(username: str, user: User) -> dict[str, str]:
        try:
            if healthy:
                rows = shop.query("SELECT username, email FROM users WHERE username = ?", (username,))
            else:
                rows = shop.query(f"SELECT username, email FROM users WHERE username = '{username}'")
        except sqlite3.Error:
            rows = []  # swallowed: no error text ever shows
        if not rows:
            raise HTTPException(404, "no such user")
        return {"username": rows[0][0], "email": rows[0][1]}

    @app.get("/orders/{order_id}")
    def order(
        order_id: Annotated[str, PathParam(json_schema_extra={"type": "integer"})], user: User
    ) -> dict[str, object]:
        try:
            if healthy:
                rows = shop.query("SELECT id, owner FROM orders WHERE id = ?", (str(int(order_id)),))
            else:
                rows = shop.query(f"SELECT id, owner FROM orders WHERE id = {order_id}")
        except (sqlite3.Error, ValueError):
            rows = []
        if not rows:
            raise HTTPException(404, "no such order")
        return {"id": rows[0][0], "owner": rows[0][1]}

    @app.get("/items")
    def items(user: User, name: str | None = None) -> list[dict[str, str]]:
        if name is None:
            return [{"name": r[0]} for r in shop.query("SELECT name FROM items")]
        try:
            if healthy:
                rows = shop.query("SELECT name FROM items WHERE name = ?", (name,))
            else:
                rows = shop.query(f"SELECT name FROM items WHERE name = '{name}'")
        except sqlite3.Error as exc:
            raise HTTPException(500, f"sqlite3.OperationalError: {exc}") from exc
        return [{"name": r[0]} for r in rows]

    @app.get("/notes")
    def notes(user: User, tag: str | None = None) -> list[dict[str, str]]:
        sql, args = "SELECT name FROM items", tuple[str, ...]()
        if tag is not None:
            sql, args = (sql + " WHERE name = ?", (tag,)) if healthy else (sql + f" WHERE name = '{tag}'", ())
        try:
            rows = shop.query(sql, args)
        except sqlite3.Error:
            rows = []  # swallowed: only the true/false pair shows it
        return [{"note": r[0]} for r in rows]

    @app.get("/products")
    def products(request: Request, user: User, category: str | None = None) -> list[dict[str, str]]:
        # As Express's qs (and PHP) parse it, ``category[$ne]=x`` arrives as {"$ne": "x"}: the
        # store (a document filter, as MongoDB's) gets the operator when the app passes it on.
        wanted: object = category
        if not healthy:
            wanted = next(
                (
                    {k[9:-1]: v}
                    for k, v in request.query_params.items()
                    if re.fullmatch(r"category\[\$\w+\]", k)
                ),
                category,
            )
        return [p for p in PRODUCTS if wanted is None or _matches(p["category"], wanted)]

    @app.post("/subscribe")
    def subscribe(body: Subscribe) -> dict[str, bool]:
        pattern = SAFE_EMAIL if healthy else EVIL_EMAIL
        return {"ok": re.match(pattern, body.email[:254] if healthy else body.email) is not None}

    _wallet_routes(app, shop, current, healthy)
    return app


def _wallet_routes(app: FastAPI, shop: Shop, current: Callable[..., str], healthy: bool) -> None:
    User = Annotated[str, Depends(current)]

    @app.get("/wallet")
    def wallet(user: User) -> Wallet:
        return Wallet(owner=user, balance=shop.balances.get(user, 0.0), referral_code=f"REF-{user}")

    @app.post("/coupons/apply")
    def apply_coupon(body: CodeIn, user: User) -> dict[str, str]:
        if body.code != "WELCOME10":
            raise HTTPException(404, "unknown code")
        with shop.lock:
            if not healthy or (user, body.code) not in shop.used:
                shop.balances[user] += 10
            shop.used.add((user, body.code))
        return {"status": "ok"}

    @app.post("/referrals")
    def refer(body: ReferralIn, user: User) -> dict[str, str]:
        referrer = body.code.removeprefix("REF-")
        if referrer not in shop.balances:
            raise HTTPException(404, "unknown code")
        if healthy and (referrer == user or (user, "referral") in shop.used):
            raise HTTPException(400, "not allowed")
        with shop.lock:
            shop.balances[user] += 20
            shop.used.add((user, "referral"))
        return {"status": "ok"}

    @app.post("/transfers")
    def transfer(body: TransferIn, user: User) -> dict[str, float]:
        if body.to not in shop.balances:
            raise HTTPException(404, "no such account")
        if healthy and (body.amount <= 0 or body.to == user):
            raise HTTPException(400, "amount must be positive, recipient another account")
        with shop.lock:
            mine, theirs = shop.balances[user], shop.balances[body.to]
            if mine < body.amount:
                raise HTTPException(400, "insufficient funds")
            shop.balances[user] = mine - body.amount
            shop.balances[body.to] = theirs + body.amount  # to oneself: the debit is overwritten
        return {"balance": shop.balances[user]}
