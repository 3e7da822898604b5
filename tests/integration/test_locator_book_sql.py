"""The locator book in SQL (table healed_locators) on a real SQLite file and the real PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from assay.adapters.healed_locators import MAX_KEY_BYTES, SqlLocatorBook, open_locator_book
from assay.adapters.models import HealedLocatorRow
from assay.adapters.store import make_engine, migrate
from assay.bootstrap import local_deps
from assay.domain.locator_book import MemoryLocatorBook

PAGE = "http://127.0.0.1:8000/settings"
STORED = 'page.get_by_role("switch", name="Dark mode")'


def _another_process(engine: Engine) -> SqlLocatorBook:
    """A book of its own on the same database, as another worker opens it."""
    return SqlLocatorBook(make_engine(engine.url.render_as_string(hide_password=False)))


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(HealedLocatorRow)).scalar_one())


def test_a_heal_put_by_one_book_is_got_by_another(engine: Engine) -> None:
    migrate(engine)
    book = SqlLocatorBook(engine)
    assert book.get(PAGE, STORED) is None
    book.put(PAGE, STORED, 'page.get_by_role("switch", name="Night theme")')
    other = _another_process(engine)
    assert other.get(PAGE, STORED) == 'page.get_by_role("switch", name="Night theme")'
    assert other.get("http://127.0.0.1:9000/settings", STORED) is None  # another target's page
    other.put(PAGE, STORED, 'page.get_by_test_id("theme")')  # healed again: the newer one is kept
    assert book.get(PAGE, STORED) == 'page.get_by_test_id("theme")' and _rows(engine) == 1
    other.engine.dispose()


def test_only_real_heals_are_kept(engine: Engine) -> None:
    migrate(engine)
    book = SqlLocatorBook(engine)
    book.put(PAGE, STORED, STORED)
    book.put(PAGE, STORED, "")
    book.put(PAGE, "x" * MAX_KEY_BYTES, "page.locator('#theme')")  # past PostgreSQL's index bound
    assert _rows(engine) == 0 and book.get(PAGE, STORED) is None


def test_concurrent_writers_of_one_key_leave_one_row(engine: Engine) -> None:
    migrate(engine)
    books = [_another_process(engine) for _ in range(4)]
    start = threading.Barrier(len(books))
    written = [f'page.get_by_text("Theme {n}")' for n in range(len(books))]

    def write(book: SqlLocatorBook, healed: str) -> None:
        start.wait()
        for _ in range(10):
            book.put(PAGE, STORED, healed)

    threads = [threading.Thread(target=write, args=pair) for pair in zip(books, written, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _rows(engine) == 1 and books[0].get(PAGE, STORED) in written
    for book in books:
        book.engine.dispose()


def test_a_database_that_cannot_be_opened_leaves_a_book_in_memory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    book = open_locator_book(f"sqlite:///{tmp_path / 'file' / 'assay.db'}")
    assert isinstance(book, MemoryLocatorBook)


def test_two_cli_runs_share_their_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``assay run`` with a model keeps its heals in the settings' database (.assay/assay.db)."""
    monkeypatch.setenv("ASSAY_LLM_MODEL", "llama3.2")
    monkeypatch.setenv("ASSAY_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # never called here
    monkeypatch.delenv("ASSAY_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSAY_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)

    def book() -> SqlLocatorBook:
        ai = getattr(local_deps().pipeline, "keywords", {})["ai"]
        assert isinstance(ai.book, SqlLocatorBook)
        return ai.book

    book().put(PAGE, STORED, "page.locator('#theme')")
    assert book().get(PAGE, STORED) == "page.locator('#theme')"
    assert (tmp_path / ".assay" / "assay.db").is_file()
