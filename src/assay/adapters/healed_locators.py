"""The locator book (domain.locator_book) in the SQL database: table ``healed_locators``.

``assay serve`` and ``assay worker`` keep it on their store's engine, so a heal made by one
worker is tier 1 for the next run on any other, and survives a restart. ``assay run`` keeps it
in the database the settings name, by default the SQLite file ``.assay/assay.db`` under the
working directory (the one ``assay serve`` started there uses): two runs from one directory
share their heals.

The book saves work, it is never needed: a database that cannot be read or written costs a
warning, and the step is healed again by tier 2 or 3.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from assay.adapters.models import HealedLocatorRow
from assay.adapters.store import make_engine, migrate
from assay.domain.clock import now_iso
from assay.domain.locator_book import LocatorBook, MemoryLocatorBook, worth_keeping

log = logging.getLogger(__name__)
# PostgreSQL refuses a btree index entry over about 2.7 kB: a key past this is not kept.
MAX_KEY_BYTES = 2000


class SqlLocatorBook:
    """A :class:`~assay.domain.locator_book.LocatorBook` on ``engine`` (its schema migrated)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine)

    def get(self, page: str, locator: str) -> str | None:
        query = select(HealedLocatorRow.healed).where(
            HealedLocatorRow.page == page, HealedLocatorRow.locator == locator
        )
        try:
            with self._session() as s:
                found: str | None = s.scalar(query)
                return found
        except SQLAlchemyError as exc:
            log.warning("the locator book could not be read (%s): the step is healed again", _why(exc))
            return None

    def put(self, page: str, locator: str, healed: str) -> None:
        if not worth_keeping(locator, healed) or len(f"{page}{locator}".encode()) > MAX_KEY_BYTES:
            return
        values = {"page": page, "locator": locator, "healed": healed, "updated_at": now_iso()}
        # An upsert: two workers that healed the same step write one row, the later one winning.
        insert: Any = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(HealedLocatorRow)
            .values(values)
            .on_conflict_do_update(
                index_elements=["page", "locator"],
                set_={"healed": healed, "updated_at": values["updated_at"]},
            )
        )
        try:
            with self._session.begin() as s:
                s.execute(statement)
        except SQLAlchemyError as exc:
            log.warning("the locator book could not be written (%s): the heal is not kept", _why(exc))


def open_locator_book(url: str, run_migrations: bool = True) -> LocatorBook:
    """The book in the database at ``url`` (``assay run``'s), its schema brought up to date when
    allowed; this process's memory, with a warning, when that database cannot be opened."""
    try:
        engine = make_engine(url)
        if run_migrations:
            migrate(engine)
        return SqlLocatorBook(engine)
    except (SQLAlchemyError, OSError) as exc:
        # Not the URL: it may hold the database's password.
        log.warning("the locator book's database cannot be opened (%s): heals last this run only", _why(exc))
        return MemoryLocatorBook()


def _why(exc: Exception) -> str:
    """The error's first line: the driver's message, not the statement's parameters."""
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0][:200] if lines else ''}"
