"""An inventory API with documented state resets, for the non-destructive-by-default tests.

Items live in a SQLite file seeded with rows assay did not create. ``GET /reset`` and
``POST /admin/createdb`` drop and re-create the table (with a pause in between, so a request
that runs beside a reset meets "no such table" and a 500, as on the real app that showed it).
The app records every request it serves (method, path, how many others were in flight) so a
test can tell whether a reset ran, ran alone, and ran last.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, Field

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SEED = (("anvil", 120.0), ("bellows", 45.5), ("chisel", 9.75))
RESET_PATHS = frozenset({"/reset", "/admin/createdb"})


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    price: float = Field(ge=0, le=1_000_000)


class Item(ItemIn):
    id: int


@dataclass(frozen=True)
class Served:
    method: str
    path: str
    concurrent: int  # other requests in flight when this one started


@dataclass
class Inventory:
    """The app's state: its database file and what it served."""

    db_path: Path
    served: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, timeout=5)

    def create_table(self) -> None:
        with self.connect() as db:
            db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)")
            db.executemany("INSERT INTO items (name, price) VALUES (?, ?)", SEED)

    def reset(self) -> None:
        with self.connect() as db:
            db.execute("DROP TABLE IF EXISTS items")
        time.sleep(0.2)  # the window in which a request beside the reset finds no table
        self.create_table()

    def rows(self) -> list[tuple[Any, ...]]:
        with self.connect() as db:
            return list(db.execute("SELECT id, name, price FROM items ORDER BY id"))

    def resets(self) -> list[Served]:
        return [s for s in self.served if s.path in RESET_PATHS]


def _item(row: tuple[Any, ...] | None) -> Item:
    if row is None:
        raise HTTPException(404, "no such item")
    return Item(id=row[0], name=row[1], price=row[2])


def build_app(
    inventory: Inventory, *, hidden_reset: bool = False
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The app; ``hidden_reset`` adds ``POST /maintenance``, a reset whose spec does not say so."""
    api = FastAPI(title="Inventory", version="1.0.0")

    if hidden_reset:

        @api.post("/maintenance", summary="Run maintenance")
        def maintenance() -> dict[str, str]:
            inventory.reset()
            return {"status": "done"}

    @api.get("/", summary="Service status")
    def status() -> dict[str, str]:
        return {"service": "inventory"}

    @api.get("/items", summary="List items")
    def list_items() -> list[Item]:
        with inventory.connect() as db:
            return [_item(r) for r in db.execute("SELECT id, name, price FROM items ORDER BY id")]

    @api.post("/items", status_code=201, summary="Create an item")
    def create_item(body: ItemIn) -> Item:
        with inventory.connect() as db:
            cursor = db.execute("INSERT INTO items (name, price) VALUES (?, ?)", (body.name, body.price))
            return Item(id=int(cursor.lastrowid or 0), name=body.name, price=body.price)

    @api.get("/items/{item_id}", summary="Read an item")
    def read_item(item_id: int) -> Item:
        with inventory.connect() as db:
            return _item(db.execute("SELECT id, name, price FROM items WHERE id = ?", (item_id,)).fetchone())

    @api.put("/items/{item_id}", summary="Replace an item")
    def replace_item(item_id: int, body: ItemIn) -> Item:
        with inventory.connect() as db:
            done = db.execute(
                "UPDATE items SET name = ?, price = ? WHERE id = ?", (body.name, body.price, item_id)
            )
            if done.rowcount == 0:
                raise HTTPException(404, "no such item")
        return Item(id=item_id, name=body.name, price=body.price)

    @api.delete("/items/{item_id}", status_code=204, summary="Delete an item")
    def delete_item(item_id: int) -> Response:
        with inventory.connect() as db:
            if db.execute("DELETE FROM items WHERE id = ?", (item_id,)).rowcount == 0:
                raise HTTPException(404, "no such item")
        return Response(status_code=204)

    @api.get(
        "/reset",
        summary="Reset the database",
        description="Drops and re-creates the items table with its seed rows.",
    )
    def reset() -> dict[str, str]:
        inventory.reset()
        return {"status": "reset"}

    @api.post(
        "/admin/createdb", summary="Create the database", description="Drops and re-creates the database."
    )
    def createdb() -> dict[str, str]:
        inventory.reset()
        return {"status": "created"}

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await api(scope, receive, send)
            return
        with inventory.lock:
            inventory.served.append(Served(scope["method"], scope["path"], inventory.in_flight))
            inventory.in_flight += 1
        try:
            await api(scope, receive, send)
        finally:
            with inventory.lock:
                inventory.in_flight -= 1

    return counted
